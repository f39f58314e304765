/**
 * Partner API atomic swaps and the liquidity hub against the sandbox over real sockets (§3.1): make (reserving the
 * maker's amount + fees), take (both legs settle at once), cancel, expiry, idempotency, the hub, and validation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SandboxCredentials } from '../../../packages/cli/sandbox/seed';
import { type RunningSandbox, startSandbox } from '../../../packages/cli/sandbox/server';
import { admin, type PartnerIdentity, partnerSend, testClock, assertQredoError as assertError } from './helpers';

let sb: RunningSandbox;
let creds: SandboxCredentials;
let demo: PartnerIdentity;
let maker: string;
let taker: string;

const call = (method: string, path: string, body?: unknown) => partnerSend(demo, method, `${sb.urls.partner}${path}`, body === undefined ? '' : JSON.stringify(body));

const balanceOf = async (walletId: string): Promise<number> => (await call('GET', `/wallet/${walletId}`)).json.balance;
const availableOf = async (walletId: string): Promise<number> => (await call('GET', `/wallet/${walletId}/max?tx_type=swap`)).json.amountToSend;
const inTenMinutes = () => Math.floor(Date.now() / 1000) + 600;

/** The maker (demo treasury) offers ETH for BTC. */
const offer = (extra: Record<string, unknown> = {}) => ({
	send_wallet_id: creds.fund.wallets.ETH,
	receive_wallet_id: creds.fund.wallets.BTC,
	reference: 'swap-1',
	expires: inTenMinutes(),
	send: { symbol: 'ETH', amount: 1_000_000 },
	receive: { symbol: 'BTC', amount: 10_000 },
	...extra,
});

/** The taker (counterparty trading fund) pays BTC, receives ETH. */
const takeOf = (swapId: string, extra: Record<string, unknown> = {}) => ({
	swap_id: swapId,
	send_wallet_id: creds.counterparty.fund.wallets.BTC,
	receive_wallet_id: creds.counterparty.fund.wallets.ETH,
	reference: 'take-1',
	...extra,
});

before(async () => {
	sb = await startSandbox({ seed: 'demo', fundCreationIntervalMs: 100 });
	creds = sb.credentials as SandboxCredentials;
	demo = { apiKey: creds.partnerApi.apiKey, privateKey: creds.partnerApi.privateKeyPem };
	maker = `/company/${creds.company.id}`;
	taker = `/company/${creds.counterparty.company.id}`;
});
after(() => sb.stop());

