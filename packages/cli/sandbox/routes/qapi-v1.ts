/**
 * Qredo API v1 (§3.2, HMAC §1.1), the reporting side: read-only account, balance, funds, ledger, trusted parties,
 * wallet history, and the approvals of a transaction (a transfer's or withdrawal's custody actions; a Web3
 * transaction's are in qapi-v1-web3.ts, with the rest of the Web3 API).
 *
 * A qapi key with a company is an organization account; one without is a personal account, which owns no wallets in
 * the sandbox. Amounts are base units throughout, with `scale` (base units per coin) where the swagger has it.
 */
import type { SandboxContext } from '../context';
import type { SandboxState } from '../governance';
import { forbidden, notFound } from '../http';
import { custodyGroupId } from '../ids';
import { fundsOfCompany } from '../access';
import { movements, pendingIn, scaleMultiplier } from '../ledger';
import type { CustodyGroup, Fund, Movement, Transaction } from '../model';
import { queryBoolean } from '../query';
import { QAPI_BASE, type Router } from '../router';
import { approversOf, entityView, fundMembers, walletInfoView } from '../views';
import { accountFund, accountWallet, accountWallets, companyOf } from './qapi-v1-account';
import { web3Approvals } from './qapi-v1-web3';

/** qapi ledger TxType (§3.2): 1 Withdraw, 2 Transfer, 3 Swap, 6 Deposit. */
const LEDGER_TYPE: Record<Movement['type'], number> = { withdraw: 1, transferIn: 2, transferOut: 2, swapIn: 3, swapOut: 3, deposit: 6 };


function qapiPolicy(state: SandboxState, id: string, name: string, group: CustodyGroup, fund: Fund) {
	return {
		id,
		name,
		threshold: group.threshold,
		membersCount: group.members.length,
		members: group.members.map((m) => ({ dedicated: false, entity: [entityView(state, m)] })),
		entityID: fund.companyId,
		funds: [fund.id],
		fundsCount: 1,
		walletCount: fund.walletIds.length,
		dedicatedWalletCount: 0,
		locked: false,
		lockedTxID: '',
	};
}

function fundInfoView(ctx: SandboxContext, fund: Fund) {
	const { state } = ctx;
	const withdrawId = custodyGroupId(fund.id, 'withdraw');
	const txId = custodyGroupId(fund.id, 'tx');
	return {
		custodygroup_withdraw: withdrawId,
		custodygroup_tx: txId,
		description: fund.description,
		fund_id: fund.id,
		name: fund.name,
		members: fundMembers(state, fund).map((m) => ({ entity: entityView(state, m.id), permissions: { custodian: true, fundManager: false, trader: false } })),
		policyTx: qapiPolicy(state, txId, `${fund.name} tx policy`, fund.custodygroupTx, fund),
		// Sic: the swagger spells it policyWithdrawl.
		policyWithdrawl: qapiPolicy(state, withdrawId, `${fund.name} withdraw policy`, fund.custodygroupWithdraw, fund),
		wallets: fund.walletIds.map((id) => walletInfoView(ctx, state.wallet(id))),
	};
}

/** Wallet history status: the §3.2 TxStatus list has no taker states; a taken swap reads as approved. */
function historyStatus(row: Movement): string {
	if (row.status === 'taker_approved') return 'approved';
	if (row.status === 'taker_pending') return 'pending';
	return row.status;
}

/** The approvals of a governance transaction: one row per custody action, with the signature once verified. */
function governanceApprovals(state: SandboxState, tx: Transaction) {
	return approversOf(state, tx).map(({ action, entity, human, firstName, lastName, username }) => {
		const decision = state.decisionLog.find((d) => d.actionId === action.id && d.verified === true);
		return {
			txID: tx.id,
			userID: action.member,
			actionID: action.id,
			external: action.memberKind !== 'human',
			signature: decision?.signatures[0] ?? '',
			signatures: Object.fromEntries((decision?.signatures ?? []).map((s, i) => [String(i), s])),
			firstName,
			lastName,
			email: human?.email ?? '',
			username,
			status: action.status,
			accountCode: entity.accountCode,
		};
	});
}

