/**
 * Partner API funds and wallets against the sandbox over real sockets (§3.1, §3.4): fund creation with custody
 * groups of trusted parties and its per-company rate limit, fund reads, deposit addresses, whitelist, assets,
 * wallets, wallet policy, the paginated ledger, and the wallet endpoints by ID.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxCredentials } from '../../../packages/cli/sandbox/seed';
import { type RunningSandbox, startSandbox } from '../../../packages/cli/sandbox/server';
import { newPartnerIdentity, type PartnerIdentity, partnerSend, type Response, assertQredoError as assertError } from './helpers';

const FUND_INTERVAL_MS = 150;

let sb: RunningSandbox;
let creds: SandboxCredentials;
let demo: PartnerIdentity;
let companyPath: string;
let treasuryPath: string;

const call = (method: string, path: string, body?: unknown, who: PartnerIdentity = demo) =>
	partnerSend(who, method, `${sb.urls.partner}${path}`, body === undefined ? '' : JSON.stringify(body));

/** Fund creation waits out the per-company interval first, so each call tests what it means to. */
async function createFund(body: unknown, company = companyPath): Promise<Response> {
	await sleep(FUND_INTERVAL_MS + 20);
	return call('POST', `${company}/fund`, body);
}

before(async () => {
	sb = await startSandbox({ seed: 'demo', fundCreationIntervalMs: FUND_INTERVAL_MS });
	creds = sb.credentials as SandboxCredentials;
	demo = { apiKey: creds.partnerApi.apiKey, privateKey: creds.partnerApi.privateKeyPem };
	companyPath = `/company/${creds.company.id}`;
	treasuryPath = `${companyPath}/fund/${creds.fund.id}`;
});
after(() => sb.stop());

