import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { loadRsaPrivateKey, NonceSource } from '../../../lib/auth/partnerApi';
import { QredoInputError } from '../../../lib/errors';
import { parseRetryAfter, qredoRequest, type QredoV2Tokens } from '../../../lib/transport/request';
import { QredoApiError, QredoTransportError } from '../../../lib/wire/errors';
import { repoRoot } from '../../support/paths';
import { hmacVectors, partnerVectors } from '../auth/vectors';
import { json, startServer, type RecordedRequest, type TestServer } from './testServer';

const { secret: SECRET, v1 } = hmacVectors();
const API_KEY_V1 = v1.apiKey;
const PARTNER_KEY = partnerVectors()[0].apiKey;
const PEM = readFileSync(join(repoRoot, 'test/fixtures/auth-rsa-2048.pkcs1.pem'), 'utf8');
const PUBLIC_KEY = createPublicKey(readFileSync(join(repoRoot, 'test/fixtures/auth-rsa-2048.public.pem'), 'utf8'));
const privateKey = loadRsaPrivateKey(PEM);
const FAST = { backoffBaseMs: 1, backoffMaxMs: 5 };

/** The signed URL as the server can rebuild it: scheme + Host header + request target. */
const fullUrl = (request: RecordedRequest) => `http://${request.headers.host}${request.target}`;
const header = (request: RecordedRequest, name: string) => request.headers[name] as string;

/** §1.1, computed here from the spec rather than by the client's signing code. */
function expectedHmac(request: RecordedRequest, timestampHeader: string): string {
	return createHmac('sha256', Buffer.from(SECRET, 'base64'))
		.update(`${header(request, timestampHeader)}${request.method}${fullUrl(request)}`)
		.update(request.body)
		.digest('base64url');
}

/** §1.3: RSASSA-PKCS1-v1_5 SHA-256 over (timestamp or nonce) + URL + body, verified with the public key. */
function partnerSignatureValid(request: RecordedRequest): boolean {
	const stamp = header(request, 'x-timestamp') ?? header(request, 'x-nonce');
	const payload = Buffer.concat([Buffer.from(`${stamp}${fullUrl(request)}`), request.body]);
	return verify('sha256', payload, PUBLIC_KEY, Buffer.from(header(request, 'x-sign'), 'base64url'));
}

/** Everything a thrown error exposes: message, stack, enumerable fields, util.inspect. */
const everythingAbout = (error: unknown) => [String(error), (error as Error).stack, JSON.stringify(error), inspect(error, { depth: 5 })].join('\n');

async function rejection(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	assert.fail('expected a rejection');
}

