/**
 * Partner API wallets by ID (§3.1): wallet info, settled history since a time, and the most the wallet can send.
 */
import type { SandboxContext } from '../context';
import { partnerWallet } from '../access';
import { type FeeType, isOutgoing, maxSendable, movements } from '../ledger';
import { walletInfoView } from '../views';
import { queryBoolean, queryEnum, queryInteger } from '../query';
import { PARTNER_BASE, type Router } from '../router';

const TX_TYPES: readonly FeeType[] = ['withdraw', 'transferOut', 'swap'];

export function register(router: Router, ctx: SandboxContext): void {
	const W = `${PARTNER_BASE}/wallet/:wallet_id`;

	router.get(W, 'partner', (req) => walletInfoView(ctx, partnerWallet(ctx, req.principal, req.params.wallet_id)));

	router.get(`${W}/history`, 'partner', (req) => {
		const wallet = partnerWallet(ctx, req.principal, req.params.wallet_id);
		const since = queryInteger(req.query, 'since') ?? 0;
		// Settled movements only; the swagger's signs: sent positive, received negative, fees paid negative.
		const history = movements(ctx, { walletId: wallet.id })
			.filter((row) => row.settled && row.timestamp >= since)
			.map((row) => {
				const sign = isOutgoing(row) ? 1 : -1;
				return {
					wallet_id: row.walletId,
					tx_id: row.txId,
					chain_tx_id: row.chainTxId,
					asset: row.asset,
					amount: sign * row.amount,
					fee: -row.fees,
					net_amount: sign * row.netAmount,
					timestamp: row.timestamp,
				};
			});
		return { history };
	});

	router.get(`${W}/max`, 'partner', (req) => {
		const wallet = partnerWallet(ctx, req.principal, req.params.wallet_id);
		// pending=true counts what pending outgoing transactions have reserved (the default: that is what can leave).
		const countPending = queryBoolean(req.query, 'pending') ?? true;
		const txType = queryEnum(req.query, 'tx_type', TX_TYPES) ?? 'transferOut';
		const available = wallet.balance - (countPending ? wallet.pendingOut : 0);
		return maxSendable(ctx.state, txType, wallet.asset, available);
	});
}
