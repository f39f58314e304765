/**
 * Qredo API v1 against the sandbox over real sockets (§3.2, HMAC §1.1 built by hand in helpers.ts): account,
 * balance, funds, fund ledger, trusted parties, wallet history (both spellings, §7 item 8), the Web3 transaction
 * lifecycle with its txFeedStatus frames, status and approvals (Web3 and custody transactions).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SandboxCredentials } from '../../../packages/cli/sandbox/seed';
import { type RunningSandbox, startSandbox } from '../../../packages/cli/sandbox/server';
import { admin, type Feed, openFeed, partnerSend, qapiHeaders, refusedFeed, type Response, send, assertQredoError as assertError } from './helpers';

interface QapiKey {
	keyId: string;
	secret: string;
}

let sb: RunningSandbox;
let creds: SandboxCredentials;
let org: QapiKey;
let personal: QapiKey;
let feedUrl: string;

function qapi(method: string, path: string, body?: unknown, key: QapiKey = org, opts: { ts?: string } = {}): Promise<Response> {
	const url = `${sb.urls.qapi}${path}`;
	const text = body === undefined ? '' : JSON.stringify(body);
	const headers = { ...qapiHeaders(key.keyId, key.secret, method, url, text, opts.ts), ...(text ? { 'content-type': 'application/json' } : {}) };
	return send(method, url, headers, text || undefined);
}

const partner = (method: string, path: string, body?: unknown) =>
	partnerSend({ apiKey: creds.partnerApi.apiKey, privateKey: creds.partnerApi.privateKeyPem }, method, `${sb.urls.partner}${path}`, body === undefined ? '' : JSON.stringify(body));

const treasuryEthAddress = async (): Promise<string> => (await partner('GET', `/wallet/${creds.fund.wallets.ETH}`)).json.address;

/** Frames of one Web3 transaction, until `last` (the feed carries every transaction of the account). */
async function framesOf(feed: Feed, txId: string, last: string[]): Promise<Array<Record<string, unknown>>> {
	const frames: Array<Record<string, unknown>> = [];
	for (;;) {
		const frame = await feed.nextJson(5000);
		if (frame.txID !== txId) continue;
		frames.push(frame);
		if (last.includes(frame.status)) return frames;
	}
}

before(async () => {
	sb = await startSandbox({ seed: 'demo', fundCreationIntervalMs: 100 });
	creds = sb.credentials as SandboxCredentials;
	org = { keyId: creds.qredoApiV1.keyId, secret: creds.qredoApiV1.secret };
	const created = (await admin(sb, 'POST', '/qapi-keys', { name: 'personal key' })).json;
	personal = { keyId: created.keyId, secret: created.secret };
	feedUrl = `${sb.urls.qapi.replace(/^http/, 'ws')}/transactions/feed`;
});
after(() => sb.stop());

describe('auth', () => {
	it('refuses a wrong signature, a stale timestamp and an unknown key with 401', async () => {
		const url = `${sb.urls.qapi}/account`;
		const headers = qapiHeaders(org.keyId, org.secret, 'GET', url);
		assertError(await send('GET', url, { ...headers, 'qredo-api-sig': headers['qredo-api-sig'].slice(1) + 'A' }), 401, 'qredo-api-sig');
		assertError(await qapi('GET', '/account', undefined, org, { ts: String(Math.floor(Date.now() / 1000) - 120) }), 401, 'qredo-api-ts');
		assertError(await qapi('GET', '/account', undefined, { keyId: 'unknownKey1234', secret: org.secret }), 401, 'qredo-api-key');
	});

	it('guards every route with the HMAC signature', async () => {
		const paths = ['/account', '/balance', '/funds', `/funds/${creds.fund.id}`, `/funds/${creds.fund.id}/ledger`, '/trustedparties', `/wallet/${creds.fund.wallets.BTC}/history`, `/wallets/${creds.fund.wallets.BTC}/history`, '/transactions/x/status', '/transactions/x/approvals'];
		for (const path of paths) {
			const url = `${sb.urls.qapi}${path}`;
			// Signed as a POST: the method is part of the string to sign (§1.1).
			const res = await send('GET', url, qapiHeaders(org.keyId, org.secret, 'POST', url));
			assertError(res, 401, 'qredo-api-sig');
		}
		const url = `${sb.urls.qapi}/transaction`;
		const signedOther = qapiHeaders(org.keyId, org.secret, 'POST', url, '{}');
		assertError(await send('POST', url, { ...signedOther, 'content-type': 'application/json' }, '{ }'), 401, 'qredo-api-sig');
	});
});

