/** Partner API › Fund through the node: create, get, search, deposit addresses, whitelist, assets, wallets, policy, ledger. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { admin, assertApiError, assertInputError, byId, partner, runError, runJson, startWorld, type World } from './support';

describe('Qredo node: Partner API fund', () => {
	let world: World;
	let alice: string;
	let bob: string;
	let agent: string;
	before(async () => {
		world = await startWorld();
		[alice, bob] = world.seed.humans.map((h) => h.id);
		agent = world.seed.agent.id;
	});
	after(() => world.stop());

	const company = () => byId(world.seed.company.id);
	const treasury = () => byId(world.seed.fund.id);
	const inFund = (operation: string, rest: IDataObject = {}) => partner('fund', operation, { companyId: company(), fundId: treasury(), ...rest });

	async function newFund(name: string): Promise<string> {
		const [created] = await runJson(
			world,
			partner('fund', 'create', {
				companyId: company(),
				name,
				withdrawThreshold: 1,
				withdrawMembers: bob,
				txThreshold: 1,
				txMembers: alice,
				wallets: { wallet: [{ name: `${name} BTC`, asset: 'BTC', type: 0 }] },
			}),
		);
		return String(created.fund_id);
	}

	it('create: custody groups and a wallet; the fund then has that wallet', async () => {
		const [created] = await runJson(
			world,
			partner('fund', 'create', {
				companyId: company(),
				name: 'Node Fund',
				fundDescription: 'made by the node test',
				withdrawThreshold: 2,
				withdrawMembers: `${alice}, ${bob}`,
				txThreshold: 1,
				txMembers: agent,
				wallets: { wallet: [{ name: 'Node BTC', asset: 'BTC', type: 0, txThreshold: 1, txMembers: alice }] },
			}),
		);
		assert.match(String(created.fund_id), /\S+/);
		const [fund] = await runJson(world, partner('fund', 'get', { companyId: company(), fundId: byId(String(created.fund_id)) }));
		assert.equal(fund.name, 'Node Fund');
		assert.equal((fund.wallets as IDataObject[]).length, 1);
	});

	it('create: a threshold above the member count is refused; a member who is no trusted party is Qredo’s 400', async () => {
		const base = { companyId: company(), name: 'Bad Fund', txThreshold: 1, txMembers: alice };
		assertInputError(await runError(world, partner('fund', 'create', { ...base, withdrawThreshold: 3, withdrawMembers: `${alice},${bob}` })), 'Withdrawal Threshold', 'from 1 to 2');
		assertInputError(await runError(world, partner('fund', 'create', { ...base, withdrawThreshold: 1, withdrawMembers: '' })), 'Withdrawal Members');
		const error = await runError(world, partner('fund', 'create', { ...base, withdrawThreshold: 1, withdrawMembers: 'NotATrustedParty' }));
		assertApiError(error, 400, 'custodygroup_withdraw.members[0]');
	});

	it('get: the seeded fund; an unknown fund is a 404', async () => {
		const [fund] = await runJson(world, inFund('get'));
		assert.equal(fund.fund_id, world.seed.fund.id);
		assert.equal(fund.name, 'Demo Treasury');
		assertApiError(await runError(world, partner('fund', 'get', { companyId: company(), fundId: byId('NoSuchFund') })), 404);
	});

	it('search: one item per match; an unknown company is a 404', async () => {
		const found = await runJson(world, partner('fund', 'getAll', { companyId: company(), query: 'treasury' }));
		assert.deepEqual(found, [{ name: 'Demo Treasury', id: world.seed.fund.id }]);
		assertApiError(await runError(world, partner('fund', 'getAll', { companyId: byId('NoSuchCompany'), query: '' })), 404);
	});

	it('list deposit addresses: one item per wallet; an unknown fund is a 404', async () => {
		const list = await runJson(world, inFund('getManyDepositAddresses'));
		assert.deepEqual(list.map((row) => row.asset).sort(), ['BTC', 'ETH']);
		assert.ok(list.every((row) => typeof row.address === 'string' && row.address !== ''));
		assertApiError(await runError(world, partner('fund', 'getManyDepositAddresses', { companyId: company(), fundId: byId('NoSuchFund') })), 404);
	});

	it('list whitelist: all, then filtered by asset and address; a malformed address filter is refused', async () => {
		assert.equal((await runJson(world, inFund('getManyWhitelistAddresses'))).length, 2);
		const eth = world.seed.whitelist.find((w) => w.asset === 'ETH');
		const filtered = await runJson(world, inFund('getManyWhitelistAddresses', { filters: { asset: 'ETH', address: eth?.address } }));
		assert.equal(filtered.length, 1);
		assert.equal(filtered[0].name, eth?.name);
		assertInputError(await runError(world, inFund('getManyWhitelistAddresses', { filters: { address: '0x1234' } })), 'Address', 'EVM');
	});

	it('add whitelist address: listed afterwards; twice is a 409; a bad EVM address is refused', async () => {
		const address = '0x1111111111111111111111111111111111111111';
		const [added] = await runJson(world, inFund('addWhitelistAddress', { asset: 'ETH', address, name: 'Node exchange' }));
		assert.equal(added.address, address);
		const filtered = await runJson(world, inFund('getManyWhitelistAddresses', { filters: { asset: 'ETH', address } }));
		assert.equal(filtered.length, 1);
		assertApiError(await runError(world, inFund('addWhitelistAddress', { asset: 'ETH', address, name: 'again' })), 409);
		assertInputError(await runError(world, inFund('addWhitelistAddress', { asset: 'ETH', address: '0xZZ', name: 'bad' })), 'Address');
	});

	it('add assets: a wallet per asset; an asset the fund already holds is a 409; none is refused', async () => {
		const fundId = await newFund('Assets Fund');
		const [added] = await runJson(world, partner('fund', 'addAssets', { companyId: company(), fundId: byId(fundId), assets: ['ETH', 'USDC'] }));
		assert.equal((added.wallets as string[]).length, 2);
		assertApiError(await runError(world, partner('fund', 'addAssets', { companyId: company(), fundId: byId(fundId), assets: ['BTC'] })), 409);
		assertInputError(await runError(world, partner('fund', 'addAssets', { companyId: company(), fundId: byId(fundId), assets: [] })), 'Assets');
	});

	it('add wallets: new wallet IDs; no wallet is refused; an unknown asset is Qredo’s 400', async () => {
		const fundId = await newFund('Wallets Fund');
		const params = (wallet: INodeParameters[]) => partner('fund', 'addWallets', { companyId: company(), fundId: byId(fundId), wallets: { wallet } });
		const [added] = await runJson(world, params([{ name: 'Second BTC', asset: 'BTC', type: 1, withdrawThreshold: 1, withdrawMembers: bob }]));
		assert.equal((added.wallets as string[]).length, 1);
		assertInputError(await runError(world, params([])), 'Wallets', 'at least one');
		assertApiError(await runError(world, params([{ name: 'Doge', asset: 'DOGE', type: 0 }])), 400, 'asset');
	});

	it('set wallet policy: the wallet then reports the new policy; a non-member is Qredo’s 400; a bad threshold is refused', async () => {
		const fundId = await newFund('Policy Fund');
		const [fund] = await runJson(world, partner('fund', 'get', { companyId: company(), fundId: byId(fundId) }));
		const walletId = String((fund.wallets as IDataObject[])[0].wallet_id);
		const params = (rest: IDataObject) => partner('fund', 'setWalletPolicy', { companyId: company(), fundId: byId(fundId), walletId, ...rest });
		const [set] = await runJson(world, params({ policyType: 'policy-tx', threshold: 2, members: `${alice} ${agent}` }));
		assert.equal(set.code, 200);
		const [wallet] = await runJson(world, partner('wallet', 'get', { walletId }));
		assert.equal((wallet.policy_tx as IDataObject).threshold, 2);
		assertApiError(await runError(world, params({ policyType: 'policy-withdraw', threshold: 1, members: 'Stranger' })), 400);
		assertInputError(await runError(world, params({ policyType: 'policy-tx', threshold: 0, members: alice })), 'Policy Threshold');
	});

	it('ledger: Return All pages through offset/limit; Limit stops early; filters apply', async () => {
		const walletId = world.seed.operationsFund.wallets.ETH;
		for (let i = 0; i < 130; i++) assert.equal((await admin(world, 'POST', `/wallets/${walletId}/deposit`, { amount: 1000 + i })).status, 200);
		const ops = { companyId: company(), fundId: byId(world.seed.operationsFund.id) };
		const all = await runJson(world, partner('fund', 'getLedger', { ...ops, returnAll: true }));
		assert.ok(all.length >= 131, `expected every row, got ${all.length}`);
		assert.equal(new Set(all.map((row) => `${row.TxID}|${row.timestamp}|${row.amount}`)).size, all.length, 'no row twice');
		const limited = await runJson(world, partner('fund', 'getLedger', { ...ops, returnAll: false, limit: 105 }));
		assert.equal(limited.length, 105);
		assert.deepEqual(limited, all.slice(0, 105));
		const outgoing = await runJson(world, partner('fund', 'getLedger', { ...ops, returnAll: true, filters: { direction: 'out' } }));
		assert.equal(outgoing.length, 0);
	});

	it('ledger: an unknown asset filter is Qredo’s 400; a malformed one is refused', async () => {
		assertApiError(await runError(world, inFund('getLedger', { returnAll: true, filters: { asset: 'DOGE' } })), 400, 'asset');
		assertInputError(await runError(world, inFund('getLedger', { returnAll: true, filters: { asset: 'B T C' } })), 'Asset');
	});
});