describe('qredoRequest over a real socket', () => {
	let server: TestServer;
	let respond: (request: RecordedRequest, response: import('node:http').ServerResponse, index: number) => void;
	before(async () => {
		server = await startServer((request, response, index) => respond(request, response, index));
	});
	after(() => server.close());
	const reset = (handler: typeof respond) => {
		server.requests.length = 0;
		respond = handler;
	};

	it('qapiV1: the exact JSON bytes are sent and signed, with the query in the signed URL', async () => {
		reset((_request, response) => json(response, 200, { ok: true }, { 'X-Custom': 'yes' }));
		const body = { from: '0x84CE', value: '100', note: 'Zürich €', nested: { list: [1, 2.5, null] } };
		const result = await qredoRequest<{ ok: boolean }>({
			method: 'post',
			url: `${server.origin}/qapi/v1/transaction?existing=1`,
			query: { since: 1700000000, text: 'a b&c=d/é', flag: true, skipped: undefined },
			body,
			auth: { kind: 'qapiV1', apiKey: API_KEY_V1, secret: SECRET },
		});
		assert.deepEqual(result, { status: 200, headers: result.headers, body: { ok: true } });
		assert.equal(result.headers['x-custom'], 'yes');

		const [request] = server.requests;
		assert.equal(request.method, 'POST');
		assert.equal(request.target, '/qapi/v1/transaction?existing=1&since=1700000000&text=a%20b%26c%3Dd%2F%C3%A9&flag=true');
		assert.deepEqual(request.body, Buffer.from(JSON.stringify(body), 'utf8'));
		assert.equal(header(request, 'content-type'), 'application/json');
		assert.equal(header(request, 'content-length'), String(request.body.length));
		assert.equal(header(request, 'accept'), 'application/json');
		assert.equal(header(request, 'qredo-api-key'), API_KEY_V1);
		assert.ok(Math.abs(Number(header(request, 'qredo-api-ts')) - Date.now() / 1000) < 5);
		assert.equal(header(request, 'qredo-api-sig'), expectedHmac(request, 'qredo-api-ts'));
	});

	it('signs the URL exactly as sent: normal form, no bare "?", existing query kept', async () => {
		reset((_request, response) => json(response, 200, {}));
		const auth = { kind: 'qapiV1', apiKey: API_KEY_V1, secret: SECRET } as const;
		await qredoRequest({ method: 'GET', url: `${server.origin}/qapi/v1/balance?`, auth });
		await qredoRequest({ method: 'GET', url: `${server.origin}/qapi/v1/../v1/funds?archived=true`, auth });
		await qredoRequest({ method: 'GET', url: `${server.origin}/qapi/v1/wallet/w 1/history`, query: { q: "it's" }, auth });
		assert.deepEqual(server.requests.map((request) => request.target), ['/qapi/v1/balance', '/qapi/v1/funds?archived=true', "/qapi/v1/wallet/w%201/history?q=it%27s"]);
		for (const request of server.requests) assert.equal(header(request, 'qredo-api-sig'), expectedHmac(request, 'qredo-api-ts'), request.target);
	});

	it('partner: x-sign verifies over timestamp + URL (with query) + body; no method', async () => {
		reset((_request, response) => json(response, 200, { company_id: 'c1' }));
		await qredoRequest({ method: 'PUT', url: `${server.origin}/api/v1/p/company/c1`, query: { ref: "o'brien" }, body: { name: 'ACME' }, auth: { kind: 'partner', apiKey: `${PARTNER_KEY}\n`, privateKey } });
		await qredoRequest({ method: 'GET', url: `${server.origin}/api/v1/p/company/search`, query: { query: 'acme corp' }, auth: { kind: 'partner', apiKey: PARTNER_KEY, privateKey } });
		for (const request of server.requests) {
			assert.equal(header(request, 'x-api-key'), PARTNER_KEY);
			assert.equal(header(request, 'x-nonce'), undefined);
			assert.ok(partnerSignatureValid(request), `${request.method} ${request.target}`);
		}
		assert.equal(server.requests[1].body.length, 0);
		assert.equal(header(server.requests[1], 'content-length'), undefined);
	});

	it('partner with a NonceSource, zkp: every attempt is signed afresh', async () => {
		reset((_request, response, index) => (index < 2 ? json(response, 503, { code: 503, msg: 'busy' }) : json(response, 200, {})));
		await qredoRequest({ method: 'GET', url: `${server.origin}/api/v1/p/coreclient`, auth: { kind: 'partner', apiKey: PARTNER_KEY, privateKey, nonce: new NonceSource() }, retry: FAST });
		const nonces = server.requests.map((request) => Number(header(request, 'x-nonce')));
		assert.equal(nonces.length, 3);
		assert.ok(nonces[0] < nonces[1] && nonces[1] < nonces[2], 'strictly increasing nonces');
		assert.ok(server.requests.every(partnerSignatureValid));

		reset((_request, response, index) => (index < 1 ? json(response, 429, { code: 429, msg: 'slow down' }, { 'retry-after': '0' }) : json(response, 200, { messages: [] })));
		let tokens = 0;
		await qredoRequest({ method: 'GET', url: `${server.origin}/api/v1/p/coreclient/action/a1`, auth: { kind: 'zkp', header: () => `zkp-${++tokens}` } });
		assert.deepEqual(server.requests.map((request) => header(request, 'x-api-zkp')), ['zkp-1', 'zkp-2']);
	});

	it('429: honours Retry-After in seconds, then succeeds', async () => {
		reset((_request, response, index) => (index === 0 ? json(response, 429, { code: 429, msg: 'Too Many Requests' }, { 'retry-after': '1' }) : json(response, 200, { done: 1 })));
		const result = await qredoRequest({ method: 'POST', url: `${server.origin}/api/v1/p/fees`, body: { type: 'withdraw' }, auth: { kind: 'qapiV1', apiKey: API_KEY_V1, secret: SECRET } });
		assert.deepEqual(result.body, { done: 1 });
		assert.equal(server.requests.length, 2, 'a 429 is retried even for POST: the server did not process it');
		const waited = server.requests[1].receivedAt - server.requests[0].receivedAt;
		assert.ok(waited >= 950, `waited ${waited} ms`);
		assert.ok(server.requests.every((request) => header(request, 'qredo-api-sig') === expectedHmac(request, 'qredo-api-ts')));
	});

	it('429: a Retry-After beyond maxRetryAfterMs is thrown at once with retryAfterSeconds', async () => {
		reset((_request, response) => json(response, 429, { code: 429, msg: 'Too Many Requests' }, { 'retry-after': '120' }));
		const started = Date.now();
		const error = await rejection(qredoRequest({ method: 'GET', url: `${server.origin}/api/v1/p/assets`, auth: { kind: 'none' } }));
		assert.ok(error instanceof QredoApiError);
		assert.equal(error.status, 429);
		assert.equal(error.retryAfterSeconds, 120);
		assert.match(error.message, /^Qredo API 429 Too Many Requests on GET \/api\/v1\/p\/assets \(retry after 120 s\)$/);
		assert.equal(server.requests.length, 1);
		assert.ok(Date.now() - started < 1000);

		reset((_request, response) => json(response, 429, { code: 429, msg: 'Too Many Requests' }, { 'retry-after': '2' }));
		const bounded = await rejection(qredoRequest({ method: 'GET', url: `${server.origin}/api/v1/p/assets`, auth: { kind: 'none' }, retry: { maxRetryAfterMs: 1500 } }));
		assert.equal((bounded as QredoApiError).retryAfterSeconds, 2);
		assert.equal(server.requests.length, 1);
	});

	it('429: gives up after max429Retries', async () => {
		reset((_request, response) => json(response, 429, {}, { 'retry-after': '0' }));
		const error = await rejection(qredoRequest({ method: 'GET', url: `${server.origin}/x`, auth: { kind: 'none' }, retry: { max429Retries: 2 } }));
		assert.equal((error as QredoApiError).status, 429);
		assert.equal(server.requests.length, 3);
		reset((_request, response) => json(response, 429, {}));
		await rejection(qredoRequest({ method: 'GET', url: `${server.origin}/x`, auth: { kind: 'none' }, retry: { ...FAST, max429Retries: 1 } }));
		assert.equal(server.requests.length, 2, 'without Retry-After the backoff is used');
	});

	it('5xx: GET is retried with backoff, POST is not unless marked idempotent', async () => {
		reset((_request, response, index) => (index < 2 ? json(response, 502, { code: 502, msg: 'Bad Gateway' }) : json(response, 200, [1])));
		assert.deepEqual((await qredoRequest({ method: 'GET', url: `${server.origin}/a`, auth: { kind: 'none' }, retry: FAST })).body, [1]);
		assert.equal(server.requests.length, 3);

		reset((_request, response) => json(response, 500, { code: 500, msg: 'Internal Server Error' }));
		const error = await rejection(qredoRequest({ method: 'POST', url: `${server.origin}/api/v1/p/company/c/transfer`, body: { a: 1 }, auth: { kind: 'none' }, retry: FAST }));
		assert.equal((error as QredoApiError).status, 500);
		assert.equal(server.requests.length, 1, 'a transfer must never be sent twice by the transport');

		reset((_request, response) => json(response, 503, {}));
		await rejection(qredoRequest({ method: 'POST', url: `${server.origin}/websocket/token`, auth: { kind: 'none' }, idempotent: true, retry: { ...FAST, max5xxRetries: 2 } }));
		assert.equal(server.requests.length, 3);

		reset((_request, response) => json(response, 404, { code: 404, msg: 'not found' }));
		await rejection(qredoRequest({ method: 'GET', url: `${server.origin}/a`, auth: { kind: 'none' }, retry: FAST }));
		assert.equal(server.requests.length, 1, '4xx is not retried');
	});

	it('maps the Partner API error body into QredoApiError', async () => {
		reset((_request, response) => json(response, 401, { code: 401, msg: 'errPartnerAuth', detail: { reason: 'signature' } }));
		const error = await rejection(
			qredoRequest({ method: 'GET', url: `${server.origin}/api/v1/p/company/abc`, query: { token: 'ws-secret-token', limit: 5 }, auth: { kind: 'partner', apiKey: PARTNER_KEY, privateKey } }),
		);
		assert.ok(error instanceof QredoApiError);
		assert.equal(error.message, 'Qredo API 401 errPartnerAuth (reason: signature) on GET /api/v1/p/company/abc');
		assert.equal(error.status, 401);
		assert.equal(error.code, 401);
		assert.equal(error.msg, 'errPartnerAuth');
		assert.deepEqual(error.detail, { reason: 'signature' });
		assert.equal(error.method, 'GET');
		assert.equal(error.url, `${server.origin}/api/v1/p/company/abc?token=[redacted]&limit=5`);
		assert.ok(!everythingAbout(error).includes('ws-secret-token'));
	});

	it('no secret reaches a thrown error, even when the server echoes the request headers', async () => {
		reset((request, response) => json(response, 400, { code: 400, msg: `bad request, you sent ${JSON.stringify(request.headers)}`, detail: { reason: JSON.stringify(request.headers) } }));
		const secrets: string[] = [SECRET, Buffer.from(SECRET, 'base64').toString('latin1'), PARTNER_KEY, PEM.split('\n')[5], 'v2-jwt-secret-token-value'];
		const v2: QredoV2Tokens = { getToken: async () => 'v2-jwt-secret-token-value', invalidate: () => undefined };
		const calls = [
			() => qredoRequest({ method: 'GET', url: `${server.origin}/qapi/v1/balance`, auth: { kind: 'qapiV1', apiKey: API_KEY_V1, secret: SECRET } }),
			() => qredoRequest({ method: 'POST', url: `${server.origin}/api/v1/p/company`, body: { name: 'x' }, auth: { kind: 'partner', apiKey: PARTNER_KEY, privateKey } }),
			() => qredoRequest({ method: 'GET', url: `${server.origin}/api/v2/actions/a`, auth: { kind: 'qapiV2', tokens: v2 } }),
		];
		for (const call of calls) {
			const error = await rejection(call());
			assert.ok(error instanceof QredoApiError);
			const text = everythingAbout(error);
			for (const secret of secrets) assert.ok(!text.includes(secret), 'a secret leaked into the error');
			for (const request of server.requests) {
				for (const name of ['qredo-api-sig', 'x-sign', 'x-token']) {
					if (request.headers[name]) assert.ok(!text.includes(header(request, name)), `${name} leaked into the error`);
				}
			}
		}
	});

	it('truncates long non-JSON error bodies', async () => {
		reset((_request, response) => {
			response.writeHead(502, { 'content-type': 'text/html' });
			response.end(`<html>${'x'.repeat(10_000)}</html>`);
		});
		const error = (await rejection(qredoRequest({ method: 'DELETE', url: `${server.origin}/api/v1/p/x`, auth: { kind: 'none' }, retry: { max5xxRetries: 0 } }))) as QredoApiError;
		assert.equal(error.status, 502);
		assert.ok(error.message.length < 400, 'message stays short');
		assert.match(error.message, /^Qredo API 502 <html>x+…/);
	});

	it('times out, retrying only idempotent calls', async () => {
		reset(() => undefined); // never answers
		const post = await rejection(qredoRequest({ method: 'POST', url: `${server.origin}/slow`, body: {}, auth: { kind: 'none' }, timeoutMs: 100, retry: FAST }));
		assert.ok(post instanceof QredoTransportError);
		assert.equal(post.kind, 'timeout');
		assert.equal(post.message, 'Qredo API POST /slow: no complete answer within 100 ms');
		assert.equal(server.requests.length, 1);

		reset(() => undefined);
		const get = await rejection(qredoRequest({ method: 'GET', url: `${server.origin}/slow`, auth: { kind: 'none' }, timeoutMs: 100, retry: { ...FAST, max5xxRetries: 1 } }));
		assert.equal((get as QredoTransportError).kind, 'timeout');
		assert.equal(server.requests.length, 2);
	});

	it('honours an abort signal, during a request and while waiting to retry', async () => {
		reset(() => undefined);
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 50);
		const error = await rejection(qredoRequest({ method: 'GET', url: `${server.origin}/slow`, auth: { kind: 'none' }, signal: controller.signal }));
		assert.equal((error as QredoTransportError).kind, 'aborted');

		reset((_request, response) => json(response, 429, {}, { 'retry-after': '30' }));
		const waiting = new AbortController();
		setTimeout(() => waiting.abort(), 100);
		const started = Date.now();
		const aborted = await rejection(qredoRequest({ method: 'GET', url: `${server.origin}/x`, auth: { kind: 'none' }, signal: waiting.signal }));
		assert.equal((aborted as QredoTransportError).kind, 'aborted');
		assert.ok(Date.now() - started < 2000);
	});

	it('parses empty bodies as undefined and non-JSON as text', async () => {
		reset((request, response) => {
			if (request.target === '/empty') {
				response.writeHead(204);
				response.end();
			} else {
				response.writeHead(200, { 'content-type': 'text/plain' });
				response.end('pong');
			}
		});
		assert.equal((await qredoRequest({ method: 'DELETE', url: `${server.origin}/empty`, auth: { kind: 'none' } })).body, undefined);
		assert.equal((await qredoRequest({ method: 'GET', url: `${server.origin}/text`, auth: { kind: 'none' } })).body, 'pong');
		assert.equal((await qredoRequest({ method: 'POST', url: `${server.origin}/empty`, auth: { kind: 'none' } })).status, 204);
		assert.equal(header(server.requests[2], 'content-length'), '0');
	});

	it('qapiV2: a 401 invalidates the token and retries once', async () => {
		let issued = 0;
		let invalidated = 0;
		const tokens: QredoV2Tokens = { getToken: async () => `jwt-${issued++}`, invalidate: () => void invalidated++ };
		reset((request, response) => (header(request, 'x-token') === 'jwt-0' ? json(response, 401, { code: 401, msg: 'Unauthorized', detail: { reason: 'expired token' } }) : json(response, 200, { id: 'a' })));
		assert.deepEqual((await qredoRequest({ method: 'POST', url: `${server.origin}/api/v2/actions/a`, body: { status: 3 }, auth: { kind: 'qapiV2', tokens } })).body, { id: 'a' });
		assert.equal(invalidated, 1);
		assert.deepEqual(server.requests.map((request) => header(request, 'x-token')), ['jwt-0', 'jwt-1']);

		reset((_request, response) => json(response, 401, { code: 401, msg: 'Unauthorized' }));
		const error = await rejection(qredoRequest({ method: 'GET', url: `${server.origin}/api/v2/actions/a`, auth: { kind: 'qapiV2', tokens } }));
		assert.equal((error as QredoApiError).status, 401);
		assert.equal(server.requests.length, 2, 'only one re-authentication');
	});
});