describe('fund creation', () => {
	it('creates a fund with its custody groups and wallets, and reads it back', async () => {
		const [alice] = creds.humans;
		const agent = creds.agent.id;
		const res = await createFund({
			name: 'Growth',
			description: 'for the test',
			custodygroup_withdraw: { threshold: 1, members: [alice.id] },
			custodygroup_tx: { threshold: 2, members: [agent, alice.id] },
			wallets: [
				{ name: 'Growth BTC', asset: 'BTC' },
				{
					name: 'Growth ETH',
					asset: 'ETH',
					type: 1,
					custodygroup_tx: { threshold: 1, members: [agent] },
					connect: [{ counterparty_id: creds.counterparty.company.id, client_id: 'A12345' }],
				},
			],
		});
		assert.equal(res.status, 200, res.text);
		const { fund_id: fundId, custodygroup_withdraw: withdrawId, custodygroup_tx: txId } = res.json;
		assert.ok(typeof withdrawId === 'string' && typeof txId === 'string' && withdrawId !== txId);

		const fund = (await call('GET', `${companyPath}/fund/${fundId}`)).json;
		assert.equal(fund.name, 'Growth');
		assert.equal(fund.description, 'for the test');
		assert.equal(fund.custodygroup_tx, txId);
		assert.equal(fund.policy_tx.id, txId);
		assert.equal(fund.policy_tx.threshold, 2);
		assert.deepEqual(fund.policy_tx.members.map((m: { id: string; type: string }) => [m.id, m.type]), [
			[agent, 'core-client'],
			[alice.id, 'user'],
		]);
		assert.equal(fund.policy_tx.members[1].user.email, alice.email);
		assert.deepEqual(fund.assets, ['BTC', 'ETH']);
		const aliceMember = fund.members.find((m: { entity: { id: string } }) => m.entity.id === alice.id);
		assert.deepEqual(aliceMember.permissions, { admin: false, withdraw: true, transfer: true, swap: true });
		assert.equal(fund.wallets.length, 2);
		const [btc, eth] = fund.wallets;
		assert.equal(btc.custodygroup_tx, txId, 'no override: the fund policy');
		assert.notEqual(eth.custodygroup_tx, txId, 'its own policy');
		assert.equal(eth.policy_tx.threshold, 1);
		assert.equal(eth.type, 1);
		assert.deepEqual(eth.connected, [{ client_id: 'A12345', counterparty_id: creds.counterparty.company.id, name: creds.counterparty.company.name, status: 'connected' }]);
		assert.match(eth.address, /^0x[0-9a-f]{40}$/);
		assert.equal(btc.balance, 0);
	});

	it('allows one fund creation per company per interval: 429 with Retry-After', async () => {
		const body = { name: 'Burst', custodygroup_withdraw: { threshold: 1, members: [creds.humans[0].id] }, custodygroup_tx: { threshold: 1, members: [creds.humans[0].id] } };
		assert.equal((await createFund(body)).status, 200);
		const limited = await call('POST', `${companyPath}/fund`, body);
		assertError(limited, 429, 'fund');
		assert.equal(limited.headers['retry-after'], '1');
		// The slot is per company: the counterparty company is not held up.
		const carol = creds.counterparty.human.id;
		const elsewhere = await call('POST', `/company/${creds.counterparty.company.id}/fund`, { name: 'Side', custodygroup_withdraw: { threshold: 1, members: [carol] }, custodygroup_tx: { threshold: 1, members: [carol] } });
		assert.equal(elsewhere.status, 200, elsewhere.text);
		assert.equal((await createFund(body)).status, 200, 'free again after the interval');
	});

	it('validates custody groups: threshold from 1 to the member count, members trusted parties of the company', async () => {
		const alice = creds.humans[0].id;
		const group = { threshold: 1, members: [alice] };
		const fundsBefore = (await call('GET', `${companyPath}/fund/search`)).json.total_count;
		assertError(await createFund({ name: 'X', custodygroup_withdraw: group, custodygroup_tx: { threshold: 0, members: [alice] } }), 400, 'custodygroup_tx.threshold');
		assertError(await createFund({ name: 'X', custodygroup_withdraw: group, custodygroup_tx: { threshold: 2, members: [alice] } }), 400, 'custodygroup_tx.threshold');
		assertError(await createFund({ name: 'X', custodygroup_withdraw: group, custodygroup_tx: { threshold: '1', members: [alice] } }), 400, 'custodygroup_tx.threshold');
		// The v2 API key approves the seeded treasury, but it is no trusted party: the Partner API cannot name it.
		assertError(await createFund({ name: 'X', custodygroup_withdraw: { threshold: 1, members: [creds.qredoApiV2.apiKeyId] }, custodygroup_tx: group }), 400, 'custodygroup_withdraw.members[0]');
		assertError(await createFund({ name: 'X', custodygroup_withdraw: group, custodygroup_tx: { threshold: 1, members: [creds.counterparty.human.id] } }), 400, 'custodygroup_tx.members[0]');
		assertError(await createFund({ name: 'X', custodygroup_withdraw: group, custodygroup_tx: { threshold: 1, members: [alice, alice] } }), 400, 'custodygroup_tx.members');
		assertError(await createFund({ name: 'X', custodygroup_withdraw: group }), 400, 'custodygroup_tx');
		assertError(await createFund({ custodygroup_withdraw: group, custodygroup_tx: group }), 400, 'name');
		assertError(await createFund({ name: 'X', custodygroup_withdraw: group, custodygroup_tx: group, wallets: [{ asset: 'DOGE' }] }), 400, 'wallets[0].asset');
		assertError(await createFund({ name: 'X', custodygroup_withdraw: group, custodygroup_tx: group, wallets: [{ asset: 'BTC', type: 7 }] }), 400, 'wallets[0].type');
		assert.equal((await call('GET', `${companyPath}/fund/search`)).json.total_count, fundsBefore, 'a refused request leaves no half-made fund');
	});

	it('answers 404 for an unknown company and 403 for a company of another partner key', async () => {
		const stranger = await newPartnerIdentity(sb);
		const theirs = (await call('POST', '/company', { name: 'Stranger Co' }, stranger)).json.company_id;
		assertError(await createFund({ name: 'X' }, '/company/nope'), 404, 'company_id');
		assertError(await createFund({ name: 'X' }, `/company/${theirs}`), 403, 'company_id');
	});
});