describe('read-only API', () => {
	it('GET /account: organization and personal accounts', async () => {
		const res = await qapi('GET', '/account');
		assert.equal(res.status, 200, res.text);
		const settings = res.json.settings;
		assert.equal(settings.id, creds.company.id);
		assert.equal(settings.name, creds.company.name);
		assert.deepEqual(settings.members.map((m: { email: string }) => m.email).sort(), creds.humans.map((h) => h.email).sort());
		assert.deepEqual(settings.connectClients, [creds.agent.id]);
		assert.deepEqual(settings.userAPIKeys, { number_of_keys: 1, user_api_keys: [{ keyID: org.keyId, name: 'demo qapi key' }] });
		const own = (await qapi('GET', '/account', undefined, personal)).json.settings;
		assert.equal(own.id, personal.keyId);
		assert.equal(own.defaultFiat, 'USD');
		assert.deepEqual(own.userAPIKeys, [{ keyID: personal.keyId, name: 'personal key' }]);
	});

	it('GET /balance: an object keyed by asset, scale in base units per coin, pending amounts live', async () => {
		const before = (await qapi('GET', '/balance')).json.assets;
		assert.deepEqual(before.BTC, { total: 5_0000_0000, available: 5_0000_0000, pendingIn: 0, pendingOut: 0, scale: 100_000_000 });
		assert.equal(before.ETH.total, 41_000_000_000);
		assert.equal(before.ETH.scale, 1_000_000_000);

		const created = await partner('POST', `/company/${creds.company.id}/transfer`, {
			wallet_id: creds.fund.wallets.ETH,
			counterparty_wallet_address: creds.operationsFund.wallets.ETH,
			expires: Math.floor(Date.now() / 1000) + 600,
			send: { symbol: 'ETH', amount: 50_000 },
		});
		const gross = (await partner('GET', `/company/${creds.company.id}/transfer/${created.json.tx_id}`)).json.status_details.amount;
		const eth = (await qapi('GET', '/balance')).json.assets.ETH;
		assert.deepEqual(eth, { total: 41_000_000_000, available: 41_000_000_000 - gross, pendingIn: 50_000, pendingOut: gross, scale: 1_000_000_000 });
		assert.deepEqual((await qapi('GET', '/balance', undefined, personal)).json, { assets: {} });
	});

	it('GET /funds with archived=; GET /funds/{fund_id}', async () => {
		const funds = (await qapi('GET', '/funds?archived=true')).json;
		assert.equal(funds.total, 2);
		const treasury = funds.funds.find((f: { fundID: string }) => f.fundID === creds.fund.id);
		assert.deepEqual(treasury.holdings, { BTC: 5_0000_0000, ETH: 40_000_000_000 });
		assertError(await qapi('GET', '/funds?archived=yes'), 400, 'archived');
		assert.deepEqual((await qapi('GET', '/funds', undefined, personal)).json, { total: 0, funds: [] });

		const info = (await qapi('GET', `/funds/${creds.fund.id}`)).json.fundInfo;
		assert.equal(info.fund_id, creds.fund.id);
		assert.equal(info.policyTx.threshold, 2);
		assert.equal(info.policyTx.membersCount, 3);
		assert.equal(info.policyWithdrawl.id, info.custodygroup_withdraw);
		assert.equal(info.wallets.length, 2);
		assert.ok(info.members.every((m: { permissions: { custodian: boolean } }) => m.permissions.custodian));
		assertError(await qapi('GET', '/funds/unknown'), 404, 'fund_id');
		assertError(await qapi('GET', `/funds/${creds.counterparty.fund.id}`), 404, 'fund_id');
	});

	it('GET /funds/{fund_id}/ledger: numeric types (6 deposit, 2 transfer)', async () => {
		const ledger = (await qapi('GET', `/funds/${creds.fund.id}/ledger`)).json;
		assert.equal(ledger.total, ledger.list.length);
		const deposit = ledger.list.find((r: { type: number; asset: string }) => r.type === 6 && r.asset === 'BTC');
		assert.equal(deposit.amount, 5_0000_0000);
		assert.equal(deposit.walletID, creds.fund.wallets.BTC);
		assert.ok(ledger.list.some((r: { type: number }) => r.type === 2), 'the pending transfer of the balance test');
		assert.deepEqual(ledger.wallets.map((w: { walletID: string }) => w.walletID).sort(), Object.values(creds.fund.wallets).sort());
		assertError(await qapi('GET', `/funds/${creds.counterparty.fund.id}/ledger`), 404, 'fund_id');
	});

	it('GET /trustedparties: personal accounts only', async () => {
		assertError(await qapi('GET', '/trustedparties'), 403, 'trustedparties');
		assert.deepEqual((await qapi('GET', '/trustedparties', undefined, personal)).json, { members: [] });
	});

	it('GET /wallet/{id}/history and /wallets/{id}/history answer the same', async () => {
		const one = await qapi('GET', `/wallet/${creds.fund.wallets.BTC}/history`);
		assert.equal(one.status, 200, one.text);
		assert.deepEqual((await qapi('GET', `/wallets/${creds.fund.wallets.BTC}/history`)).json, one.json);
		assert.deepEqual(Object.keys(one.json.history[0]).sort(), ['amount', 'asset', 'chainTxID', 'fees', 'netAmount', 'status', 'timestamp', 'txID', 'walletID']);
		assert.equal(one.json.history[0].status, 'approved');
		assertError(await qapi('GET', '/wallet/unknown/history'), 404, 'wallet_id');
		assertError(await qapi('GET', `/wallets/${creds.counterparty.fund.wallets.BTC}/history`), 404, 'wallet_id');
		assertError(await qapi('GET', `/wallet/${creds.fund.wallets.BTC}/history`, undefined, personal), 404, 'wallet_id');
	});
});

