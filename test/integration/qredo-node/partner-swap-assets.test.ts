/** Partner API › Asset, Fee, Atomic Swap and Liquidity Hub through the node. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import { loadOptionsContext } from '../../support/n8nExecuteContext';
import { admin, assertApiError, assertInputError, byId, node, partner, runError, runJson, startWorld, type World } from './support';

describe('Qredo node: Partner API asset, fee, atomic swap, liquidity hub', () => {
	let world: World;
	before(async () => {
		world = await startWorld();
	});
	after(() => world.stop());

	const company = () => byId(world.seed.company.id);

	describe('Asset', () => {
		it('list: one item per asset with code, unit and scale', async () => {
			const assets = await runJson(world, partner('asset', 'getAll'));
			const btc = assets.find((a) => a.code === 'BTC');
			assert.equal(btc?.scale, 100_000_000);
			assert.ok(assets.length >= 2);
		});

		it('list without a Partner API section names the missing credential section', async () => {
			const credential = { ...world.credential, partnerApiKey: '', rsaPrivateKey: '' };
			const error = await runError(world, partner('asset', 'getAll'), { credential });
			assertInputError(error, 'partnerApi', 'Partner API section');
		});
	});

	describe('Fee', () => {
		it('calculate: net amount, amount to send and fees in base units', async () => {
			const [quote] = await runJson(world, partner('fee', 'calculate', { feeType: 'transferOut', asset: 'BTC', amount: '200000' }));
			assert.equal(quote.netAmount, 200_000);
			assert.equal(Number(quote.amountToSend), 200_000 + Number(quote.fees));
		});

		it('calculate: an unknown asset is Qredo’s 400; a fractional amount is refused', async () => {
			assertApiError(await runError(world, partner('fee', 'calculate', { feeType: 'withdraw', asset: 'DOGE', amount: '1' })), 400, 'asset');
			assertInputError(await runError(world, partner('fee', 'calculate', { feeType: 'withdraw', asset: 'BTC', amount: '0.5' })), 'Amount');
		});
	});

	describe('Atomic swap and liquidity hub', () => {
		const make = (rest: IDataObject = {}) =>
			partner('atomicSwap', 'make', {
				companyId: company(),
				sendWalletId: world.seed.fund.wallets.ETH,
				sendAsset: 'ETH',
				sendAmount: '1000000',
				receiveWalletId: world.seed.fund.wallets.BTC,
				receiveAsset: 'BTC',
				receiveAmount: '500',
				reference: 'node-swap',
				expires: '2h',
				...rest,
			});

		async function takerCompany(): Promise<{ companyId: string; btc: string; eth: string }> {
			const created = (await admin(world, 'POST', '/companies', { name: `Taker ${Date.now()}` })).json;
			const companyId = String(created.companyId);
			await admin(world, 'POST', '/trusted-parties', { companyId, address: world.seed.humans[0].email });
			const group = { threshold: 1, members: [world.seed.humans[0].id] };
			const fund = (
				await admin(world, 'POST', '/funds', {
					companyId,
					name: 'Taker Fund',
					custodygroupWithdraw: group,
					custodygroupTx: group,
					wallets: [
						{ asset: 'BTC', balance: 1_000_000 },
						{ asset: 'ETH', balance: 0 },
					],
				})
			).json;
			const wallets = fund.wallets as IDataObject[];
			return { companyId, btc: String(wallets.find((w) => w.asset === 'BTC')?.walletId), eth: String(wallets.find((w) => w.asset === 'ETH')?.walletId) };
		}

		it('make, add to the hub, list it (company and all), then take it from another company and read both sides', async () => {
			const [made] = await runJson(world, make());
			assert.equal(made.status, 'new');
			assert.match(String(made.partner_txID), /^[0-9a-f-]{36}$/);
			const swapId = String(made.tx_id);

			const [maker] = await runJson(world, partner('atomicSwap', 'get', { companyId: company(), side: 'make', txId: swapId }));
			assert.ok(JSON.stringify(maker).includes(swapId));

			await runJson(world, partner('liquidityHub', 'add', { companyId: company(), txId: swapId }));
			const listed = await runJson(world, partner('liquidityHub', 'getAll', { scope: 'company', companyId: company() }));
			assert.ok(listed.some((item) => item.tx_id === swapId), JSON.stringify(listed));
			const everywhere = await runJson(world, partner('liquidityHub', 'getAll', { scope: 'all' }));
			assert.ok(everywhere.some((item) => item.tx_id === swapId));
			assertApiError(await runError(world, partner('liquidityHub', 'add', { companyId: company(), txId: swapId })), 409);

			const taker = await takerCompany();
			// The Swap Offer picker: the taker is offered the swap, the maker is not offered its own.
			const offers = async (companyId: string) =>
				(await node.methods.listSearch.searchSwapOffers.call(loadOptionsContext(node, { parameters: { api: 'partnerApi', resource: 'atomicSwap', operation: 'take', companyId: byId(companyId) }, credentials: { qredoApi: world.credential } }))).results;
			const forTaker = (await offers(taker.companyId)).find((o) => o.value === swapId);
			assert.match(String(forTaker?.name), /^get 1000000 ETH for \d+ BTC \(/);
			assert.ok(!(await offers(world.seed.company.id)).some((o) => o.value === swapId));
			const [taken] = await runJson(
				world,
				partner('atomicSwap', 'take', { companyId: byId(taker.companyId), swapId, sendWalletId: taker.btc, receiveWalletId: taker.eth, reference: 'node-take' }),
			);
			assert.equal(taken.status, 'new');
			assert.equal(taken.swap_id, swapId);
			const [takeSide] = await runJson(world, partner('atomicSwap', 'get', { companyId: byId(taker.companyId), side: 'take', txId: String(taken.tx_id) }));
			assert.equal(takeSide.swap_id, swapId);
		});

		it('make: the same asset on both sides is Qredo’s 400; a bad amount is refused; take of an unknown swap is a 404', async () => {
			assertApiError(await runError(world, make({ receiveWalletId: world.seed.fund.wallets.ETH, receiveAsset: 'ETH' })), 400);
			assertInputError(await runError(world, make({ receiveAmount: '-5' })), 'Receive Amount');
			const error = await runError(
				world,
				partner('atomicSwap', 'take', { companyId: company(), swapId: 'NoSuchSwap', sendWalletId: world.seed.fund.wallets.BTC, receiveWalletId: world.seed.fund.wallets.ETH, reference: 'x' }),
			);
			assertApiError(error, 404);
		});

		it('cancel: an open swap is cancelled; cancelling again is a 409; get of an unknown swap is a 404', async () => {
			const [made] = await runJson(world, make({ expires: '' }));
			const txId = String(made.tx_id);
			// The Swap picker: Cancel offers only open swaps, Get every swap of the company.
			const swaps = async (operation: string) =>
				(await node.methods.listSearch.searchTransactions.call(loadOptionsContext(node, { parameters: { api: 'partnerApi', resource: 'atomicSwap', operation, companyId: company() }, credentials: { qredoApi: world.credential } }))).results.map((r) => r.value);
			assert.ok((await swaps('cancel')).includes(txId), 'an open swap can be picked to cancel');
			const [cancelled] = await runJson(world, partner('atomicSwap', 'cancel', { companyId: company(), txId }));
			assert.ok(!(await swaps('cancel')).includes(txId), 'a cancelled swap is not offered for cancelling');
			assert.ok((await swaps('get')).includes(txId), 'and is still offered to Get');
			assert.equal(cancelled.cancelled, true);
			assertApiError(await runError(world, partner('atomicSwap', 'cancel', { companyId: company(), txId })), 409);
			assertApiError(await runError(world, partner('atomicSwap', 'get', { companyId: company(), side: 'make', txId: 'NoSuchSwap' })), 404);
		});

		it('liquidity hub list of an unknown company is a 404', async () => {
			assertApiError(await runError(world, partner('liquidityHub', 'getAll', { scope: 'company', companyId: byId('NoSuchCompany') })), 404);
		});
	});
});