describe('fund reads', () => {
	it('searches funds by name within the company', async () => {
		const res = await call('GET', `${companyPath}/fund/search?query=treasury`);
		assert.deepEqual(res.json, { total_count: 1, list: [{ name: 'Demo Treasury', id: creds.fund.id }] });
		assertError(await call('GET', '/company/unknown/fund/search?query=treasury'), 404, 'company_id');
	});

	it('answers 404 for an unknown fund and for a fund of another company', async () => {
		assertError(await call('GET', `${companyPath}/fund/unknown`), 404, 'fund_id');
		assertError(await call('GET', `${companyPath}/fund/${creds.counterparty.fund.id}`), 404, 'fund_id');
	});

	it('lists deposit addresses with balances', async () => {
		const res = await call('GET', `${treasuryPath}/deposit`);
		assert.equal(res.json.total_count, 2);
		const btc = res.json.list.find((d: { asset: string }) => d.asset === 'BTC');
		assert.equal(btc.balance, 5_0000_0000);
		assert.match(btc.address, /^tb1q/);
		assertError(await call('GET', `${companyPath}/fund/unknown/deposit`), 404, 'fund_id');
	});
});

describe('whitelist', () => {
	it('lists entries, filtered by asset and (case-insensitively for EVM) by address', async () => {
		assert.equal((await call('GET', `${treasuryPath}/whitelist`)).json.total_count, 2);
		const btc = await call('GET', `${treasuryPath}/whitelist?asset=BTC`);
		assert.deepEqual(btc.json.list, [creds.whitelist[1]]);
		const eth = await call('GET', `${treasuryPath}/whitelist?address=${creds.whitelist[0].address.toUpperCase().replace('0X', '0x')}`);
		assert.equal(eth.json.total_count, 1);
		assertError(await call('GET', `${treasuryPath}/whitelist?asset=DOGE`), 400, 'asset');
	});

	it('adds an address, refuses a duplicate, a malformed address or an unknown asset', async () => {
		const address = '0x00000000219ab540356cBB839Cbe05303d7705Fa';
		assert.deepEqual((await call('POST', `${treasuryPath}/whitelist`, { asset: 'ETH', address, name: 'Deposit contract' })).json, { code: 200, msg: 'OK' });
		assert.equal((await call('GET', `${treasuryPath}/whitelist?asset=ETH`)).json.total_count, 2);
		assertError(await call('POST', `${treasuryPath}/whitelist`, { asset: 'ETH', address: address.toLowerCase() }), 409, 'address');
		assertError(await call('POST', `${treasuryPath}/whitelist`, { asset: 'ETH', address: '0x1234' }), 400, 'address');
		assertError(await call('POST', `${treasuryPath}/whitelist`, { asset: 'BTC', address }), 400, 'address');
		assertError(await call('POST', `${treasuryPath}/whitelist`, { asset: 'DOGE', address }), 400, 'asset');
		assertError(await call('POST', `${treasuryPath}/whitelist`, { asset: 'ETH' }), 400, 'address');
		assert.equal((await call('POST', `${treasuryPath}/whitelist`, { asset: 'BTC', address: 'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7' })).status, 200);
	});
});

