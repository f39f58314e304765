/** partner_txID: a repeated request with the same ID returns the transaction it created instead of a second one. */
import type { SandboxContext } from './context';
import { conflict } from './http';

export type IdempotentKind = 'transfer' | 'withdrawal' | 'swap' | 'swap take';

/**
 * The transaction an earlier request with this `partner_txID` created, when the request is the same: the client is
 * retrying. The same partner_txID with another request is a client bug (409).
 */
export function replayOf(ctx: SandboxContext, companyId: string, kind: IdempotentKind, partnerTxId: string | undefined, request: object): string | undefined {
	if (!partnerTxId) return undefined;
	const seen = ctx.state.idempotency.get(`${companyId}\u0000${kind}\u0000${partnerTxId}`);
	if (!seen) return undefined;
	if (seen.fingerprint !== JSON.stringify(request)) {
		throw conflict(`partner_txID: already used by this company for a different ${kind}; expected the same request to retry, or a new partner_txID`);
	}
	return seen.txId;
}

export function rememberRequest(ctx: SandboxContext, companyId: string, kind: IdempotentKind, partnerTxId: string | undefined, request: object, txId: string): void {
	if (!partnerTxId) return;
	ctx.state.idempotency.set(`${companyId}\u0000${kind}\u0000${partnerTxId}`, { txId, fingerprint: JSON.stringify(request) });
}
