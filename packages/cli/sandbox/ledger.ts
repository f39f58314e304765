/** Money: fee quotes and the ledger as one list of movements (deposits, transfers, withdrawals, swap legs). */
import type { SandboxContext } from './context';
import type { SandboxState } from './governance';
import { badRequest } from './http';
import { chainHash, derivedId } from './ids';
import type { Movement, MovementType, Swap, SwapStatus, Wallet } from './model';

export type FeeType = 'withdraw' | 'transferOut' | 'swap';

export interface FeeQuote {
	/** What the recipient gets: the amount the client asked to send. */
	netAmount: number;
	/** What leaves the wallet: netAmount + fees. */
	amountToSend: number;
	fees: number;
}

/**
 * Qredo charges fees on top of the amount sent (swagger FeesResponse: amount 200000 → netAmount 200000,
 * amountToSend 200200, fees 200; TxInfo: amount 801 = net 800 + fees 1). The core state takes the gross amount and
 * derives fees from it, so this finds the smallest gross whose net is the amount asked for, with the state's own
 * fee table (net(gross) = gross − fee(gross) never decreases and grows by at most 1 per step, so it exists).
 */
export function quoteFees(state: SandboxState, type: FeeType, asset: string, netAmount: number, field = 'amount'): FeeQuote {
	const netOf = (gross: number) => gross - state.fees(type, asset, gross).fees;
	let gross = netAmount + state.fees(type, asset, netAmount).fees;
	while (netOf(gross) < netAmount) gross += 1;
	while (gross > netAmount && netOf(gross - 1) >= netAmount) gross -= 1;
	if (!Number.isSafeInteger(gross)) throw badRequest(`${field}: expected an amount whose total with fees is a safe integer`);
	return { netAmount, amountToSend: gross, fees: gross - netAmount };
}

/** The most a wallet can send when `available` base units may leave it. */
export function maxSendable(state: SandboxState, type: FeeType, asset: string, available: number): FeeQuote {
	if (available <= 0) return { netAmount: 0, amountToSend: 0, fees: 0 };
	const { fees } = state.fees(type, asset, available);
	const netAmount = Math.max(0, available - fees);
	return netAmount === 0 ? { netAmount: 0, amountToSend: 0, fees: 0 } : { netAmount, amountToSend: available, fees: available - netAmount };
}

/** 400 unless the wallet's unreserved balance covers amount + fees. */
export function requireAvailable(wallet: Wallet, quote: FeeQuote, field: string): void {
	const available = wallet.balance - wallet.pendingOut;
	if (quote.amountToSend > available) {
		throw badRequest(`${field}: expected amount + fees (${quote.amountToSend} base units) within the available balance of the wallet (${available} base units)`);
	}
}

/** Base units per whole coin, as Qredo reports `scale` (APITOOL README: BTC → 100000000). */
export function scaleMultiplier(state: SandboxState, asset: string): number {
	return 10 ** state.asset(asset).scale;
}

// ---- the ledger as movements ----

const OUTGOING: MovementType[] = ['withdraw', 'transferOut', 'swapOut'];

export function isOutgoing(movement: Movement): boolean {
	return OUTGOING.includes(movement.type);
}

/** Every ledger row of the sandbox (core ledger plus swap legs), newest first, optionally narrowed. */
export function movements(ctx: SandboxContext, filter: { companyId?: string; fundId?: string; walletId?: string } = {}): Movement[] {
	const { state } = ctx;
	const rows: Movement[] = [];
	state.ledger.forEach((entry, index) => {
		const wallet = state.wallets.get(entry.walletId);
		if (!wallet) return;
		const tx = entry.txId ? state.transactions.get(entry.txId) : undefined;
		const txId = entry.txId ?? derivedId('deposit', entry.walletId, String(entry.timestamp), String(entry.amount), String(index));
		const status = tx ? tx.status : 'approved';
		const settled = status === 'approved';
		rows.push({
			txId,
			walletId: entry.walletId,
			fundId: entry.fundId,
			companyId: wallet.companyId,
			type: entry.type,
			asset: entry.asset,
			amount: entry.amount,
			fees: entry.fees,
			netAmount: entry.netAmount,
			address: entry.address,
			counterpartyId: entry.counterpartyId ?? '',
			reference: entry.reference,
			benefitOf: tx?.benefitOf ?? '',
			accountNo: tx?.accountNo ?? '',
			timestamp: entry.timestamp,
			expires: tx?.expires ?? 0,
			status,
			settled,
			chainTxId: settled ? chainHash(entry.asset, txId, entry.type) : '',
		});
	});
	for (const swap of ctx.state.swaps.values()) rows.push(...swapMovements(state, swap));
	return rows
		.map((row, order) => ({ row, order }))
		.filter(({ row }) => (!filter.companyId || row.companyId === filter.companyId) && (!filter.fundId || row.fundId === filter.fundId) && (!filter.walletId || row.walletId === filter.walletId))
		.sort((a, b) => b.row.timestamp - a.row.timestamp || b.order - a.order)
		.map(({ row }) => row);
}

/** Swap legs in the ledger's status vocabulary (§3.1): a cancelled swap reads as rejected by its initiator. */
const SWAP_LEDGER_STATUS: Record<SwapStatus, Movement['status']> = { open: 'pending', taken: 'taker_approved', cancelled: 'initiate_rejected', expired: 'expired' };

function swapMovements(state: SandboxState, swap: Swap): Movement[] {
	const leg = (walletId: string, type: MovementType, asset: string, amount: number, fees: number, txId: string, counterpartyId: string, timestamp: number): Movement | undefined => {
		const wallet = state.wallets.get(walletId);
		if (!wallet) return undefined;
		const settled = swap.status === 'taken';
		return {
			txId,
			walletId,
			fundId: wallet.fundId,
			companyId: wallet.companyId,
			type,
			asset,
			amount,
			fees,
			netAmount: amount - fees,
			address: wallet.address,
			counterpartyId,
			reference: swap.reference,
			benefitOf: '',
			accountNo: '',
			timestamp,
			expires: swap.expires,
			status: SWAP_LEDGER_STATUS[swap.status],
			settled,
			chainTxId: settled ? chainHash(asset, txId, type) : '',
		};
	};
	const rows = [leg(swap.send.walletId, 'swapOut', swap.send.symbol, swap.send.gross, swap.send.fees, swap.id, swap.take?.receiveWalletId ?? '', swap.created)];
	const take = swap.take;
	if (take) {
		rows.push(
			leg(swap.receive.walletId, 'swapIn', swap.receive.symbol, swap.receive.amount, 0, swap.id, take.sendWalletId, take.created),
			leg(take.sendWalletId, 'swapOut', swap.receive.symbol, take.gross, take.fees, take.id, swap.receive.walletId, take.created),
			leg(take.receiveWalletId, 'swapIn', swap.send.symbol, swap.send.amount, 0, take.id, swap.send.walletId, take.created),
		);
	}
	return rows.filter((row): row is Movement => row !== undefined);
}

/** Incoming amounts not settled yet (pending transfers and swaps into the wallet). */
export function pendingIn(ctx: SandboxContext, walletId: string): number {
	let total = 0;
	for (const tx of ctx.state.transactions.values()) {
		if (tx.recipient.walletId === walletId && (tx.status === 'pending' || tx.status === 'pending_initiate')) total += tx.netAmount;
	}
	return total;
}
