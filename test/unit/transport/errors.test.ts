import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQredoErrorBody, QredoApiError, QredoTransportError } from '../../../lib/wire/errors';
import { redactUrl, scrubSecrets } from '../../../lib/wire/redaction';

describe('parseQredoErrorBody', () => {
	it('reads the Partner API / Qredo API v1 shape (§3.4), code as number or string', () => {
		assert.deepEqual(parseQredoErrorBody('{"code":401,"msg":"errPartnerAuth","detail":{"reason":"signature"}}', 401), {
			code: 401,
			msg: 'errPartnerAuth',
			detail: { reason: 'signature' },
		});
		assert.deepEqual(parseQredoErrorBody('{"code":"409","msg":"conflict"}', 409), { code: '409', msg: 'conflict' });
		assert.deepEqual(parseQredoErrorBody('{"code":401,"msg":"Unauthorized","detail":{"reason":"empty token","extra":[1]}}', 401).detail, {
			reason: 'empty token',
			extra: [1],
		});
	});

	it('reads Signing-Agent-like shapes: {Code, Detail}, {Code, Msg}, {error}, {message}', () => {
		assert.deepEqual(parseQredoErrorBody('{"Code":400,"Detail":"AgentID already exist. You can not set new one."}', 400), {
			code: 400,
			msg: 'AgentID already exist. You can not set new one.',
		});
		assert.deepEqual(parseQredoErrorBody('{"Code":404,"Msg":"agent not registered"}', 404), { code: 404, msg: 'agent not registered' });
		assert.deepEqual(parseQredoErrorBody('{"error":"invalid token"}', 401), { code: 401, msg: 'invalid token' });
		assert.deepEqual(parseQredoErrorBody('{"error":{"message":"nope"}}', 403), { code: 403, msg: 'nope' });
		assert.deepEqual(parseQredoErrorBody('{"message":"rate limited"}', 429), { code: 429, msg: 'rate limited' });
		assert.deepEqual(parseQredoErrorBody('{"code":500,"msg":"x","detail":"database down"}', 500).detail, { reason: 'database down' });
	});

	it('falls back to the text for plain text, HTML, arrays and empty bodies; truncates', () => {
		assert.deepEqual(parseQredoErrorBody('upstream connect error\n  or disconnect', 503), { code: 503, msg: 'upstream connect error or disconnect' });
		assert.deepEqual(parseQredoErrorBody('', 502), { code: 502, msg: '' });
		assert.deepEqual(parseQredoErrorBody('[1,2]', 500), { code: 500, msg: '[1,2]' });
		assert.deepEqual(parseQredoErrorBody('{"code":', 500), { code: 500, msg: '{"code":' });
		const long = parseQredoErrorBody(JSON.stringify({ code: 400, msg: 'm'.repeat(5000), detail: { reason: 'r'.repeat(5000) } }), 400);
		assert.equal(long.msg.length, 301);
		assert.equal((long.detail?.reason as string).length, 301);
		assert.equal(parseQredoErrorBody('z'.repeat(100_000), 500).msg.length, 301);
	});
});

describe('QredoApiError', () => {
	it('builds a one-line message with status, msg, reason, method and path only', () => {
		const error = new QredoApiError({
			status: 401,
			method: 'GET',
			url: 'https://api.qredo.network/api/v1/p/company/abc?x=1',
			bodyText: '{"code":401,"msg":"errPartnerAuth","detail":{"reason":"signature"}}',
		});
		assert.equal(error.message, 'Qredo API 401 errPartnerAuth (reason: signature) on GET /api/v1/p/company/abc');
		assert.equal(error.name, 'QredoApiError');
		assert.ok(error instanceof Error);
		assert.equal(error.url, 'https://api.qredo.network/api/v1/p/company/abc?x=1');
		assert.equal(error.retryAfterSeconds, undefined);
	});

	it('uses the code when there is no message, and scrubs the given secrets from the body', () => {
		const error = new QredoApiError({
			status: 500,
			method: 'POST',
			url: 'https://h/x',
			bodyText: '{"code":500,"msg":"","detail":{"reason":"bad header x-sign=SIGNATURE-VALUE-123"}}',
			secrets: ['SIGNATURE-VALUE-123', 'short'],
		});
		assert.equal(error.message, 'Qredo API 500 500 (reason: bad header x-sign=[redacted]) on POST /x');
		assert.equal(error.detail?.reason, 'bad header x-sign=[redacted]');
	});
});

describe('redactUrl / scrubSecrets / QredoTransportError', () => {
	it('redacts credential-like query values and drops userinfo and fragments', () => {
		assert.equal(
			redactUrl('wss://api-v2.qredo.network/api/v2/actions/signrequests?token=abc.def&limit=5&apiKey=k&x-sign=s#frag'),
			'wss://api-v2.qredo.network/api/v2/actions/signrequests?token=[redacted]&limit=5&apiKey=[redacted]&x-sign=[redacted]',
		);
		assert.equal(redactUrl('https://user:pw@h.test/p'), 'https://h.test/p');
		assert.equal(redactUrl('not a url'), '(invalid URL)');
	});

	it('scrubs every occurrence of secrets of 8 characters or more', () => {
		assert.equal(scrubSecrets('a SECRET-1 b SECRET-1 c', ['SECRET-1', 'abc']), 'a [redacted] b [redacted] c');
	});

	it('QredoTransportError names the method and path, and keeps the code', () => {
		const error = new QredoTransportError('network', 'GET', 'https://h.test/api/v1/p/x?token=t0ken-value', 'request failed (ECONNRESET)', 'ECONNRESET');
		assert.equal(error.message, 'Qredo API GET /api/v1/p/x: request failed (ECONNRESET)');
		assert.equal(error.url, 'https://h.test/api/v1/p/x?token=[redacted]');
		assert.equal(error.code, 'ECONNRESET');
	});
});
