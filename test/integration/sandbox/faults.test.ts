/**
 * Fault switches of the admin API, each observed from a client over real sockets; and the fund-creation rate limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from '../../../packages/cli/sandbox/server';
import { admin, isQredoError, newFund, newPartnerIdentity, newV2Identity, openFeed, partnerSend, refusedFeed, send, type V2Identity } from './helpers';

describe('sandbox: fault injection', () => {
	let sb: RunningSandbox;
	let key: V2Identity;
	let fund: Awaited<ReturnType<typeof newFund>>;
	let target: string;
	let apikeyUrl: string;

	const newTransfer = async () => (await admin(sb, 'POST', '/transactions', { type: 'transfer', walletId: fund.wallets[0].walletId, amount: 1, recipient: target })).json;

	before(async () => {
		sb = await startSandbox({ feedReplayPending: false });
		key = await newV2Identity(sb);
		const companyId = (await admin(sb, 'POST', '/companies', { name: 'Faulty Co' })).json.companyId;
		fund = await newFund(sb, companyId, [key.keyId], 1);
		target = (await newFund(sb, companyId, [key.keyId], 1)).wallets[0].walletId;
		apikeyUrl = `${sb.urls.v2}/workspaces/${key.workspaceId}/apikeys/${key.keyId}`;
	});
	after(() => sb.stop());
	const clear = () => admin(sb, 'DELETE', '/faults');

	it('answers the next N requests with a 5xx in Qredo\'s error shape, then recovers; the admin API is never affected', async () => {
		const set = await admin(sb, 'POST', '/faults', { failNext: { count: 2, status: 503 } });
		assert.equal(set.status, 200);
		assert.equal(set.json.failNext.remaining, 2);
		for (let i = 0; i < 2; i++) {
			const res = await send('GET', apikeyUrl, { 'x-token': key.token });
			assert.equal(res.status, 503);
			assert.ok(isQredoError(res.json, 503));
			assert.equal((await admin(sb, 'GET', '/faults')).status, 200);
		}
		assert.equal((await send('GET', apikeyUrl, { 'x-token': key.token })).status, 200);
	});

	it('answers with 429 and Retry-After', async () => {
		await admin(sb, 'POST', '/faults', { failNext: { count: 1, status: 429, retryAfterSeconds: 3 } });
		const res = await send('GET', apikeyUrl, { 'x-token': key.token });
		assert.equal(res.status, 429);
		assert.equal(res.headers['retry-after'], '3');
		assert.equal((await send('GET', apikeyUrl, { 'x-token': key.token })).status, 200);
	});

	it('refuses statuses other than 429 and 5xx', async () => {
		const res = await admin(sb, 'POST', '/faults', { failNext: { count: 1, status: 404 } });
		assert.equal(res.status, 400);
		assert.match(res.json.detail.reason, /^failNext.status: expected 429 or a 5xx status/);
	});

	it('scopes forced errors to feed upgrades when asked', async () => {
		await admin(sb, 'POST', '/faults', { failNext: { count: 1, status: 502, scope: 'feeds' } });
		assert.equal((await send('GET', apikeyUrl, { 'x-token': key.token })).status, 200);
		const refused = await refusedFeed(sb.urls.v2Feed, { 'x-token': key.token });
		assert.equal(refused.status, 502);
		(await openFeed(sb.urls.v2Feed, { 'x-token': key.token })).close();
	});

	it('adds latency to API requests, not to the admin API', async () => {
		await admin(sb, 'POST', '/faults', { latencyMs: 300 });
		let started = performance.now();
		await send('GET', apikeyUrl, { 'x-token': key.token });
		assert.ok(performance.now() - started >= 290);
		started = performance.now();
		await admin(sb, 'GET', '/faults');
		assert.ok(performance.now() - started < 250);
		await clear();
	});

	it('drops every feed connection (abruptly, or with a close frame)', async () => {
		const feed = await openFeed(sb.urls.v2Feed, { 'x-token': key.token });
		const res = await admin(sb, 'POST', '/faults/drop-feeds');
		assert.equal(res.json.dropped, 1);
		assert.equal((await feed.waitClosed()).code, 1006);

		const polite = await openFeed(sb.urls.v2Feed, { 'x-token': key.token });
		await admin(sb, 'POST', '/faults/drop-feeds', { mode: 'close' });
		assert.equal((await polite.waitClosed()).code, 1001);
	});

	it('refuses feed connections for N seconds with 503 + Retry-After, then accepts again', async () => {
		await admin(sb, 'POST', '/faults/refuse-feeds', { seconds: 1 });
		const refused = await refusedFeed(sb.urls.v2Feed, { 'x-token': key.token });
		assert.equal(refused.status, 503);
		assert.equal(refused.headers['retry-after'], '1');
		assert.equal((await send('GET', apikeyUrl, { 'x-token': key.token })).status, 200);
		await new Promise((r) => setTimeout(r, 1100));
		(await openFeed(sb.urls.v2Feed, { 'x-token': key.token })).close();
	});

	it('can refuse feed connections by resetting the TCP connection', async () => {
		await admin(sb, 'POST', '/faults/refuse-feeds', { seconds: 5, mode: 'reset' });
		await assert.rejects(openFeed(sb.urls.v2Feed, { 'x-token': key.token }), (error: Error & { status?: number }) => error.status === undefined);
		await clear();
		(await openFeed(sb.urls.v2Feed, { 'x-token': key.token })).close();
	});

	it('sends each of the next N frames twice', async () => {
		const feed = await openFeed(sb.urls.v2Feed, { 'x-token': key.token });
		try {
			await admin(sb, 'POST', '/faults', { duplicateFrames: 1 });
			const tx = await newTransfer();
			const first = await feed.next();
			assert.equal(await feed.next(), first);
			assert.equal(JSON.parse(first).id, tx.actions[0].actionId);
			const tx2 = await newTransfer();
			assert.equal((await feed.nextJson()).id, tx2.actions[0].actionId);
			await new Promise((r) => setTimeout(r, 100));
			assert.equal(feed.frames.length, 0);
		} finally {
			feed.close();
		}
	});

	it('precedes each of the next N frames with a malformed one', async () => {
		const feed = await openFeed(sb.urls.v2Feed, { 'x-token': key.token });
		try {
			await admin(sb, 'POST', '/faults', { malformedFrames: 2 });
			for (let i = 0; i < 2; i++) {
				const tx = await newTransfer();
				const junk = await feed.next();
				let parsed: unknown;
				try {
					parsed = JSON.parse(junk);
				} catch {
					parsed = undefined;
				}
				assert.ok(parsed === undefined || Array.isArray(parsed) || !(parsed as { id?: string }).id, `malformed frame expected, got ${junk}`);
				assert.equal((await feed.nextJson()).id, tx.actions[0].actionId);
			}
			const tx = await newTransfer();
			assert.equal((await feed.nextJson()).id, tx.actions[0].actionId);
		} finally {
			feed.close();
		}
	});

	it('sends an arbitrary raw frame to every feed', async () => {
		const feed = await openFeed(sb.urls.v2Feed, { 'x-token': key.token });
		try {
			assert.equal((await admin(sb, 'POST', '/faults/feed-frame', { text: '{"hello":' })).json.sent, 1);
			assert.equal(await feed.next(), '{"hello":');
		} finally {
			feed.close();
		}
	});

	it('DELETE /faults clears every switch', async () => {
		await admin(sb, 'POST', '/faults', { failNext: { count: 5, status: 500 }, latencyMs: 50, duplicateFrames: 3, malformedFrames: 3 });
		const cleared = (await clear()).json;
		assert.deepEqual(
			{ failNext: cleared.failNext, latencyMs: cleared.latencyMs, duplicateFrames: cleared.duplicateFrames, malformedFrames: cleared.malformedFrames },
			{ failNext: null, latencyMs: 0, duplicateFrames: 0, malformedFrames: 0 },
		);
		assert.equal((await send('GET', apikeyUrl, { 'x-token': key.token })).status, 200);
	});
});

describe('sandbox: fund creation rate limit', () => {
	let sb: RunningSandbox;
	before(async () => {
		sb = await startSandbox({ fundCreationIntervalMs: 400 });
	});
	after(() => sb.stop());

	it('allows one fund creation per company per interval: 429 with Retry-After, per company, then free again', async () => {
		const partner = await newPartnerIdentity(sb);
		const humanId = (await admin(sb, 'POST', '/humans', { email: 'rate@limit.invalid' })).json.humanId;
		const companies: string[] = [];
		for (const name of ['Rate Co', 'Other Co']) {
			const id = (await admin(sb, 'POST', '/companies', { name })).json.companyId;
			await admin(sb, 'POST', '/trusted-parties', { companyId: id, address: humanId });
			companies.push(id);
		}
		const body = JSON.stringify({ name: 'F', custodygroup_withdraw: { threshold: 1, members: [humanId] }, custodygroup_tx: { threshold: 1, members: [humanId] } });
		const create = (companyId: string) => partnerSend(partner, 'POST', `${sb.urls.partner}/company/${companyId}/fund`, body);

		const first = await create(companies[0]);
		assert.equal(first.status, 200, first.text);
		const second = await create(companies[0]);
		assert.equal(second.status, 429);
		assert.ok(isQredoError(second.json, 429));
		assert.equal(second.headers['retry-after'], '1');
		assert.match(second.json.detail.reason, /^fund: at most one fund creation per 0.4 s per company/);
		assert.equal((await create(companies[1])).status, 200);
		await new Promise((r) => setTimeout(r, 450));
		assert.equal((await create(companies[0])).status, 200);
	});
});
