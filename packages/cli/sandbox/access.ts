/**
 * Who may touch what on the Partner API: a key manages the companies it created and those made outside the Partner
 * API; wallets and funds are found within a company.
 */
import type { SandboxContext } from './context';
import type { SandboxState } from './governance';
import { forbidden, notFound } from './http';
import type { Company, Fund, PartnerKey, Wallet } from './model';

/**
 * The company, if this Partner API key may manage it: companies it created, and companies made outside the Partner
 * API (seed, admin API), which belong to no key. Another key's company is 403: it exists, and it is not yours.
 */
export function partnerCompany(ctx: SandboxContext, key: PartnerKey, companyId: string): Company {
	const company = ctx.state.companies.get(companyId);
	if (!company) throw notFound('company_id: no company with this ID');
	if (!partnerMayManage(ctx, key, companyId)) throw forbidden('company_id: this company is managed by another Partner API key');
	return company;
}

export function partnerMayManage(ctx: SandboxContext, key: PartnerKey, companyId: string): boolean {
	const owner = ctx.state.companyOwners.get(companyId);
	return owner === undefined || owner === key.keyId;
}

/** A wallet reached by ID alone (/wallet/{id}); another partner's wallet is not confirmed to exist. */
export function partnerWallet(ctx: SandboxContext, key: PartnerKey, walletId: string): Wallet {
	const wallet = ctx.state.wallets.get(walletId);
	if (!wallet || !partnerMayManage(ctx, key, wallet.companyId)) throw notFound('wallet_id: no wallet with this ID for this API key');
	return wallet;
}

export function walletOfFund(state: SandboxState, fund: Fund, walletId: string, field = 'wallet_id'): Wallet {
	const wallet = state.wallets.get(walletId);
	if (!wallet || wallet.fundId !== fund.id) throw notFound(`${field}: no wallet with this ID in this fund`);
	return wallet;
}

export function walletOfCompany(state: SandboxState, companyId: string, walletId: string, field = 'wallet_id'): Wallet {
	const wallet = state.wallets.get(walletId);
	if (!wallet || wallet.companyId !== companyId) throw notFound(`${field}: no wallet with this ID in this company`);
	return wallet;
}

export function walletsOfCompany(state: SandboxState, companyId: string): Wallet[] {
	return [...state.wallets.values()].filter((w) => w.companyId === companyId);
}

export function fundsOfCompany(state: SandboxState, companyId: string): Fund[] {
	return [...state.funds.values()].filter((f) => f.companyId === companyId);
}
