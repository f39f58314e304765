/**
 * Partner API transfers and withdrawals (§3.1): create through the framework's governance (`createTransaction`:
 * the wallet's custody group, else the fund's, decides) and read back TxInfo with the live approval state.
 * `partner_txID` makes a create idempotent: the same request again answers the same tx_id with status "existing".
 * `send.amount` is what the recipient gets; amount + fees leave the wallet (see quoteFees).
 */
import type { SandboxContext } from '../context';
import { badRequest, type JsonObject, notFound, optionalString, requireString } from '../http';
import { partnerCompany, walletOfCompany } from '../access';
import { rememberRequest, replayOf } from '../idempotency';
import { quoteFees, requireAvailable } from '../ledger';
import type { Company, Initiator, Wallet } from '../model';
import { readAssetAmount, readExpires, requireFutureExpiry, sameAddress } from '../readers';
import { txInfoView } from '../views';
import { PARTNER_BASE, type Router } from '../router';

const TEXT = { maxLength: 256 };

/** The fields transfers and withdrawals share, in a fixed order (the idempotency fingerprint depends on it). */
function readCommon(ctx: SandboxContext, body: JsonObject) {
	return {
		wallet_id: requireString(body, 'wallet_id'),
		reference: optionalString(body, 'reference', TEXT) ?? '',
		benefit_of: optionalString(body, 'benefit_of', TEXT) ?? '',
		account_no: optionalString(body, 'account_no', TEXT) ?? '',
		expires: readExpires(body, true) as number,
		send: readAssetAmount(ctx.state, body, 'send'),
	};
}

/**
 * What a transfer and a withdrawal check first: a repeated partner_txID with the same request answers with the
 * transaction it created; otherwise the expiry must lie ahead and the wallet must be the company's and hold the asset.
 */
function openMovement(
	ctx: SandboxContext,
	company: Company,
	kind: 'transfer' | 'withdrawal',
	body: JsonObject,
	request: ReturnType<typeof readCommon>,
): { existing: string } | { wallet: Wallet; partnerTxId: string | undefined } {
	const partnerTxId = optionalString(body, 'partner_txID', TEXT) || undefined;
	const existing = replayOf(ctx, company.id, kind, partnerTxId, request);
	if (existing) return { existing };
	requireFutureExpiry(ctx, request.expires);
	const wallet = walletOfCompany(ctx.state, company.id, request.wallet_id);
	if (request.send.symbol !== wallet.asset) throw badRequest(`send.symbol: expected ${wallet.asset}, the asset of wallet_id`);
	return { wallet, partnerTxId };
}

function initiatorFor(company: Company): Initiator {
	return { kind: 'partner', id: company.id, name: company.name };
}

/** The transaction fields a transfer and a withdrawal fill alike, from the company, the wallet and the request. */
function movementFields(company: Company, wallet: Wallet, amount: number, request: ReturnType<typeof readCommon>, partnerTxId: string | undefined) {
	return {
		companyId: company.id,
		walletId: wallet.id,
		amount,
		asset: wallet.asset,
		reference: request.reference,
		benefitOf: request.benefit_of,
		accountNo: request.account_no,
		partnerTxId,
		expires: request.expires,
		initiator: initiatorFor(company),
	};
}

export function register(router: Router, ctx: SandboxContext): void {
	const { state } = ctx;
	const C = `${PARTNER_BASE}/company/:company_id`;

	router.post(`${C}/transfer`, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		const body = req.json();
		const request = {
			...readCommon(ctx, body),
			counterparty_wallet_address: requireString(body, 'counterparty_wallet_address'),
			authorize_id: optionalString(body, 'authorize_id') || undefined,
		};
		const opened = openMovement(ctx, company, 'transfer', body, request);
		if ('existing' in opened) return { tx_id: opened.existing, status: 'existing' };
		const { wallet, partnerTxId } = opened;
		const target = request.counterparty_wallet_address;
		const counterparty = state.wallets.get(target) ?? [...state.wallets.values()].find((w) => w.shortCode === target);
		if (!counterparty) throw badRequest('counterparty_wallet_address: expected the ID or short code of a Qredo wallet');
		if (counterparty.id === wallet.id) throw badRequest('counterparty_wallet_address: expected a wallet other than wallet_id');
		if (counterparty.asset !== wallet.asset) throw badRequest(`counterparty_wallet_address: expected a wallet holding ${wallet.asset}, the asset of wallet_id`);
		if (request.authorize_id !== undefined && state.agents.get(request.authorize_id)?.status !== 'active') {
			throw badRequest('authorize_id: expected the ID of a registered core client');
		}
		const quote = quoteFees(state, 'transferOut', wallet.asset, request.send.amount, 'send.amount');
		requireAvailable(wallet, quote, 'send.amount');
		const tx = state.createTransaction({
			...movementFields(company, wallet, quote.amountToSend, request, partnerTxId),
			type: 'transfer',
			recipient: counterparty.id,
			recipientName: counterparty.name,
			authorizer: request.authorize_id,
		});
		rememberRequest(ctx, company.id, 'transfer', partnerTxId, request, tx.id);
		return { tx_id: tx.id, status: 'new' };
	});

	router.post(`${C}/withdraw`, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		const body = req.json();
		const request = { ...readCommon(ctx, body), address: requireString(body, 'address', { maxLength: 128 }) };
		const opened = openMovement(ctx, company, 'withdrawal', body, request);
		if ('existing' in opened) return { tx_id: opened.existing, status: 'existing' };
		const { wallet, partnerTxId } = opened;
		const fund = state.fund(wallet.fundId);
		const whitelisted = fund.whitelist.find((w) => w.asset === wallet.asset && sameAddress(w.asset, w.address, request.address));
		if (!whitelisted) throw badRequest('address: expected an address on the whitelist of the fund of wallet_id for this asset');
		const quote = quoteFees(state, 'withdraw', wallet.asset, request.send.amount, 'send.amount');
		requireAvailable(wallet, quote, 'send.amount');
		const tx = state.createTransaction({
			...movementFields(company, wallet, quote.amountToSend, request, partnerTxId),
			type: 'withdraw',
			// The address as whitelisted, so the state's own whitelist check sees the same string.
			recipient: whitelisted.address,
			recipientName: whitelisted.name || undefined,
		});
		rememberRequest(ctx, company.id, 'withdrawal', partnerTxId, request, tx.id);
		return { tx_id: tx.id, status: 'new' };
	});

	for (const [path, type, noun] of [
		['transfer', 'transfer', 'transfer'],
		['withdraw', 'withdraw', 'withdrawal'],
	] as const) {
		router.get(`${C}/${path}/:tx_id`, 'partner', (req) => {
			const company = partnerCompany(ctx, req.principal, req.params.company_id);
			const tx = state.transactions.get(req.params.tx_id);
			if (!tx || tx.companyId !== company.id || tx.type !== type) throw notFound(`tx_id: no ${noun} with this ID in this company`);
			return txInfoView(state, tx);
		});
	}
}