describe('assets, wallets and wallet policy', () => {
	it('adds a wallet per new asset; 409 when the fund already has a wallet for the asset', async () => {
		const added = await call('POST', `${treasuryPath}/asset`, { assets: ['USDC'] });
		assert.equal(added.status, 200, added.text);
		assert.equal(added.json.wallets.length, 1);
		assert.equal((await call('GET', `/wallet/${added.json.wallets[0]}`)).json.asset, 'USDC');
		assertError(await call('POST', `${treasuryPath}/asset`, { assets: ['ETH'] }), 409, 'assets[0]');
		assertError(await call('POST', `${treasuryPath}/asset`, { assets: ['QRDO', 'QRDO'] }), 409, 'assets[1]');
		assertError(await call('POST', `${treasuryPath}/asset`, { assets: ['DOGE'] }), 400, 'assets[0]');
		assertError(await call('POST', `${treasuryPath}/asset`, { assets: [] }), 400, 'assets');
		assertError(await call('POST', `${treasuryPath}/asset`, { assets: 'QRDO' }), 400, 'assets');
	});

	it('adds wallets (several of one asset allowed)', async () => {
		const res = await call('POST', `${treasuryPath}/wallet`, { wallets: [{ name: 'Treasury BTC 2', asset: 'BTC', type: 2 }] });
		assert.equal(res.status, 200, res.text);
		const wallet = (await call('GET', `/wallet/${res.json.wallets[0]}`)).json;
		assert.equal(wallet.name, 'Treasury BTC 2');
		assert.equal(wallet.type, 2);
		assertError(await call('POST', `${treasuryPath}/wallet`, { wallets: [] }), 400, 'wallets');
		assertError(await call('POST', `${treasuryPath}/wallet`, { wallets: [{ name: 'no asset' }] }), 400, 'wallets[0].asset');
	});

	it('sets a wallet policy that overrides the fund policy', async () => {
		const walletId = creds.fund.wallets.BTC;
		const before = (await call('GET', `/wallet/${walletId}`)).json;
		const path = `${treasuryPath}/wallet/${walletId}/policy`;
		const [alice] = creds.humans;
		const set = await call('PUT', path, { policy_id: before.custodygroup_tx, threshold: 1, members: [alice.id], type: 'policy-tx' });
		assert.deepEqual(set.json, { code: 200, msg: 'OK' });
		const afterSet = (await call('GET', `/wallet/${walletId}`)).json;
		assert.notEqual(afterSet.custodygroup_tx, before.custodygroup_tx);
		assert.equal(afterSet.custodygroup_withdraw, before.custodygroup_withdraw, 'the other policy is untouched');
		assert.deepEqual(afterSet.policy_tx.members.map((m: { id: string }) => m.id), [alice.id]);

		assertError(await call('PUT', path, { threshold: 1, members: [alice.id], type: 'policy-swap' }), 400, 'type');
		assertError(await call('PUT', path, { policy_id: before.custodygroup_tx, threshold: 1, members: [alice.id], type: 'policy-tx' }), 400, 'policy_id');
		assertError(await call('PUT', path, { threshold: 1, members: [creds.counterparty.human.id], type: 'policy-withdraw' }), 400, 'members[0]');
		assertError(await call('PUT', path, { threshold: 2, members: [alice.id], type: 'policy-withdraw' }), 400, 'threshold');
		assertError(await call('PUT', `${treasuryPath}/wallet/${creds.operationsFund.wallets.ETH}/policy`, { threshold: 1, members: [alice.id], type: 'policy-tx' }), 404, 'wallet_id');
	});
});

describe('ledger', () => {
	const ledger = (query = '') => call('GET', `${treasuryPath}/ledger${query}`);

	it('lists movements with the capitalised List / Total / TxID', async () => {
		const res = await ledger();
		assert.equal(res.status, 200, res.text);
		assert.deepEqual(Object.keys(res.json).sort(), ['List', 'Total']);
		assert.equal(res.json.Total, 2);
		const row = res.json.List.find((r: { asset: string }) => r.asset === 'BTC');
		assert.equal(row.type, 'deposit');
		assert.equal(row.status, 'approved');
		assert.equal(row.amount, 5_0000_0000);
		assert.equal(row.fundID, creds.fund.id);
		assert.equal(typeof row.TxID, 'string');
		assert.ok(row.TxID.length > 0);
		assert.equal(row.chainTxID.length, 64);
	});

	it('filters by direction, asset and wallet, and pages with offset / limit', async () => {
		assert.equal((await ledger('?direction=in')).json.Total, 2);
		assert.equal((await ledger('?direction=out')).json.Total, 0);
		assert.equal((await ledger('?asset=BTC')).json.Total, 1);
		assert.equal((await ledger(`?wallet_id=${creds.fund.wallets.ETH}`)).json.List[0].asset, 'ETH');
		const page = await ledger('?offset=1&limit=1');
		assert.equal(page.json.List.length, 1);
		assert.equal(page.json.Total, 2);
		assert.deepEqual(page.json.List[0], (await ledger()).json.List[1]);
		assert.equal((await ledger('?offset=5')).json.List.length, 0);
	});

	it('refuses bad query parameters', async () => {
		assertError(await ledger('?limit=0'), 400, 'limit');
		assertError(await ledger('?limit=ten'), 400, 'limit');
		assertError(await ledger('?offset=-1'), 400, 'offset');
		assertError(await ledger('?direction=sideways'), 400, 'direction');
		assertError(await ledger('?asset=DOGE'), 400, 'asset');
		assertError(await ledger('?wallet_id=unknown'), 404, 'wallet_id');
	});
});

