/**
 * Partner API atomic swaps and the liquidity hub (§3.1). A maker offers `send` for `receive`; the send amount plus
 * the swap fee is reserved on the maker's wallet until a taker takes it, the maker cancels, or it expires. Taking
 * settles both legs at once.
 *
 * Deliberately simpler than Qredo: swaps are put to no custody group (the core governance knows transfers and
 * withdrawals only), so make and take need no approvals; the legs appear in the ledger as swapOut / swapIn.
 */
import { originOf, type SandboxContext } from '../context';
import { badRequest, conflict, notFound, ok, optionalBoolean, optionalString, requireString } from '../http';
import { newId } from '../ids';
import { partnerCompany, partnerMayManage, walletOfCompany } from '../access';
import { rememberRequest, replayOf } from '../idempotency';
import { quoteFees, requireAvailable } from '../ledger';
import type { Swap, SwapStatus } from '../model';
import { readAssetAmount, readExpires, requireFutureExpiry } from '../readers';
import { PARTNER_BASE, type Router } from '../router';

const TEXT = { maxLength: 256 };

/** Swap status on the wire, in the vocabulary of the §3.1 ledger statuses. */
const SWAP_WIRE_STATUS: Record<SwapStatus, string> = { open: 'pending', taken: 'taker_approved', cancelled: 'cancelled', expired: 'expired' };

function makeView(swap: Swap) {
	return {
		tx_id: swap.id,
		status: SWAP_WIRE_STATUS[swap.status],
		reference: swap.reference,
		partner_txID: swap.partnerTxId,
		send_wallet_id: swap.send.walletId,
		receive_wallet_id: swap.receive.walletId,
		send: { symbol: swap.send.symbol, amount: swap.send.amount },
		receive: { symbol: swap.receive.symbol, amount: swap.receive.amount },
		fees: swap.send.fees,
		amount_to_send: swap.send.gross,
		created: swap.created,
		expires: swap.expires,
		in_liquidity_hub: swap.liquidityHubAdded !== undefined,
		taker_tx_id: swap.take?.id ?? '',
	};
}

function hubItem(swap: Swap, owner: boolean) {
	return {
		tx_id: swap.id,
		send_asset: swap.send.symbol,
		send_amount: swap.send.amount,
		receive_asset: swap.receive.symbol,
		receive_amount: swap.receive.amount,
		owner,
		added: swap.liquidityHubAdded ?? 0,
		expires: swap.expires,
	};
}

