/**
 * Qredo API v2 over real sockets (§1.2, §3.3, §4.2): HMAC login → JWT with exp, refresh, websocket token,
 * key registration that takes effect only once approved with the new key, actions, and the signrequests feed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeys } from '../../../lib/crypto/keys';
import { startSandbox, type RunningSandbox } from '../../../packages/cli/sandbox/server';
import {
	admin,
	blsSignHex,
	hmacSign,
	isQredoError,
	newFund,
	newV2Identity,
	openFeed,
	refusedFeed,
	send,
	testClock,
	v2Decide,
	type V2Identity,
	v2Login,
	v2LoginHeaders,
} from './helpers';

const nowS = () => Math.floor(Date.now() / 1000);
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

describe('sandbox: Qredo API v2', () => {
	let sb: RunningSandbox;
	let key: { keyId: string; secret: string; workspaceId: string };
	let tokenUrl: string;

	before(async () => {
		sb = await startSandbox({ timestampSkewSeconds: 30 });
		key = (await admin(sb, 'POST', '/v2-apikeys', { name: 'v2 test key' })).json;
		tokenUrl = `${sb.urls.v2}/workspaces/${key.workspaceId}/token`;
	});
	after(() => sb.stop());

	describe('HMAC login (GET /workspaces/{ws}/token)', () => {
		const assert401 = (res: { status: number; json: { detail: { reason: string } } }, reason: RegExp) => {
			assert.equal(res.status, 401, JSON.stringify(res.json));
			assert.ok(isQredoError(res.json, 401));
			assert.match(res.json.detail.reason, reason);
		};

		it('returns a JWT whose exp is jwtTtlSeconds ahead', async () => {
			const res = await send('GET', tokenUrl, v2LoginHeaders(key.keyId, key.secret, tokenUrl));
			assert.equal(res.status, 200, res.text);
			assert.deepEqual(Object.keys(res.json), ['token']);
			const claims = JSON.parse(Buffer.from(res.json.token.split('.')[1], 'base64url').toString());
			assert.ok(Math.abs(claims.exp - nowS() - 900) <= 2);
		});

		it('refuses a wrong secret, an unknown key, a skewed or millisecond timestamp', async () => {
			const ts = String(nowS());
			assert401(await send('GET', tokenUrl, { ...v2LoginHeaders(key.keyId, key.secret, tokenUrl), 'qredo-api-signature': hmacSign(Buffer.from('wrong').toString('base64'), ts, 'GET', tokenUrl) }), /^qredo-api-signature: signature does not verify/);
			assert401(await send('GET', tokenUrl, v2LoginHeaders('a.unknownKey', key.secret, tokenUrl)), /^qredo-api-key: .*unknown key/);
			assert401(await send('GET', tokenUrl, v2LoginHeaders(key.keyId, key.secret, tokenUrl, String(nowS() - 31))), /^qredo-api-timestamp: expected within 30 s/);
			assert401(await send('GET', tokenUrl, v2LoginHeaders(key.keyId, key.secret, tokenUrl, String(Date.now()))), /^qredo-api-timestamp: expected Unix time in seconds/);
		});

		it('refuses the v1 header names, a padded signature, a lowercase method and another URL', async () => {
			const ts = String(nowS());
			const sig = hmacSign(key.secret, ts, 'GET', tokenUrl);
			assert401(await send('GET', tokenUrl, { 'qredo-api-key': key.keyId, 'qredo-api-ts': ts, 'qredo-api-sig': sig }), /^qredo-api-timestamp: expected this header \(qredo-api-ts is the Qredo API v1 header name\)/);
			const padded = Buffer.from(sig, 'base64url').toString('base64');
			assert401(await send('GET', tokenUrl, { ...v2LoginHeaders(key.keyId, key.secret, tokenUrl, ts), 'qredo-api-signature': padded }), /^qredo-api-signature: expected base64url without padding \(the MAC is right/);
			assert401(await send('GET', tokenUrl, { ...v2LoginHeaders(key.keyId, key.secret, tokenUrl, ts), 'qredo-api-signature': hmacSign(key.secret, ts, 'get', tokenUrl) }), /does not verify/);
			assert401(await send('GET', tokenUrl, { ...v2LoginHeaders(key.keyId, key.secret, tokenUrl, ts), 'qredo-api-signature': hmacSign(key.secret, ts, 'GET', tokenUrl.replace('127.0.0.1', 'localhost')) }), /does not verify/);
		});

		it('refuses an HMAC keyed with the undecoded secret', async () => {
			const ts = String(nowS());
			const { createHmac } = await import('node:crypto');
			const raw = createHmac('sha256', key.secret).update(ts + 'GET' + tokenUrl).digest('base64url');
			assert401(await send('GET', tokenUrl, { ...v2LoginHeaders(key.keyId, key.secret, tokenUrl, ts), 'qredo-api-signature': raw }), /does not verify/);
		});

		it('accepts a secret given in the URL-safe alphabet without padding (both alphabets decode alike)', async () => {
			const urlSafe = Buffer.from(key.secret, 'base64').toString('base64url');
			const res = await send('GET', tokenUrl, v2LoginHeaders(key.keyId, urlSafe, tokenUrl));
			assert.equal(res.status, 200);
		});

		it('refuses a token request for another workspace (403)', async () => {
			const other = `${sb.urls.v2}/workspaces/someoneElse/token`;
			const res = await send('GET', other, v2LoginHeaders(key.keyId, key.secret, other));
			assert.equal(res.status, 403);
		});
	});

	describe('x-token, refresh and websocket tokens', () => {
		it('refuses requests without x-token, with a tampered one, and a websocket token used as x-token', async () => {
			const token = await v2Login(sb, key.keyId, key.secret, key.workspaceId);
			const apikeyUrl = `${sb.urls.v2}/workspaces/${key.workspaceId}/apikeys/${key.keyId}`;
			assert.equal((await send('GET', apikeyUrl, { 'x-token': token })).status, 200);
			assert.equal((await send('GET', apikeyUrl)).status, 401);
			const [h, c, s] = token.split('.');
			const claims = JSON.parse(Buffer.from(c, 'base64url').toString());
			const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 3600 })).toString('base64url')}.${s}`;
			const res = await send('GET', apikeyUrl, { 'x-token': forged });
			assert.equal(res.status, 401);
			assert.match(res.json.detail.reason, /signature does not verify/);
			const wsToken = (await send('POST', `${sb.urls.v2}/websocket/token`, { 'x-token': token })).json.wsToken;
			const misuse = await send('GET', apikeyUrl, { 'x-token': wsToken });
			assert.equal(misuse.status, 401);
			assert.match(misuse.json.detail.reason, /expected an access token/);
		});

		it('refresh returns a new token with a later exp', async () => {
			const token = await v2Login(sb, key.keyId, key.secret, key.workspaceId);
			await new Promise((r) => setTimeout(r, 1100));
			const res = await send('GET', `${sb.urls.v2}/workspaces/${key.workspaceId}/token/refresh`, { 'x-token': token });
			assert.equal(res.status, 200);
			const exp = (t: string) => JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()).exp;
			assert.ok(exp(res.json.token) > exp(token));
		});

		it('the feed accepts x-token or ?token=<wsToken>, and refuses the wrong kind or both', async () => {
			const token = await v2Login(sb, key.keyId, key.secret, key.workspaceId);
			const wsToken = (await send('POST', `${sb.urls.v2}/websocket/token`, { 'x-token': token })).json.wsToken;
			(await openFeed(sb.urls.v2Feed, { 'x-token': token })).close();
			(await openFeed(`${sb.urls.v2Feed}?token=${wsToken}`)).close();
			assert.equal((await refusedFeed(`${sb.urls.v2Feed}?token=${token}`)).status, 401);
			assert.equal((await refusedFeed(sb.urls.v2Feed)).status, 401);
			assert.equal((await refusedFeed(`${sb.urls.v2Feed}?token=${wsToken}`, { 'x-token': token })).status, 401);
		});
	});

	describe('API key registration (PUT /workspaces/{ws}/apikeys/{keyID})', () => {
		it('keys take effect only after the registration action is approved with a signature by the new key', async () => {
			const fresh = (await admin(sb, 'POST', '/v2-apikeys', {})).json;
			const token = await v2Login(sb, fresh.keyId, fresh.secret, fresh.workspaceId);
			const keys = generateKeys();
			const url = `${sb.urls.v2}/workspaces/${fresh.workspaceId}/apikeys/${fresh.keyId}`;
			const put = await send('PUT', url, { 'x-token': token, 'content-type': 'application/json' }, JSON.stringify({ blsPublicKey: b64(keys.blsPublicKey), ecPublicKey: b64(keys.ecPublicKey) }));
			assert.equal(put.status, 200, put.text);
			assert.deepEqual(Object.keys(put.json), ['actionID']);
			assert.equal((await send('GET', url, { 'x-token': token })).json.blsPublicKey, null);

			const action = await send('GET', `${sb.urls.v2}/actions/${put.json.actionID}`, { 'x-token': token });
			assert.equal(action.json.status, 1);
			assert.ok(action.json.messages.every((m: string) => /^[0-9a-f]+$/.test(m)));

			// Signed with another key (e.g. an older one): refused.
			const other = generateKeys();
			const wrong = await v2Decide(sb, { token, keys: other }, put.json.actionID, 3);
			assert.equal(wrong.status, 400);
			assert.match(wrong.json.detail.reason, /^signatures\[0\]: expected a BLS signature of messages\[0\] by the BLS key being registered/);
			// Two signatures (v1 style): refused; v2 signs messages[0] only.
			const both = await send(
				'POST',
				`${sb.urls.v2}/actions/${put.json.actionID}`,
				{ 'x-token': token, 'content-type': 'application/json' },
				JSON.stringify({ status: 3, signatures: action.json.messages.map((m: string) => blsSignHex(keys.blsPrivateKey, Buffer.from(m, 'hex'))) }),
			);
			assert.equal(both.status, 400);
			assert.match(both.json.detail.reason, /^signatures: expected exactly 1 signature, over messages\[0\]/);

			const ok = await v2Decide(sb, { token, keys }, put.json.actionID, 3);
			assert.equal(ok.status, 200, ok.text);
			assert.equal(ok.json.status, 3);
			const registered = (await send('GET', url, { 'x-token': token })).json;
			assert.equal(registered.blsPublicKey, b64(keys.blsPublicKey));
			assert.equal(registered.ecPublicKey, b64(keys.ecPublicKey));
		});

		it('refuses hex or base64url keys, wrong lengths and off-curve points, naming the field', async () => {
			const fresh = (await admin(sb, 'POST', '/v2-apikeys', {})).json;
			const token = await v2Login(sb, fresh.keyId, fresh.secret, fresh.workspaceId);
			const keys = generateKeys();
			const url = `${sb.urls.v2}/workspaces/${fresh.workspaceId}/apikeys/${fresh.keyId}`;
			const cases: Array<[Record<string, string>, RegExp]> = [
				[{ blsPublicKey: keys.blsPublicKey, ecPublicKey: b64(keys.ecPublicKey) }, /^blsPublicKey: expected standard base64/],
				[{ blsPublicKey: Buffer.from(keys.blsPublicKey, 'hex').toString('base64url'), ecPublicKey: b64(keys.ecPublicKey) }, /^blsPublicKey: expected standard base64/],
				[{ blsPublicKey: b64(keys.blsPublicKey.slice(2)), ecPublicKey: b64(keys.ecPublicKey) }, /^blsPublicKey: expected standard base64 of 192 bytes/],
				[{ blsPublicKey: b64('22'.repeat(192)), ecPublicKey: b64(keys.ecPublicKey) }, /^blsPublicKey: expected a BLS12-381 G2 point/],
				[{ blsPublicKey: b64(keys.blsPublicKey), ecPublicKey: b64('04' + '22'.repeat(64)) }, /^ecPublicKey: expected an uncompressed secp256k1 point/],
			];
			for (const [body, reason] of cases) {
				const res = await send('PUT', url, { 'x-token': token, 'content-type': 'application/json' }, JSON.stringify(body));
				assert.equal(res.status, 400, res.text);
				assert.match(res.json.detail.reason, reason);
			}
			const elsewhere = await send('PUT', `${sb.urls.v2}/workspaces/other/apikeys/${fresh.keyId}`, { 'x-token': token, 'content-type': 'application/json' }, JSON.stringify({ blsPublicKey: b64(keys.blsPublicKey), ecPublicKey: b64(keys.ecPublicKey) }));
			assert.equal(elsewhere.status, 403);
		});
	});

	describe('actions and the signrequests feed', () => {
		let approver: V2Identity;
		let companyId: string;
		let fund: Awaited<ReturnType<typeof newFund>>;
		let target: string;

		before(async () => {
			approver = await newV2Identity(sb);
			companyId = (await admin(sb, 'POST', '/companies', { name: 'V2 Co' })).json.companyId;
			fund = await newFund(sb, companyId, [approver.keyId], 1);
			target = (await newFund(sb, companyId, [approver.keyId], 1)).wallets[0].walletId;
		});

		const newTransfer = async (amount = 1_500_000_000) =>
			(await admin(sb, 'POST', '/transactions', { type: 'transfer', walletId: fund.wallets[0].walletId, amount, recipient: target, reference: 'invoice-42' })).json;

		it('sends §4.2 frames with base64 messages and a base64 JSON payload describing the request', async () => {
			const feed = await openFeed(sb.urls.v2Feed, { 'x-token': approver.token });
			try {
				const tx = await newTransfer();
				const frame = await feed.nextJson();
				for (const field of ['id', 'type', 'status', 'description', 'approverID', 'dataID', 'senderID', 'payload', 'messages', 'signatures', 'timestamp', 'actionTime', 'expireTime', 'created', 'actionSubject', 'metadata']) {
					assert.ok(field in frame, `frame.${field}`);
				}
				assert.equal(frame.status, 1);
				assert.equal(frame.approverID, approver.keyId);
				assert.equal(frame.metadata, 'e30=');
				assert.equal(frame.signatures, null);
				assert.equal(frame.id, tx.actions[0].actionId);
				const payload = JSON.parse(Buffer.from(frame.payload, 'base64').toString());
				assert.equal(payload.type, 'transfer');
				assert.equal(payload.txID, tx.txId);
				assert.equal(payload.amount, 1_500_000_000);
				assert.equal(payload.asset, 'ETH');
				assert.equal(typeof payload.fees, 'number');
				assert.equal(payload.recipient.walletID, target);
				assert.equal(payload.fund.id, fund.fundId);
				assert.equal(payload.wallet.id, fund.wallets[0].walletId);
				assert.equal(payload.initiator.kind, 'admin');
				assert.equal(payload.reference, 'invoice-42');
				assert.equal(payload.expires, frame.expireTime);
				// Feed messages are base64; GET /actions returns the same bytes as hex.
				const got = await send('GET', `${sb.urls.v2}/actions/${frame.id}`, { 'x-token': approver.token });
				assert.deepEqual(frame.messages.map((m: string) => Buffer.from(m, 'base64').toString('hex')), got.json.messages);

				// An auto-approver signs messages[0] straight from the frame.
				const signature = blsSignHex(approver.keys.blsPrivateKey, Buffer.from(frame.messages[0], 'base64'));
				const res = await send('POST', `${sb.urls.v2}/actions/${frame.id}`, { 'x-token': approver.token, 'content-type': 'application/json' }, JSON.stringify({ status: 3, signatures: [signature] }));
				assert.equal(res.status, 200, res.text);
				assert.equal((await feed.nextJson()).status, 3);
				assert.equal((await admin(sb, 'GET', `/transactions/${tx.txId}`)).json.txStatus, 'approved_transfer');
			} finally {
				feed.close();
			}
		});

		it('reject (status 4) is signed too; unsigned, mis-signed and other statuses are refused', async () => {
			const tx = await newTransfer(1000);
			const actionId = tx.actions[0].actionId;
			const post = (body: unknown) => send('POST', `${sb.urls.v2}/actions/${actionId}`, { 'x-token': approver.token, 'content-type': 'application/json' }, JSON.stringify(body));
			const { messages } = (await send('GET', `${sb.urls.v2}/actions/${actionId}`, { 'x-token': approver.token })).json;
			const sig0 = blsSignHex(approver.keys.blsPrivateKey, Buffer.from(messages[0], 'hex'));
			const sig1 = blsSignHex(approver.keys.blsPrivateKey, Buffer.from(messages[1], 'hex'));
			const cases: Array<[unknown, RegExp]> = [
				[{ status: 4, signatures: [] }, /^signatures: expected exactly 1 signature/],
				[{ status: 2, signatures: [sig0] }, /^status: expected 3 \(approve\) or 4 \(reject\)/],
				[{ status: '3', signatures: [sig0] }, /^status: expected 3/],
				[{ status: 4, signatures: [sig1] }, /^signatures\[0\]: expected a BLS signature of messages\[0\]/],
				[{ status: 4 }, /^signatures: expected an array/],
			];
			for (const [body, reason] of cases) {
				const res = await post(body);
				assert.equal(res.status, 400, res.text);
				assert.match(res.json.detail.reason, reason);
			}
			const rejected = await post({ status: 4, signatures: [sig0] });
			assert.equal(rejected.status, 200);
			assert.equal(rejected.json.status, 4);
			assert.equal((await admin(sb, 'GET', `/transactions/${tx.txId}`)).json.txStatus, 'custody_rejected_transfer');
			const again = await post({ status: 3, signatures: [sig0] });
			assert.equal(again.status, 409);
			const log = (await admin(sb, 'GET', `/decisions?actionId=${actionId}`)).json.decisions;
			const accepted = log.filter((d: { error?: string }) => !d.error);
			assert.equal(accepted.length, 1);
			assert.equal(accepted[0].protocol, 'v2');
			assert.equal(accepted[0].decision, 'reject');
			assert.equal(accepted[0].verified, true);
		});

		it('another API key cannot see or decide the action (404)', async () => {
			const tx = await newTransfer(1000);
			const stranger = await newV2Identity(sb);
			const res = await send('GET', `${sb.urls.v2}/actions/${tx.actions[0].actionId}`, { 'x-token': stranger.token });
			assert.equal(res.status, 404);
		});

		it('an API key without registered keys cannot approve (409)', async () => {
			const bare = (await admin(sb, 'POST', '/v2-apikeys', {})).json;
			const token = await v2Login(sb, bare.keyId, bare.secret, bare.workspaceId);
			const bareFund = await newFund(sb, companyId, [bare.keyId], 1);
			const tx = (await admin(sb, 'POST', '/transactions', { type: 'transfer', walletId: bareFund.wallets[0].walletId, amount: 10, recipient: target })).json;
			const res = await v2Decide(sb, { token, keys: generateKeys() }, tx.actions[0].actionId, 3);
			assert.equal(res.status, 409);
			assert.match(res.json.detail.reason, /no BLS public key registered/);
		});
	});
});

describe('sandbox: v2 token expiry (injected clock)', () => {
	it('an expired x-token and an expired websocket token are refused with 401; refresh with an expired token too', async () => {
		const clock = testClock();
		const sb = await startSandbox({ clock, jwtTtlSeconds: 60, wsTokenTtlSeconds: 10 });
		try {
			const key = (await admin(sb, 'POST', '/v2-apikeys', {})).json;
			const url = `${sb.urls.v2}/workspaces/${key.workspaceId}/token`;
			const token = (await send('GET', url, v2LoginHeaders(key.keyId, key.secret, url, String(clock.seconds())))).json.token;
			const wsToken = (await send('POST', `${sb.urls.v2}/websocket/token`, { 'x-token': token })).json.wsToken;
			const apikeyUrl = `${sb.urls.v2}/workspaces/${key.workspaceId}/apikeys/${key.keyId}`;
			assert.equal((await send('GET', apikeyUrl, { 'x-token': token })).status, 200);

			clock.advance(11_000);
			const ws = await refusedFeed(`${sb.urls.v2Feed}?token=${wsToken}`);
			assert.equal(ws.status, 401);
			assert.match(ws.json?.detail.reason ?? '', /^token: token expired/);

			clock.advance(50_000);
			const expired = await send('GET', apikeyUrl, { 'x-token': token });
			assert.equal(expired.status, 401);
			assert.match(expired.json.detail.reason, /^x-token: token expired/);
			assert.equal((await send('GET', `${sb.urls.v2}/workspaces/${key.workspaceId}/token/refresh`, { 'x-token': token })).status, 401);
		} finally {
			await sb.stop();
		}
	});
});