describe('wallets by ID', () => {
	it('returns FundWalletInfo, and 404 to another partner key', async () => {
		const res = await call('GET', `/wallet/${creds.fund.wallets.ETH}`);
		assert.equal(res.status, 200, res.text);
		for (const field of ['wallet_id', 'name', 'asset', 'type', 'status', 'address', 'address_type', 'short_code', 'balance', 'custodygroup_withdraw', 'custodygroup_tx', 'policy_withdraw', 'policy_tx', 'connected']) {
			assert.ok(field in res.json, `FundWalletInfo.${field}`);
		}
		assert.equal(res.json.balance, 40_000_000_000);
		const stranger = await newPartnerIdentity(sb);
		const theirs = (await call('POST', '/company', { name: 'Wallet Stranger' }, stranger)).json.company_id;
		const alice = creds.humans[0];
		await call('POST', `/company/${theirs}/trustedparty`, { address: alice.email }, stranger);
		const group = { threshold: 1, members: [alice.id] };
		const fund = (await call('POST', `/company/${theirs}/fund`, { name: 'F', custodygroup_withdraw: group, custodygroup_tx: group, wallets: [{ asset: 'ETH' }] }, stranger)).json;
		const theirWallet = (await call('GET', `/company/${theirs}/fund/${fund.fund_id}`, undefined, stranger)).json.wallets[0].wallet_id;
		assertError(await call('GET', `/wallet/${theirWallet}`), 404, 'wallet_id');
		assertError(await call('GET', '/wallet/unknown'), 404, 'wallet_id');
	});

	it('lists settled history since a time, received amounts negative (swagger signs)', async () => {
		const res = await call('GET', `/wallet/${creds.fund.wallets.BTC}/history`);
		assert.equal(res.status, 200, res.text);
		assert.equal(res.json.history.length, 1);
		assert.equal(res.json.history[0].amount, -5_0000_0000);
		assert.equal(res.json.history[0].wallet_id, creds.fund.wallets.BTC);
		const future = Math.floor(Date.now() / 1000) + 3600;
		assert.deepEqual((await call('GET', `/wallet/${creds.fund.wallets.BTC}/history?since=${future}`)).json, { history: [] });
		assertError(await call('GET', `/wallet/${creds.fund.wallets.BTC}/history?since=yesterday`), 400, 'since');
	});

	it('computes the most a wallet can send, by transaction type', async () => {
		const withdraw = (await call('GET', `/wallet/${creds.fund.wallets.ETH}/max?pending=true&tx_type=withdraw`)).json;
		assert.deepEqual(withdraw, { netAmount: 40_000_000_000 - 420_000, amountToSend: 40_000_000_000, fees: 420_000 });
		const transfer = (await call('GET', `/wallet/${creds.fund.wallets.ETH}/max`)).json;
		assert.equal(transfer.amountToSend, 40_000_000_000);
		assert.equal(transfer.netAmount + transfer.fees, transfer.amountToSend);
		assertError(await call('GET', `/wallet/${creds.fund.wallets.ETH}/max?tx_type=deposit`), 400, 'tx_type');
		assertError(await call('GET', `/wallet/${creds.fund.wallets.ETH}/max?pending=yes`), 400, 'pending');
	});
});