export function register(router: Router, ctx: SandboxContext): void {
	const { state } = ctx;
	const Q = QAPI_BASE;

	router.get(`${Q}/account`, 'qapi', (req) => {
		const key = req.principal;
		const company = companyOf(state, key);
		const keysOfAccount = [...state.qapiKeys.values()].filter((k) => (company ? k.companyId === company.id : k.id === key.id)).map((k) => ({ keyID: k.id, name: k.name }));
		if (!company) {
			return { settings: { id: key.id, username: key.name, name: key.name, email: '', defaultFiat: 'USD', testnetAssets: true, partnerAPI: false, userAPIKeys: keysOfAccount } };
		}
		return {
			settings: {
				id: company.id,
				name: company.name,
				email: `admin@${company.domain || 'sandbox.invalid'}`,
				domain: company.domain ?? '',
				address: [company.city, company.country].filter(Boolean).join(', '),
				members: company.trustedParties
					.filter((p) => p.type === 'user')
					.map((p) => {
						const human = state.humans.get(p.id);
						return { id: p.id, username: human ? human.email.split('@')[0] : p.name, email: human?.email ?? p.address, name: p.name };
					}),
				connectClients: company.trustedParties.filter((p) => p.type === 'core-client').map((p) => p.id),
				rpcNetworks: [{ name: 'Ethereum Sepolia', chainID: '11155111' }],
				partnerAPI: true,
				userAPIKeys: { number_of_keys: keysOfAccount.length, user_api_keys: keysOfAccount },
			},
		};
	});

	router.get(`${Q}/balance`, 'qapi', (req) => {
		const assets: Record<string, { total: number; available: number; pendingIn: number; pendingOut: number; scale: number }> = {};
		for (const wallet of accountWallets(state, req.principal)) {
			const entry = (assets[wallet.asset] ??= { total: 0, available: 0, pendingIn: 0, pendingOut: 0, scale: scaleMultiplier(state, wallet.asset) });
			entry.total += wallet.balance;
			entry.pendingOut += wallet.pendingOut;
			entry.available += wallet.balance - wallet.pendingOut;
			entry.pendingIn += pendingIn(ctx, wallet.id);
		}
		return { assets };
	});

	router.get(`${Q}/funds`, 'qapi', (req) => {
		// Validated though the sandbox archives nothing: `archived=yes` is still a client bug.
		queryBoolean(req.query, 'archived');
		const key = req.principal;
		const funds = key.companyId ? fundsOfCompany(state, key.companyId) : [];
		return {
			total: funds.length,
			funds: funds.map((fund) => {
				const holdings: Record<string, number> = {};
				for (const id of fund.walletIds) {
					const wallet = state.wallet(id);
					holdings[wallet.asset] = (holdings[wallet.asset] ?? 0) + wallet.balance;
				}
				return { fundID: fund.id, name: fund.name, theme: 0, holdings };
			}),
		};
	});

	router.get(`${Q}/funds/:fund_id`, 'qapi', (req) => ({ fundInfo: fundInfoView(ctx, accountFund(state, req.principal, req.params.fund_id)) }));

	router.get(`${Q}/funds/:fund_id/ledger`, 'qapi', (req) => {
		const fund = accountFund(state, req.principal, req.params.fund_id);
		const list = movements(ctx, { fundId: fund.id }).map((row) => {
			const counterparty = row.counterpartyId ? state.wallets.get(row.counterpartyId) : undefined;
			const counterpartyCompany = counterparty ? state.companies.get(counterparty.companyId) : undefined;
			return {
				txID: row.txId,
				chainTxID: row.chainTxId,
				fundID: row.fundId,
				walletID: row.walletId,
				timestamp: row.timestamp,
				type: LEDGER_TYPE[row.type],
				asset: row.asset,
				amount: row.amount,
				fees: row.fees,
				netAmount: row.netAmount,
				counterpartyID: row.counterpartyId,
				counterpartyName: counterpartyCompany?.name ?? '',
				counterpartyEntity: counterpartyCompany ? entityView(state, counterpartyCompany.id) : null,
				address: row.address,
				reference: row.reference,
				benefitOf: row.benefitOf,
				accountNo: row.accountNo,
				later1TxID: row.chainTxId ? [row.chainTxId] : [],
			};
		});
		const wallets = fund.walletIds.map((id) => state.wallet(id)).map((w) => ({ walletID: w.id, fundName: fund.name, walletName: w.name, type: w.type }));
		return { list, total: list.length, wallets };
	});

	router.get(`${Q}/trustedparties`, 'qapi', (req) => {
		// §3.2 swagger: "Attempting to use this service with an API key linked to an Organization account will raise an error."
		if (req.principal.companyId) throw forbidden('trustedparties: available to personal accounts only; this API key belongs to an organization');
		return { members: [] };
	});

	// The swagger writes /wallet/…, the read-only guide /wallets/… (§7 item 8): both answer.
	for (const base of ['wallet', 'wallets']) {
		router.get(`${Q}/${base}/:wallet_id/history`, 'qapi', (req) => {
			const wallet = accountWallet(state, req.principal, req.params.wallet_id);
			return {
				history: movements(ctx, { walletId: wallet.id }).map((row) => ({
					txID: row.txId,
					chainTxID: row.chainTxId,
					walletID: row.walletId,
					timestamp: row.timestamp,
					asset: row.asset,
					amount: row.amount,
					fees: row.fees,
					netAmount: row.netAmount,
					status: historyStatus(row),
				})),
			};
		});
	}

	router.get(`${Q}/transactions/:tx_id/approvals`, 'qapi', (req) => {
		const key = req.principal;
		const web3 = web3Approvals(ctx, key, req.params.tx_id);
		if (web3) return { total: web3.length, list: web3 };
		// Transfers and withdrawals of the account have approvals too: one per custody action.
		const tx = state.transactions.get(req.params.tx_id);
		if (!tx || !key.companyId || tx.companyId !== key.companyId) throw notFound('tx_id: no transaction with this ID in this account');
		const list = governanceApprovals(state, tx);
		return { total: list.length, list };
	});


}