describe('atomic swaps', () => {
	it('make → hub → take: both legs settle together, ledger shows the legs', async () => {
		const w = { makerEth: creds.fund.wallets.ETH, makerBtc: creds.fund.wallets.BTC, takerBtc: creds.counterparty.fund.wallets.BTC, takerEth: creds.counterparty.fund.wallets.ETH };
		const before = Object.fromEntries(await Promise.all(Object.entries(w).map(async ([k, id]) => [k, await balanceOf(id)] as const)));
		const made = await call('POST', `${maker}/atomicswap/make`, offer({ add_to_liquidity_hub: true }));
		assert.equal(made.status, 200, made.text);
		assert.equal(made.json.status, 'new');
		const swapId = made.json.tx_id;
		assert.ok(made.json.tx_url.endsWith(`/atomicswap/make/${swapId}`));

		const details = (await call('GET', `${maker}/atomicswap/make/${swapId}`)).json;
		assert.equal(details.status, 'pending');
		assert.deepEqual(details.send, { symbol: 'ETH', amount: 1_000_000 });
		assert.equal(details.amount_to_send, 1_000_000 + details.fees);
		assert.equal(details.in_liquidity_hub, true);
		assert.equal(await availableOf(w.makerEth), before.makerEth - details.amount_to_send, 'amount + fees reserved');

		const ownHub = (await call('GET', `${maker}/liquidityhub`)).json.items;
		assert.deepEqual(
			ownHub.map((i: { tx_id: string; owner: boolean }) => [i.tx_id, i.owner]),
			[[swapId, true]],
		);
		assert.equal((await call('GET', `${taker}/liquidityhub`)).json.items[0].owner, false);
		const global = (await call('GET', '/liquidityhub')).json.items[0];
		assert.deepEqual(Object.keys(global).sort(), ['added', 'expires', 'owner', 'receive_amount', 'receive_asset', 'send_amount', 'send_asset', 'tx_id']);
		assertError(await call('POST', `${maker}/liquidityhub`, { tx_id: swapId }), 409, 'tx_id');

		const took = await call('POST', `${taker}/atomicswap/take`, takeOf(swapId));
		assert.equal(took.status, 200, took.text);
		assert.equal(took.json.status, 'new');
		const take = (await call('GET', `${taker}/atomicswap/take/${took.json.tx_id}`)).json;
		assert.equal(take.swap_id, swapId);
		assert.equal(take.status, 'taker_approved');
		assert.equal(take.amount_to_send, 10_000 + take.fees);

		assert.equal(await balanceOf(w.makerEth), before.makerEth - details.amount_to_send);
		assert.equal(await balanceOf(w.makerBtc), before.makerBtc + 10_000);
		assert.equal(await balanceOf(w.takerBtc), before.takerBtc - take.amount_to_send);
		assert.equal(await balanceOf(w.takerEth), before.takerEth + 1_000_000);
		const after = (await call('GET', `${maker}/atomicswap/make/${swapId}`)).json;
		assert.equal(after.status, 'taker_approved');
		assert.equal(after.taker_tx_id, took.json.tx_id);
		assert.deepEqual((await call('GET', `${maker}/liquidityhub`)).json.items, [], 'taken swaps leave the hub');

		const ledger = (await call('GET', `${maker}/fund/${creds.fund.id}/ledger`)).json.List.filter((r: { TxID: string }) => r.TxID === swapId);
		assert.deepEqual(ledger.map((r: { type: string; asset: string; status: string }) => [r.type, r.asset, r.status]).sort(), [
			['swapIn', 'BTC', 'taker_approved'],
			['swapOut', 'ETH', 'taker_approved'],
		]);

		assertError(await call('POST', `${taker}/atomicswap/take`, takeOf(swapId, { reference: 'again' })), 409, 'swap_id');
		assertError(await call('DELETE', `${maker}/atomicswap/make/${swapId}`), 409, 'tx_id');
	});

	it('cancel (202) releases the reservation; a cancelled swap cannot be taken', async () => {
		const available = await availableOf(creds.fund.wallets.ETH);
		const swapId = (await call('POST', `${maker}/atomicswap/make`, offer({ reference: 'to-cancel' }))).json.tx_id;
		assert.ok((await availableOf(creds.fund.wallets.ETH)) < available);
		const cancelled = await call('DELETE', `${maker}/atomicswap/make/${swapId}`);
		assert.equal(cancelled.status, 202, cancelled.text);
		assert.equal(await availableOf(creds.fund.wallets.ETH), available);
		assert.equal((await call('GET', `${maker}/atomicswap/make/${swapId}`)).json.status, 'cancelled');
		assertError(await call('POST', `${taker}/atomicswap/take`, takeOf(swapId)), 409, 'swap_id');
		assertError(await call('POST', `${maker}/liquidityhub`, { tx_id: swapId }), 409, 'tx_id');
	});

	it('adds an open swap to the liquidity hub later', async () => {
		const swapId = (await call('POST', `${maker}/atomicswap/make`, offer({ reference: 'hub-later' }))).json.tx_id;
		assert.deepEqual((await call('POST', `${maker}/liquidityhub`, { tx_id: swapId })).json, { code: 200, msg: 'OK' });
		assert.ok((await call('GET', '/liquidityhub')).json.items.some((i: { tx_id: string }) => i.tx_id === swapId));
		assertError(await call('POST', `${taker}/liquidityhub`, { tx_id: swapId }), 404, 'tx_id');
		assertError(await call('POST', `${maker}/liquidityhub`, {}), 400, 'tx_id');
		assertError(await call('GET', '/company/unknown/liquidityhub'), 404, 'company_id');
	});

	it('is idempotent with partner_txID', async () => {
		const body = offer({ reference: 'idem', partner_txID: 'swap-order-1' });
		const first = await call('POST', `${maker}/atomicswap/make`, body);
		const retry = await call('POST', `${maker}/atomicswap/make`, body);
		assert.equal(retry.json.tx_id, first.json.tx_id);
		assert.equal(retry.json.status, 'existing');
		assertError(await call('POST', `${maker}/atomicswap/make`, { ...body, receive: { symbol: 'BTC', amount: 1 } }), 409, 'partner_txID');
	});

	it('validates make and take requests', async () => {
		assertError(await call('POST', `${maker}/atomicswap/make`, offer({ reference: undefined })), 400, 'reference');
		assertError(await call('POST', `${maker}/atomicswap/make`, offer({ send_wallet_id: 'unknown' })), 404, 'send_wallet_id');
		assertError(await call('POST', `${maker}/atomicswap/make`, offer({ receive: { symbol: 'ETH', amount: 1 } })), 400, 'receive.symbol');
		assertError(
			await call('POST', `${maker}/atomicswap/make`, offer({ receive_wallet_id: creds.operationsFund.wallets.ETH, receive: { symbol: 'ETH', amount: 1 } })),
			400,
			'receive.symbol',
		);
		assertError(await call('POST', `${maker}/atomicswap/make`, offer({ send: { symbol: 'ETH', amount: -3 } })), 400, 'send.amount');
		assertError(await call('POST', `${maker}/atomicswap/make`, offer({ send: { symbol: 'ETH', amount: 10 ** 15 } })), 400, 'send.amount');
		assertError(await call('POST', `${maker}/atomicswap/make`, offer({ expires: 1000 })), 400, 'expires');
		assertError(await call('POST', `${maker}/atomicswap/make`, offer({ add_to_liquidity_hub: 'yes' })), 400, 'add_to_liquidity_hub');

		const swapId = (await call('POST', `${maker}/atomicswap/make`, offer({ reference: 'validation' }))).json.tx_id;
		assertError(await call('POST', `${maker}/atomicswap/take`, takeOf(swapId, { send_wallet_id: creds.fund.wallets.BTC, receive_wallet_id: creds.operationsFund.wallets.ETH })), 400, 'swap_id');
		assertError(await call('POST', `${taker}/atomicswap/take`, takeOf(swapId, { send_wallet_id: creds.counterparty.fund.wallets.ETH })), 400, 'send_wallet_id');
		assertError(await call('POST', `${taker}/atomicswap/take`, takeOf(swapId, { receive_wallet_id: creds.counterparty.fund.wallets.BTC })), 400, 'receive_wallet_id');
		assertError(await call('POST', `${taker}/atomicswap/take`, takeOf(swapId, { send_wallet_id: creds.fund.wallets.BTC })), 404, 'send_wallet_id');
		assertError(await call('POST', `${taker}/atomicswap/take`, takeOf('unknown')), 404, 'swap_id');
		assertError(await call('POST', `${taker}/atomicswap/take`, takeOf(swapId, { reference: '' })), 400, 'reference');
		assertError(await call('GET', `${taker}/atomicswap/make/${swapId}`), 404, 'tx_id');
		assertError(await call('GET', `${maker}/atomicswap/take/unknown`), 404, 'tx_id');
	});

	it('is forgotten by an admin reset, like every transaction', async () => {
		const swapId = (await call('POST', `${maker}/atomicswap/make`, offer({ reference: 'before-reset', partner_txID: 'reset-1' }))).json.tx_id;
		assert.equal((await admin(sb, 'POST', '/reset')).status, 200);
		assertError(await call('GET', `${maker}/atomicswap/make/${swapId}`), 404, 'tx_id');
		assert.equal(await availableOf(creds.fund.wallets.ETH), await balanceOf(creds.fund.wallets.ETH), 'no reservation left');
		const again = await call('POST', `${maker}/atomicswap/make`, offer({ reference: 'before-reset', partner_txID: 'reset-1' }));
		assert.equal(again.json.status, 'new', 'the partner_txID is free again');
	});

	it('expires an open swap once the sandbox clock passes `expires`, releasing the reservation', async () => {
		const clock = testClock();
		const local = await startSandbox({ seed: 'demo', clock });
		try {
			const c = local.credentials as SandboxCredentials;
			const who = { apiKey: c.partnerApi.apiKey, privateKey: c.partnerApi.privateKeyPem };
			const at = (method: string, path: string, body?: unknown) =>
				partnerSend(who, method, `${local.urls.partner}${path}`, body === undefined ? '' : JSON.stringify(body), { timestamp: clock.seconds() });
			const max = async () => (await at('GET', `/wallet/${c.fund.wallets.ETH}/max?tx_type=swap`)).json.amountToSend;
			const full = await max();
			const made = await at('POST', `/company/${c.company.id}/atomicswap/make`, {
				send_wallet_id: c.fund.wallets.ETH,
				receive_wallet_id: c.fund.wallets.BTC,
				reference: 'short-lived',
				expires: clock.seconds() + 30,
				send: { symbol: 'ETH', amount: 500 },
				receive: { symbol: 'BTC', amount: 5 },
			});
			assert.equal(made.status, 200, made.text);
			assert.ok((await max()) < full);
			clock.advance(31_000);
			assert.equal((await at('GET', `/company/${c.company.id}/atomicswap/make/${made.json.tx_id}`)).json.status, 'expired');
			assert.equal(await max(), full);
		} finally {
			await local.stop();
		}
	});
});