describe('Web3 API', () => {
	const tx = async (extra: Record<string, unknown> = {}) => ({
		from: (await treasuryEthAddress()).toUpperCase().replace('0X', '0x'),
		to: '0x84ce2138e54b1852689132fd73ddc4d3973a44b8',
		value: '100',
		gasLimit: '21000',
		gasPrice: '2100',
		...extra,
	});

	it('POST /transaction → created … mined, each step a txFeedStatus frame; status and approvals follow', async () => {
		const feed = await openFeed(feedUrl, qapiHeaders(org.keyId, org.secret, 'GET', feedUrl));
		try {
			const created = await qapi('POST', '/transaction', await tx({ chainID: '11155111', note: 'first' }));
			assert.equal(created.status, 200, created.text);
			const info = created.json;
			assert.equal(info.status, 'created');
			assert.equal(info.nonce, '0');
			assert.equal(info.accountID, creds.company.id);
			assert.equal(info.createdBy, org.keyId);
			assert.equal(info.chainID, '11155111');
			assert.deepEqual(info.events.map((e: { status: string }) => e.status), ['created']);

			const frames = await framesOf(feed, info.txID, ['mined', 'failed']);
			assert.deepEqual(
				frames.map((f) => f.status),
				['created', 'authorized', 'pending', 'approved', 'signed', 'pushed', 'mined'],
			);
			const last = frames[frames.length - 1];
			assert.equal(last.nonce, 0, 'txFeedStatus types the nonce as an integer');
			assert.match(String(last.txHash), /^0x[0-9a-f]{64}$/);
			assert.equal((last.events as unknown[]).length, 7);

			const status = (await qapi('GET', `/transactions/${info.txID}/status`)).json;
			assert.equal(status.status, 'mined');
			assert.equal(status.txHash, last.txHash);
			for (const step of ['created', 'authorized', 'pending', 'approved']) assert.equal(typeof status.timestamps[step], 'number', step);
			const approvals = (await qapi('GET', `/transactions/${info.txID}/approvals`)).json;
			assert.equal(approvals.total, 1);
			assert.equal(approvals.list[0].status, 'approved');

			const second = await qapi('POST', '/transaction', await tx({ gasPrice: undefined, maxFeePerGas: '300', maxPriorityFeePerGas: '10', data: '0xa9059cbb' }));
			assert.equal(second.json.nonce, '1', 'nonces count per from address');
			assert.equal(second.json.maxFeePerGas, '300');
		} finally {
			feed.close();
		}
	});

	it('fails a transaction the wallet cannot pay for', async () => {
		const feed = await openFeed(feedUrl, qapiHeaders(org.keyId, org.secret, 'GET', feedUrl));
		try {
			const created = await qapi('POST', '/transaction', await tx({ value: '1' + '0'.repeat(30) }));
			const frames = await framesOf(feed, created.json.txID, ['mined', 'failed']);
			const last = frames[frames.length - 1];
			assert.equal(last.status, 'failed');
			assert.match(String((last.events as Array<{ message: string }>).at(-1)?.message), /insufficient funds/);
		} finally {
			feed.close();
		}
	});

	it('validates the Web3 request', async () => {
		assertError(await qapi('POST', '/transaction', await tx({ from: '0x1234' })), 400, 'from');
		// The swagger's own example `to` is not hex.
		assertError(await qapi('POST', '/transaction', await tx({ to: '0x94GE4738E54b2952689132FD73dDC4D3973a47J2' })), 400, 'to');
		assertError(await qapi('POST', '/transaction', await tx({ value: 100 })), 400, 'value');
		assertError(await qapi('POST', '/transaction', await tx({ value: '1.5' })), 400, 'value');
		assertError(await qapi('POST', '/transaction', await tx({ value: '-1' })), 400, 'value');
		assertError(await qapi('POST', '/transaction', await tx({ gasLimit: undefined })), 400, 'gasLimit');
		assertError(await qapi('POST', '/transaction', await tx({ maxFeePerGas: '300', maxPriorityFeePerGas: '10' })), 400, 'gasPrice');
		assertError(await qapi('POST', '/transaction', await tx({ gasPrice: undefined, maxFeePerGas: '300' })), 400, 'maxPriorityFeePerGas');
		assertError(await qapi('POST', '/transaction', await tx({ gasPrice: undefined, maxFeePerGas: '3', maxPriorityFeePerGas: '10' })), 400, 'maxPriorityFeePerGas');
		assertError(await qapi('POST', '/transaction', await tx({ data: '0xzz' })), 400, 'data');
		assertError(await qapi('POST', '/transaction', await tx({ chainID: 5 })), 400, 'chainID');
		assertError(await qapi('POST', '/transaction', await tx({ from: creds.whitelist[0].address })), 400, 'from');
		assertError(await qapi('POST', '/transaction', await tx(), personal), 400, 'from');
		const unsigned = await send('POST', `${sb.urls.qapi}/transaction`, { 'content-type': 'application/json' }, JSON.stringify(await tx()));
		assertError(unsigned, 401, 'qredo-api-key');
	});

	it('answers 404 for unknown transactions and another account’s transactions', async () => {
		assertError(await qapi('GET', '/transactions/unknown/status'), 404, 'tx_id');
		assertError(await qapi('GET', '/transactions/unknown/approvals'), 404, 'tx_id');
		const created = (await qapi('POST', '/transaction', await tx())).json;
		assertError(await qapi('GET', `/transactions/${created.txID}/status`, undefined, personal), 404, 'tx_id');
	});

	it('refuses an unsigned or wrongly signed feed upgrade', async () => {
		const headers = qapiHeaders(org.keyId, org.secret, 'GET', feedUrl.replace(/^ws/, 'http'));
		const refused = await refusedFeed(feedUrl, headers);
		assert.equal(refused.status, 401, 'the signed URL of a websocket is the ws:// one');
		assert.equal((await refusedFeed(feedUrl)).status, 401);
	});
});

