/** Partner API › Wallet, Transfer and Withdrawal through the node: base-unit amounts, expiry, partner_txID idempotency. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import { loadOptionsContext } from '../../support/n8nExecuteContext';
import { admin, assertApiError, assertInputError, byId, node, partner, runError, runJson, startWorld, type World } from './support';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BASE_UNITS_MESSAGE = 'Amount: expected a positive whole number of base units (e.g. satoshi, wei)';

describe('Qredo node: Partner API wallet, transfer, withdrawal', () => {
	let world: World;
	let treasuryEth: string;
	let operationsEth: string;
	before(async () => {
		world = await startWorld();
		treasuryEth = world.seed.fund.wallets.ETH;
		operationsEth = world.seed.operationsFund.wallets.ETH;
	});
	after(() => world.stop());

	const company = () => byId(world.seed.company.id);
	const transfer = (rest: IDataObject = {}) =>
		partner('transfer', 'create', { companyId: company(), walletId: treasuryEth, counterpartyWallet: operationsEth, asset: 'ETH', amount: '1000000', expires: '1h', ...rest });
	const withdrawal = (rest: IDataObject = {}) =>
		partner('withdrawal', 'create', {
			companyId: company(),
			walletId: treasuryEth,
			address: world.seed.whitelist.find((w) => w.asset === 'ETH')?.address,
			asset: 'ETH',
			amount: '2000000',
			expires: '30m',
			...rest,
		});

	describe('Wallet', () => {
		it('get: address, balance and policies; an unknown wallet is a 404', async () => {
			const [wallet] = await runJson(world, partner('wallet', 'get', { walletId: treasuryEth }));
			assert.equal(wallet.wallet_id, treasuryEth);
			assert.equal(wallet.asset, 'ETH');
			assert.equal(wallet.balance, 40_000_000_000);
			assertApiError(await runError(world, partner('wallet', 'get', { walletId: 'NoSuchWallet' })), 404);
			assertInputError(await runError(world, partner('wallet', 'get', { walletId: ' ' })), 'Wallet');
		});

		it('get history: settled movements, narrowed by Since; a malformed Since is refused', async () => {
			const walletId = world.seed.fund.wallets.BTC;
			await admin(world, 'POST', `/wallets/${walletId}/deposit`, { amount: 12345 });
			const history = await runJson(world, partner('wallet', 'getHistory', { walletId }));
			assert.ok(history.some((row) => Math.abs(Number(row.amount)) === 12345), JSON.stringify(history));
			const future = new Date(Date.now() + 3_600_000).toISOString();
			assert.deepEqual(await runJson(world, partner('wallet', 'getHistory', { walletId, filters: { since: future } })), []);
			assertInputError(await runError(world, partner('wallet', 'getHistory', { walletId, filters: { since: 'yesterday' } })), 'Since');
			assertApiError(await runError(world, partner('wallet', 'getHistory', { walletId: 'NoSuchWallet' })), 404);
		});

		it('get max sendable: transfer (default) and withdrawal quotes; an unknown wallet is a 404', async () => {
			const [transferMax] = await runJson(world, partner('wallet', 'getMaxSendable', { walletId: treasuryEth }));
			assert.ok(Number(transferMax.netAmount) > 0 && Number(transferMax.netAmount) <= 40_000_000_000, JSON.stringify(transferMax));
			assert.equal(Number(transferMax.netAmount) + Number(transferMax.fees), Number(transferMax.amountToSend));
			const [withdrawMax] = await runJson(world, partner('wallet', 'getMaxSendable', { walletId: treasuryEth, txType: 'withdraw' }));
			assert.equal(withdrawMax.tx_type, 'withdraw');
			assertApiError(await runError(world, partner('wallet', 'getMaxSendable', { walletId: 'NoSuchWallet' })), 404);
		});

		it('get max sendable: Include Pending subtracts what a transfer awaiting approval reserved, off leaves it in', async () => {
			const quote = async (includePending: boolean) => Number((await runJson(world, partner('wallet', 'getMaxSendable', { walletId: treasuryEth, includePending })))[0].amountToSend);
			const before = { counted: await quote(true), ignored: await quote(false) };
			const [created] = await runJson(world, transfer({ amount: '1000', additionalFields: { reference: 'reserve for max sendable' } }));
			const reserved = Number((await admin(world, 'GET', `/transactions/${String(created.tx_id)}`)).json.amount);
			assert.ok(reserved >= 1000, `the transfer reserves its amount and fees (${reserved})`);
			assert.equal(await quote(true), before.counted - reserved, 'pending=true: the pending transfer is no longer sendable');
			assert.equal(await quote(false), before.ignored, 'pending=false: the balance as if nothing were pending');
		});
	});

	describe('Transfer', () => {
		it('create: tx_id, a generated partner_txID and expires (Unix seconds, an hour ahead); get status shows it pending', async () => {
			const before = Math.floor(Date.now() / 1000);
			const [created] = await runJson(world, transfer({ additionalFields: { reference: 'node-transfer', benefitOf: 'Ops', accountNo: 'ACC-1' } }));
			assert.equal(created.status, 'new');
			assert.match(String(created.partner_txID), UUID);
			assert.ok(Number(created.expires) >= before + 3600 && Number(created.expires) <= before + 3602, String(created.expires));
			const [status] = await runJson(world, partner('transfer', 'getStatus', { companyId: company(), txId: String(created.tx_id) }));
			assert.equal(status.tx_id, created.tx_id);
			assert.equal(status.tx_status, 'pending_transfer');
			const details = status.status_details as IDataObject;
			assert.equal(details.net_amount, 1_000_000);
			assert.equal(details.reference, 'node-transfer');
		});

		it('create twice with the same Partner Transaction ID: the second answers the first tx_id ("existing")', async () => {
			const expires = String(Math.floor(Date.now() / 1000) + 7200);
			const [first] = await runJson(world, transfer({ partnerTxId: 'node-retry-1', expires }));
			const [second] = await runJson(world, transfer({ partnerTxId: 'node-retry-1', expires }));
			assert.equal(first.status, 'new');
			assert.equal(second.status, 'existing');
			assert.equal(second.tx_id, first.tx_id);
			assert.equal(second.partner_txID, 'node-retry-1');
		});

		it('create to a wallet short code', async () => {
			const state = (await admin(world, 'GET', '/state')).json;
			const wallets = (state.funds as IDataObject[]).flatMap((fund) => fund.wallets as IDataObject[]);
			const shortCode = String(wallets.find((w) => w.walletId === operationsEth)?.shortCode);
			const [created] = await runJson(world, transfer({ counterpartyWallet: shortCode, amount: 5000 }));
			assert.equal(created.status, 'new');
		});

		for (const amount of ['12.5', '-1', '1e3', '', '0', 'abc', 12.5, '9007199254740993']) {
			it(`create refuses the amount ${JSON.stringify(amount)} before calling Qredo`, async () => {
				const error = assertInputError(await runError(world, transfer({ amount })), 'Amount');
				assert.ok(error.message.startsWith(BASE_UNITS_MESSAGE), error.message);
			});
		}

		it('create refuses an expiry in the past and a malformed one', async () => {
			assertInputError(await runError(world, transfer({ expires: '2020-01-01T00:00:00Z' })), 'Expires', 'in the future');
			assertInputError(await runError(world, transfer({ expires: 'soon' })), 'Expires', 'duration');
		});

		it('create from a wallet of another asset is Qredo’s 400, and the error keeps the partner_txID to retry with', async () => {
			const error = assertApiError(await runError(world, transfer({ asset: 'BTC' })), 400, 'send.symbol');
			assert.match(String(error.context.partnerTxId), UUID);
			assert.ok(error.description?.includes(String(error.context.partnerTxId)), error.description ?? '');
		});

		it('get status of an unknown transaction is a 404', async () => {
			assertApiError(await runError(world, partner('transfer', 'getStatus', { companyId: company(), txId: 'NoSuchTx' })), 404);
		});
	});

	describe('Withdrawal', () => {
		it('create to a whitelisted address, then get status', async () => {
			const [created] = await runJson(world, withdrawal({ partnerTxId: 'node-withdrawal-1' }));
			assert.equal(created.status, 'new');
			assert.equal(created.partner_txID, 'node-withdrawal-1');
			const [status] = await runJson(world, partner('withdrawal', 'getStatus', { companyId: company(), txId: String(created.tx_id) }));
			assert.equal(status.tx_status, 'pending_withdrawal');
		});

		it('create to an address off the whitelist is Qredo’s 400; a malformed address is refused', async () => {
			assertApiError(await runError(world, withdrawal({ address: '0x2222222222222222222222222222222222222222' })), 400, 'whitelist');
			assertInputError(await runError(world, withdrawal({ address: '0x22' })), 'Address');
			assertInputError(await runError(world, withdrawal({ amount: '1.5' })), 'Amount');
		});

		it('the Transfer and Withdrawal pickers list the company\'s own, newest first, each only its kind', async () => {
			const [sent] = await runJson(world, transfer({ amount: '4321', partnerTxId: 'picker-transfer' }));
			const [withdrawn] = await runJson(world, withdrawal({ amount: '5432', partnerTxId: 'picker-withdrawal' }));
			const pick = async (resource: string, filter?: string) =>
				(
					await node.methods.listSearch.searchTransactions.call(
						loadOptionsContext(node, { parameters: { api: 'partnerApi', resource, operation: 'getStatus', companyId: company() }, credentials: { qredoApi: world.credential } }),
						filter,
					)
				).results;
			const transfers = await pick('transfer');
			assert.match(String(transfers.find((r) => r.value === sent.tx_id)?.name), /^transfer 4321 ETH · pending · \d{4}-\d\d-\d\d \d\d:\d\d/);
			assert.ok(!transfers.some((r) => r.value === withdrawn.tx_id), 'no withdrawal among the transfers');
			const withdrawals = await pick('withdrawal');
			assert.ok(withdrawals.some((r) => r.value === withdrawn.tx_id) && !withdrawals.some((r) => r.value === sent.tx_id));
			assert.equal(new Set(withdrawals.map((r) => r.value)).size, withdrawals.length, 'each transaction once');
			assert.deepEqual((await pick('transfer', String(sent.tx_id))).map((r) => r.value), [sent.tx_id], 'filtered by ID');
			await assert.rejects(
				node.methods.listSearch.searchTransactions.call(loadOptionsContext(node, { parameters: { api: 'partnerApi', resource: 'transfer', operation: 'getStatus', companyId: byId('') }, credentials: { qredoApi: world.credential } })),
				/Choose a company first/,
			);
		});

		it('get status of a transfer ID is a 404 (withdrawals only)', async () => {
			const [created] = await runJson(world, transfer({ amount: '7000' }));
			assertApiError(await runError(world, partner('withdrawal', 'getStatus', { companyId: company(), txId: String(created.tx_id) })), 404);
		});
	});
});
