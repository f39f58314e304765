/**
 * Qredo API v1 HMAC auth (§1.1) over real sockets, on the qapi routes: a valid hand-built request succeeds and
 * requests wrong in one detail each are refused with 401 in Qredo's error shape. Also pins the sandbox's own
 * derivation to the APITOOL vectors of the protocol reference (docs/protocol.md).
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { hmacSignature } from '../../../packages/cli/sandbox/auth/hmac';
import { startSandbox, type RunningSandbox } from '../../../packages/cli/sandbox/server';
import { admin, hmacSign, isQredoError, qapiHeaders, send } from './helpers';

const nowS = () => Math.floor(Date.now() / 1000);
const DOC_SECRET = 'JDJhJDA0JGV0aGt1LnE1a0NyZUFhaHFYVnlzZnVpU0Ryd2xOVThIZTY0TkhpRzRaLjF6YS9ZSi95SExL';

describe('sandbox: Qredo API v1 HMAC', () => {
	it('derives the reference vectors of §1.1 (APITOOL and the derived POST vector)', () => {
		const empty = Buffer.alloc(0);
		assert.equal(hmacSignature(DOC_SECRET, '1644591813', 'GET', 'http://127.0.0.1:8002/qapi/v1/balance', empty), 'KSsM3XNpAuiZ78QFLqY9MDyOvR1LPfsvB6u4lHvkvow');
		assert.equal(hmacSignature(DOC_SECRET, '1644848012', 'GET', 'http://127.0.0.1:8002/qapi/v1/balance', empty), 'ZPjvuaQHtHVKg26nd5FMNJKRyA45d5VzwonbZkRxt9w');
		const body = Buffer.from('{"from":"0x84CE2138E54b1852689132FD73dDC4D3973a44B8","to":"0x94GE4738E54b2952689132FD73dDC4D3973a47J2","value":"100","gasLimit":"21000"}');
		assert.equal(hmacSignature(DOC_SECRET, '1700000000', 'POST', 'https://api.qredo.network/qapi/v1/transaction', body), 'n4EsNkaUHt48-fl0Xk8Oy1GRQVMBZK3si5uIWxkP3KY');
		// §1.2 derived vector: the v2 login uses the same construction.
		assert.equal(hmacSignature(DOC_SECRET, '1700000000', 'GET', 'https://api-v2.qredo.network/api/v2/workspaces/WS123/token', empty), 'cXDC2wFu-gSPdJ_t4NJH0Fl1Gjw0n0xZE4FWaQknJbI');
	});

	let sb: RunningSandbox;
	let key: { keyId: string; secret: string };
	let url: string;

	before(async () => {
		sb = await startSandbox({ timestampSkewSeconds: 30 });
		const companyId = (await admin(sb, 'POST', '/companies', { name: 'Qapi Co' })).json.companyId;
		key = (await admin(sb, 'POST', '/qapi-keys', { companyId })).json;
		url = `${sb.urls.qapi}/balance`;
	});
	after(() => sb.stop());

	const assert401 = (res: { status: number; json: { detail: { reason: string } } }, reason: RegExp) => {
		assert.equal(res.status, 401, JSON.stringify(res.json));
		assert.ok(isQredoError(res.json, 401));
		assert.match(res.json.detail.reason, reason);
	};

	it('accepts a request signed over ts + METHOD + full URL', async () => {
		const res = await send('GET', url, qapiHeaders(key.keyId, key.secret, 'GET', url));
		assert.equal(res.status, 200, res.text);
	});

	it('signs the query string as part of the URL', async () => {
		const funds = `${sb.urls.qapi}/funds?archived=false`;
		assert.equal((await send('GET', funds, qapiHeaders(key.keyId, key.secret, 'GET', funds))).status, 200);
		assert401(await send('GET', funds, qapiHeaders(key.keyId, key.secret, 'GET', `${sb.urls.qapi}/funds`)), /does not verify/);
	});

	it('covers the exact body bytes of a POST', async () => {
		const txUrl = `${sb.urls.qapi}/transaction`;
		const body = JSON.stringify({ from: '0x84ce2138e54b1852689132fd73ddc4d3973a44b8', to: '0x94ce4738e54b2952689132fd73ddc4d3973a47a2', value: '1', gasLimit: '21000' });
		const signed = await send('POST', txUrl, { ...qapiHeaders(key.keyId, key.secret, 'POST', txUrl, body), 'content-type': 'application/json' }, body);
		assert.notEqual(signed.status, 401, signed.text);
		const changed = body.replace('"1"', '"2"');
		assert401(await send('POST', txUrl, { ...qapiHeaders(key.keyId, key.secret, 'POST', txUrl, body), 'content-type': 'application/json' }, changed), /does not verify/);
	});

	it('refuses a wrong secret, an unknown key, and an HMAC keyed with the undecoded secret', async () => {
		assert401(await send('GET', url, qapiHeaders(key.keyId, Buffer.from('not the secret').toString('base64'), 'GET', url)), /does not verify/);
		assert401(await send('GET', url, qapiHeaders('_unknownKeyId_', key.secret, 'GET', url)), /^qredo-api-key: .*unknown key/);
		const ts = String(nowS());
		const raw = createHmac('sha256', key.secret).update(ts + 'GET' + url).digest('base64url');
		assert401(await send('GET', url, { 'qredo-api-key': key.keyId, 'qredo-api-ts': ts, 'qredo-api-sig': raw }), /does not verify/);
	});

	it('refuses a skewed timestamp, a millisecond timestamp and a missing header', async () => {
		assert401(await send('GET', url, qapiHeaders(key.keyId, key.secret, 'GET', url, '', String(nowS() - 31))), /^qredo-api-ts: expected within 30 s/);
		assert401(await send('GET', url, qapiHeaders(key.keyId, key.secret, 'GET', url, '', String(nowS() + 31))), /^qredo-api-ts: expected within 30 s/);
		assert401(await send('GET', url, qapiHeaders(key.keyId, key.secret, 'GET', url, '', String(Date.now()))), /^qredo-api-ts: expected Unix time in seconds/);
		const headers: Record<string, string> = qapiHeaders(key.keyId, key.secret, 'GET', url);
		delete headers['qredo-api-sig'];
		assert401(await send('GET', url, headers), /^qredo-api-sig: expected this header/);
	});

	it('refuses the print label qredo-api-sign and the v2 header names', async () => {
		const ts = String(nowS());
		const sig = hmacSign(key.secret, ts, 'GET', url);
		assert401(await send('GET', url, { 'qredo-api-key': key.keyId, 'qredo-api-ts': ts, 'qredo-api-sign': sig }), /^qredo-api-sig: expected this header/);
		assert401(await send('GET', url, { 'qredo-api-key': key.keyId, 'qredo-api-timestamp': ts, 'qredo-api-signature': sig }), /^qredo-api-ts: expected this header \(qredo-api-timestamp is the Qredo API v2 header name\)/);
	});

	it('refuses padded or standard-alphabet signatures, a lowercase method, a missing method and another URL', async () => {
		const ts = String(nowS());
		const sig = hmacSign(key.secret, ts, 'GET', url);
		const std = Buffer.from(sig, 'base64url').toString('base64');
		assert401(await send('GET', url, { 'qredo-api-key': key.keyId, 'qredo-api-ts': ts, 'qredo-api-sig': std }), /expected base64url without padding/);
		for (const wrong of [hmacSign(key.secret, ts, 'get', url), hmacSign(key.secret, ts, '', url), hmacSign(key.secret, ts, 'GET', url.replace('http://', 'https://')), hmacSign(key.secret, ts, 'GET', new URL(url).pathname)]) {
			assert401(await send('GET', url, { 'qredo-api-key': key.keyId, 'qredo-api-ts': ts, 'qredo-api-sig': wrong }), /does not verify/);
		}
	});
});