describe('approvals of custody transactions', () => {
	it('lists one row per custody action, with the verified signature once decided', async () => {
		const created = await partner('POST', `/company/${creds.company.id}/transfer`, {
			wallet_id: creds.fund.wallets.ETH,
			counterparty_wallet_address: creds.operationsFund.wallets.ETH,
			expires: Math.floor(Date.now() / 1000) + 600,
			send: { symbol: 'ETH', amount: 777 },
		});
		const txId = created.json.tx_id;
		let approvals = (await qapi('GET', `/transactions/${txId}/approvals`)).json;
		assert.equal(approvals.total, 3);
		assert.ok(approvals.list.every((a: { status: string; txID: string }) => a.status === 'pending' && a.txID === txId));
		const alice = approvals.list.find((a: { userID: string }) => a.userID === creds.humans[0].id);
		assert.equal(alice.external, false);
		assert.equal(alice.email, creds.humans[0].email);
		assert.equal(approvals.list.find((a: { userID: string }) => a.userID === creds.agent.id).external, true);

		await admin(sb, 'POST', `/actions/${alice.actionID}/approve`);
		approvals = (await qapi('GET', `/transactions/${txId}/approvals`)).json;
		const decided = approvals.list.find((a: { userID: string }) => a.userID === creds.humans[0].id);
		assert.equal(decided.status, 'approved');
		assert.match(decided.signature, /^[0-9a-f]{98}$/);
		assertError(await qapi('GET', `/transactions/${txId}/approvals`, undefined, personal), 404, 'tx_id');
	});
});