describe('qredoRequest failures before and without a server', () => {
	it('reports a refused connection with its code', async () => {
		const server = await startServer(() => undefined);
		const url = `${server.origin}/api/v1/p/assets`;
		await server.close();
		const error = await rejection(qredoRequest({ method: 'GET', url, auth: { kind: 'none' }, retry: { ...FAST, max5xxRetries: 1 } }));
		assert.ok(error instanceof QredoTransportError);
		assert.equal(error.kind, 'network');
		assert.equal(error.code, 'ECONNREFUSED');
		assert.equal(error.message, 'Qredo API GET /api/v1/p/assets: request failed (ECONNREFUSED)');
	});

	it('rejects bad input with QredoInputError', async () => {
		const base = { method: 'GET', url: 'http://127.0.0.1:1/x', auth: { kind: 'none' } as const };
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ url: '/relative' }, 'url'],
			[{ url: 'ftp://host/x' }, 'url'],
			[{ url: 'https://user:pw@host/x' }, 'url'],
			[{ method: 'G T' }, 'method'],
			[{ method: 'POST', body: { amount: 10n } }, 'body'],
			[{ method: 'POST', body: () => 1 }, 'body'],
			[{ query: { limit: Number.NaN } }, 'query.limit'],
			[{ query: { filter: { a: 1 } } }, 'query.filter'],
			[{ timeoutMs: 0 }, 'timeoutMs'],
			[{ retry: { max429Retries: -1 } }, 'retry.max429Retries'],
		];
		for (const [override, field] of cases) {
			const error = await rejection(qredoRequest({ ...base, ...override } as Parameters<typeof qredoRequest>[0]));
			assert.ok(error instanceof QredoInputError, field);
			assert.equal(error.field, field);
		}
	});

	it('parseRetryAfter reads delta seconds and HTTP dates', () => {
		const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
		assert.equal(parseRetryAfter('7', now), 7000);
		assert.equal(parseRetryAfter(' 0 ', now), 0);
		assert.equal(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', now), 30_000);
		assert.equal(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', now), 0);
		assert.equal(parseRetryAfter('soon', now), undefined);
		assert.equal(parseRetryAfter('-5', now), undefined);
		assert.equal(parseRetryAfter(undefined, now), undefined);
	});
});
