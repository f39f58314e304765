/** The account a Qredo API v1 key is: its company (an organization account) or none (a personal account). */
import type { SandboxState } from '../governance';
import { notFound } from '../http';
import { walletOfCompany, walletsOfCompany } from '../access';
import type { Company, Fund, QapiKey, Wallet } from '../model';

export function companyOf(state: SandboxState, key: QapiKey): Company | undefined {
	return key.companyId ? state.companies.get(key.companyId) : undefined;
}

/** The account's wallets; a personal account holds none in the sandbox. */
export function accountWallets(state: SandboxState, key: QapiKey): Wallet[] {
	return key.companyId ? walletsOfCompany(state, key.companyId) : [];
}

export function accountFund(state: SandboxState, key: QapiKey, fundId: string): Fund {
	const fund = state.funds.get(fundId);
	if (!fund || !key.companyId || fund.companyId !== key.companyId) throw notFound('fund_id: no fund with this ID in this account');
	return fund;
}

export function accountWallet(state: SandboxState, key: QapiKey, walletId: string): Wallet {
	if (!key.companyId) throw notFound('wallet_id: no wallet with this ID in this account');
	return walletOfCompany(state, key.companyId, walletId);
}
