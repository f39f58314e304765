/**
 * Partner API RSA auth (§1.3) over real sockets: a valid hand-built request succeeds; requests wrong in exactly
 * one detail are refused with 401 {"code":401,"msg":"errPartnerAuth","detail":{"reason":…}}.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeys } from '../../../lib/crypto/keys';
import { startSandbox, type RunningSandbox } from '../../../packages/cli/sandbox/server';
import { newPartnerIdentity, newRsaKeyPair, type PartnerIdentity, partnerHeaders, partnerSend, send } from './helpers';

describe('sandbox: Partner API RSA signatures', () => {
	let sb: RunningSandbox;
	let partner: PartnerIdentity;
	let url: string;
	let body: string;
	const now = () => Math.floor(Date.now() / 1000);

	before(async () => {
		sb = await startSandbox({ timestampSkewSeconds: 30 });
		partner = await newPartnerIdentity(sb);
		url = `${sb.urls.partner}/coreclient/init`;
		const keys = generateKeys();
		body = JSON.stringify({ name: 'auth-test', blsPublicKey: keys.blsPublicKey, ecPublicKey: keys.ecPublicKey });
	});
	after(() => sb.stop());

	/** Each init needs a fresh BLS key (a key can be registered once). */
	function freshBody() {
		const keys = generateKeys();
		return JSON.stringify({ name: 'auth-test', blsPublicKey: keys.blsPublicKey, ecPublicKey: keys.ecPublicKey });
	}

	function assertRefused(res: { status: number; json: { code: number; msg: string; detail: { reason: string } } }, reasonPart: RegExp) {
		assert.equal(res.status, 401, JSON.stringify(res.json));
		assert.deepEqual(Object.keys(res.json).sort(), ['code', 'detail', 'msg']);
		assert.equal(res.json.code, 401);
		assert.equal(res.json.msg, 'errPartnerAuth');
		assert.match(res.json.detail.reason, reasonPart);
	}

	it('accepts a request signed over x-timestamp + full URL + body', async () => {
		const res = await partnerSend(partner, 'POST', url, body);
		assert.equal(res.status, 200, res.text);
		assert.ok(res.json.id);
	});

	it('accepts strictly increasing x-nonce values', async () => {
		const base = BigInt(Date.now()) * 1000n;
		for (const nonce of [base, base + 1n, base + 7n]) {
			const res = await partnerSend(partner, 'POST', url, freshBody(), { nonce });
			assert.equal(res.status, 200, res.text);
		}
	});

	it('refuses a signature made with another RSA key', async () => {
		const other = newRsaKeyPair();
		assertRefused(await partnerSend(partner, 'POST', url, freshBody(), { signingKey: other.privateKey }), /^signature/);
	});

	it('refuses an unknown x-api-key', async () => {
		const stranger = { apiKey: Buffer.from('{"key_id":"nope","key":"nope"}').toString('base64'), privateKey: newRsaKeyPair().privateKey };
		assertRefused(await partnerSend(stranger, 'POST', url, freshBody()), /^x-api-key: .*unknown key/);
	});

	it('refuses a missing x-api-key', async () => {
		const b = freshBody();
		const headers = partnerHeaders(partner, url, b);
		delete headers['x-api-key'];
		assertRefused(await send('POST', url, headers, b), /^x-api-key/);
	});

	it('refuses an x-timestamp outside the skew window, either side', async () => {
		assertRefused(await partnerSend(partner, 'POST', url, freshBody(), { timestamp: now() - 31 }), /^x-timestamp: expected within 30 s/);
		assertRefused(await partnerSend(partner, 'POST', url, freshBody(), { timestamp: now() + 31 }), /^x-timestamp: expected within 30 s/);
	});

	it('refuses an x-timestamp in milliseconds', async () => {
		assertRefused(await partnerSend(partner, 'POST', url, freshBody(), { timestamp: Date.now() }), /^x-timestamp: expected Unix time in seconds/);
	});

	it('refuses a replayed x-nonce and a smaller one', async () => {
		const nonce = BigInt(Date.now()) * 1000n + 500n;
		const b = freshBody();
		const headers = partnerHeaders(partner, url, b, { nonce });
		assert.equal((await send('POST', url, headers, b)).status, 200);
		assertRefused(await send('POST', url, headers, b), /^x-nonce: expected a value greater/);
		assertRefused(await partnerSend(partner, 'POST', url, freshBody(), { nonce: nonce - 1n }), /^x-nonce: expected a value greater/);
	});

	it('does not let a badly signed request advance the nonce', async () => {
		const nonce = BigInt(Date.now()) * 1000n + 900n;
		assertRefused(await partnerSend(partner, 'POST', url, freshBody(), { nonce, signingKey: newRsaKeyPair().privateKey }), /^signature/);
		assert.equal((await partnerSend(partner, 'POST', url, freshBody(), { nonce })).status, 200);
	});

	it('refuses both x-timestamp and x-nonce, and neither', async () => {
		const b = freshBody();
		assertRefused(await partnerSend(partner, 'POST', url, b, { headers: { 'x-nonce': '99999999999999999' } }), /exactly one of the two \(got both\)/);
		const headers = partnerHeaders(partner, url, b);
		delete headers['x-timestamp'];
		assertRefused(await send('POST', url, headers, b), /exactly one of the two \(got neither\)/);
	});

	it('refuses a signature over another URL: path, host, scheme or query differ', async () => {
		const u = new URL(url);
		for (const signedUrl of [
			`${u.origin}/api/v1/p/coreclient/finish`,
			url.replace('127.0.0.1', 'localhost'),
			url.replace('http://', 'https://'),
			u.pathname,
			`${url}?x=1`,
		]) {
			assertRefused(await partnerSend(partner, 'POST', url, freshBody(), { signedUrl }), /^signature/);
		}
	});

	it('refuses a request whose query string was not signed', async () => {
		const b = freshBody();
		const headers = partnerHeaders(partner, url, b);
		assertRefused(await send('POST', `${url}?extra=1`, headers, b), /^signature/);
	});

	it('refuses a body changed after signing (even re-formatted JSON with the same meaning)', async () => {
		const b = freshBody();
		const pretty = JSON.stringify(JSON.parse(b), null, 1);
		assertRefused(await partnerSend(partner, 'POST', url, pretty, { signedBody: b }), /^signature/);
	});

	it('refuses a payload that includes the method (a common client bug)', async () => {
		const b = freshBody();
		const ts = String(now());
		const { sign } = await import('node:crypto');
		const xSign = sign('sha256', Buffer.from(ts + 'POST' + url + b), partner.privateKey).toString('base64url');
		assertRefused(await send('POST', url, { 'x-api-key': partner.apiKey, 'x-timestamp': ts, 'x-sign': xSign, 'content-type': 'application/json' }, b), /^signature/);
	});

	it('refuses x-sign in padded standard base64 and a missing x-sign', async () => {
		const b = freshBody();
		const headers = partnerHeaders(partner, url, b);
		const padded = Buffer.from(headers['x-sign'], 'base64url').toString('base64');
		assertRefused(await send('POST', url, { ...headers, 'x-sign': padded }, b), /^x-sign: expected base64url without padding/);
		delete headers['x-sign'];
		assertRefused(await send('POST', url, headers, b), /^x-sign: expected the request signature/);
	});

	it('refuses a JSON body without Content-Type: application/json (after auth passed)', async () => {
		const b = freshBody();
		const headers = partnerHeaders(partner, url, b);
		delete headers['content-type'];
		const res = await send('POST', url, headers, b);
		assert.equal(res.status, 415);
		assert.match(res.json.detail.reason, /^Content-Type: expected application\/json/);
	});

	it('answers unknown paths and wrong methods in Qredo\'s error shape', async () => {
		const missing = await send('GET', `${sb.urls.partner}/does-not-exist`);
		assert.equal(missing.status, 404);
		assert.deepEqual(Object.keys(missing.json).sort(), ['code', 'detail', 'msg']);
		const wrongMethod = await send('GET', url);
		assert.equal(wrongMethod.status, 405);
		assert.equal(wrongMethod.headers.allow, 'POST');
		const notUpgrade = await send('GET', `${sb.urls.partner}/coreclient/feed`);
		assert.equal(notUpgrade.status, 426);
	});
});