export function register(router: Router, ctx: SandboxContext): void {
	const { state } = ctx;
	const C = `${PARTNER_BASE}/company/:company_id`;

	const hubSwaps = () => [...ctx.state.swaps.values()].filter((s) => s.status === 'open' && s.liquidityHubAdded !== undefined);

	/** A swap this company made; another company's swap is not confirmed to exist. */
	const ownSwap = (companyId: string, txId: string): Swap => {
		const swap = ctx.state.swaps.get(txId);
		if (!swap || swap.companyId !== companyId) throw notFound('tx_id: no atomic swap with this ID made by this company');
		return swap;
	};

	router.post(`${C}/atomicswap/make`, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		const body = req.json();
		const request = {
			send_wallet_id: requireString(body, 'send_wallet_id'),
			receive_wallet_id: requireString(body, 'receive_wallet_id'),
			reference: requireString(body, 'reference', TEXT),
			expires: readExpires(body, false),
			send: readAssetAmount(state, body, 'send'),
			receive: readAssetAmount(state, body, 'receive'),
			add_to_liquidity_hub: optionalBoolean(body, 'add_to_liquidity_hub') ?? false,
		};
		const partnerTxId = optionalString(body, 'partner_txID', TEXT) || undefined;
		const txUrl = (id: string) => `${originOf(req.url)}${PARTNER_BASE}/company/${company.id}/atomicswap/make/${id}`;
		const existing = replayOf(ctx, company.id, 'swap', partnerTxId, request);
		if (existing) return { tx_id: existing, tx_url: txUrl(existing), status: 'existing' };

		const expires = request.expires ?? ctx.nowSeconds() + ctx.options.actionTtlSeconds;
		requireFutureExpiry(ctx, expires);
		const sendWallet = walletOfCompany(state, company.id, request.send_wallet_id, 'send_wallet_id');
		const receiveWallet = walletOfCompany(state, company.id, request.receive_wallet_id, 'receive_wallet_id');
		if (request.send.symbol !== sendWallet.asset) throw badRequest(`send.symbol: expected ${sendWallet.asset}, the asset of send_wallet_id`);
		if (request.receive.symbol !== receiveWallet.asset) throw badRequest(`receive.symbol: expected ${receiveWallet.asset}, the asset of receive_wallet_id`);
		if (request.send.symbol === request.receive.symbol) throw badRequest('receive.symbol: expected another asset than send.symbol');
		const quote = quoteFees(state, 'swap', sendWallet.asset, request.send.amount, 'send.amount');
		requireAvailable(sendWallet, quote, 'send.amount');

		const now = ctx.nowSeconds();
		const swap: Swap = {
			id: newId.entity(),
			companyId: company.id,
			reference: request.reference,
			partnerTxId: partnerTxId ?? '',
			created: now,
			expires,
			send: { walletId: sendWallet.id, symbol: sendWallet.asset, amount: request.send.amount, fees: quote.fees, gross: quote.amountToSend },
			receive: { walletId: receiveWallet.id, symbol: receiveWallet.asset, amount: request.receive.amount },
			status: 'open',
			liquidityHubAdded: request.add_to_liquidity_hub ? now : undefined,
		};
		sendWallet.pendingOut += swap.send.gross;
		ctx.state.swaps.set(swap.id, swap);
		rememberRequest(ctx, company.id, 'swap', partnerTxId, request, swap.id);
		return { tx_id: swap.id, tx_url: txUrl(swap.id), status: 'new' };
	});

	router.get(`${C}/atomicswap/make/:tx_id`, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		return makeView(ownSwap(company.id, req.params.tx_id));
	});

	router.delete(`${C}/atomicswap/make/:tx_id`, 'partner', (req) => {
		req.requireNoBody();
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		const swap = ownSwap(company.id, req.params.tx_id);
		if (swap.status !== 'open') throw conflict(`tx_id: expected an open swap; this one is ${SWAP_WIRE_STATUS[swap.status]}`);
		ctx.state.closeSwap(swap, 'cancelled');
		return ok(202);
	});

	router.post(`${C}/atomicswap/take`, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		const body = req.json();
		const request = {
			swap_id: requireString(body, 'swap_id'),
			send_wallet_id: requireString(body, 'send_wallet_id'),
			receive_wallet_id: requireString(body, 'receive_wallet_id'),
			reference: requireString(body, 'reference', TEXT),
		};
		const partnerTxId = optionalString(body, 'partner_txID', TEXT) || undefined;
		const existing = replayOf(ctx, company.id, 'swap take', partnerTxId, request);
		if (existing) return { tx_id: existing, status: 'existing' };

		const store = ctx.state;
		const swap = store.swaps.get(request.swap_id);
		if (!swap) throw notFound('swap_id: no atomic swap with this ID');
		if (swap.status !== 'open') throw conflict(`swap_id: expected an open swap; this one is ${SWAP_WIRE_STATUS[swap.status]}`);
		if (swap.companyId === company.id) throw badRequest('swap_id: expected a swap made by another company (a maker cannot take its own swap)');
		const takerSend = walletOfCompany(state, company.id, request.send_wallet_id, 'send_wallet_id');
		const takerReceive = walletOfCompany(state, company.id, request.receive_wallet_id, 'receive_wallet_id');
		if (takerSend.asset !== swap.receive.symbol) throw badRequest(`send_wallet_id: expected a wallet holding ${swap.receive.symbol}, the asset the maker asks for`);
		if (takerReceive.asset !== swap.send.symbol) throw badRequest(`receive_wallet_id: expected a wallet holding ${swap.send.symbol}, the asset the maker offers`);
		const quote = quoteFees(state, 'swap', takerSend.asset, swap.receive.amount, 'swap_id');
		requireAvailable(takerSend, quote, 'send_wallet_id');
		const makerSend = state.wallet(swap.send.walletId);
		const makerReceive = state.wallet(swap.receive.walletId);

		// Both legs settle together: that is what makes the swap atomic.
		makerSend.pendingOut -= swap.send.gross;
		makerSend.balance -= swap.send.gross;
		takerReceive.balance += swap.send.amount;
		takerSend.balance -= quote.amountToSend;
		makerReceive.balance += swap.receive.amount;
		const now = ctx.nowSeconds();
		swap.take = {
			id: newId.entity(),
			companyId: company.id,
			sendWalletId: takerSend.id,
			receiveWalletId: takerReceive.id,
			reference: request.reference,
			partnerTxId: partnerTxId ?? '',
			gross: quote.amountToSend,
			fees: quote.fees,
			created: now,
		};
		swap.status = 'taken';
		swap.closedAt = now;
		swap.liquidityHubAdded = undefined;
		store.swapTakes.set(swap.take.id, swap);
		rememberRequest(ctx, company.id, 'swap take', partnerTxId, request, swap.take.id);
		return { tx_id: swap.take.id, status: 'new' };
	});

	router.get(`${C}/atomicswap/take/:tx_id`, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		const swap = ctx.state.swapTakes.get(req.params.tx_id);
		const take = swap?.take;
		if (!swap || !take || take.companyId !== company.id) throw notFound('tx_id: no swap take with this ID by this company');
		return {
			tx_id: take.id,
			swap_id: swap.id,
			status: SWAP_WIRE_STATUS[swap.status],
			reference: take.reference,
			partner_txID: take.partnerTxId,
			send_wallet_id: take.sendWalletId,
			receive_wallet_id: take.receiveWalletId,
			send: { symbol: swap.receive.symbol, amount: swap.receive.amount },
			receive: { symbol: swap.send.symbol, amount: swap.send.amount },
			fees: take.fees,
			amount_to_send: take.gross,
			created: take.created,
		};
	});

	router.get(`${C}/liquidityhub`, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		return { items: hubSwaps().map((s) => hubItem(s, s.companyId === company.id)) };
	});

	router.post(`${C}/liquidityhub`, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		const swap = ownSwap(company.id, requireString(req.json(), 'tx_id'));
		if (swap.status !== 'open') throw conflict(`tx_id: expected an open swap; this one is ${SWAP_WIRE_STATUS[swap.status]}`);
		if (swap.liquidityHubAdded !== undefined) throw conflict('tx_id: the swap is already in the liquidity hub');
		swap.liquidityHubAdded = ctx.nowSeconds();
		return ok();
	});

	router.get(`${PARTNER_BASE}/liquidityhub`, 'partner', (req) => ({
		items: hubSwaps().map((s) => hubItem(s, partnerMayManage(ctx, req.principal, s.companyId))),
	}));
}
