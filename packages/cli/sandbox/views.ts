/** Wire views several routes return: entities, wallets, policies, funds' members and assets, transactions, actions. */
import type { SandboxContext } from './context';
import type { SandboxState } from './governance';
import { custodyGroupId, isBitcoinAsset } from './ids';
import { type Action, type CustodyGroup, type Fund, type Transaction, txStatusName, type Wallet } from './model';

function splitName(name: string): { firstName: string; lastName: string } {
	const [firstName = '', ...rest] = name.trim().split(/\s+/);
	return { firstName, lastName: rest.join(' ') };
}

function initials(name: string): string {
	return name
		.split(/\s+/)
		.filter(Boolean)
		.slice(0, 2)
		.map((w) => w[0].toUpperCase())
		.join('');
}

/** Entity (§3.1 Policy members): a user, a core client or a company, with the matching sub-object set. */
export function entityView(state: SandboxState, id: string) {
	const base = { id, name: id, accountCode: id, initials: '', type: 'user' as 'user' | 'company' | 'core-client', company: null as null | { name: string }, user: null as null | object, 'core-client': null as null | { name: string } };
	const human = state.humans.get(id);
	if (human) {
		const { firstName, lastName } = splitName(human.name);
		return { ...base, name: human.name, initials: initials(human.name), user: { firstName, lastName, email: human.email, userName: human.email.split('@')[0] } };
	}
	const agent = state.agents.get(id);
	const apiKey = state.v2ApiKeys.get(id);
	const clientName = agent?.name ?? apiKey?.name;
	if (clientName !== undefined) return { ...base, name: clientName, accountCode: agent?.accountCode ?? id, initials: initials(clientName), type: 'core-client' as const, 'core-client': { name: clientName } };
	const company = state.companies.get(id);
	if (company) return { ...base, name: company.name, initials: initials(company.name), type: 'company' as const, company: { name: company.name } };
	return base;
}

/** The custody groups that govern a wallet (its overrides, else the fund's) with their IDs. */
export function walletPolicies(state: SandboxState, wallet: Wallet) {
	const fund = state.fund(wallet.fundId);
	return {
		withdraw: { id: custodyGroupId(wallet.custodygroupWithdraw ? wallet.id : fund.id, 'withdraw'), group: wallet.custodygroupWithdraw ?? fund.custodygroupWithdraw },
		tx: { id: custodyGroupId(wallet.custodygroupTx ? wallet.id : fund.id, 'tx'), group: wallet.custodygroupTx ?? fund.custodygroupTx },
	};
}

/** Partner API Policy `{id, name, threshold, members:[Entity]}`. */
export function policyView(state: SandboxState, id: string, name: string, group: CustodyGroup) {
	return { id, name, threshold: group.threshold, members: group.members.map((m) => entityView(state, m)) };
}

export function addressType(asset: string): string {
	return isBitcoinAsset(asset) ? 'P2WPKH' : 'EVM';
}

/** Partner API FundWalletInfo. */
export function walletInfoView(ctx: SandboxContext, wallet: Wallet) {
	const { state } = ctx;
	const policies = walletPolicies(state, wallet);
	const connections = ctx.state.walletConnections.get(wallet.id) ?? [];
	return {
		wallet_id: wallet.id,
		name: wallet.name,
		asset: wallet.asset,
		type: wallet.type,
		status: 'ready',
		address: wallet.address,
		address_type: addressType(wallet.asset),
		short_code: wallet.shortCode,
		balance: wallet.balance,
		custodygroup_withdraw: policies.withdraw.id,
		custodygroup_tx: policies.tx.id,
		policy_withdraw: policyView(state, policies.withdraw.id, 'withdraw policy', policies.withdraw.group),
		policy_tx: policyView(state, policies.tx.id, 'tx policy', policies.tx.group),
		connected: connections.length === 0 ? null : connections.map((c) => ({ client_id: c.clientId, counterparty_id: c.counterpartyId, name: state.companies.get(c.counterpartyId)?.name ?? '', status: 'connected' })),
	};
}

/** Every distinct custody-group member of a fund and its wallets, with what each group lets them approve. */
export function fundMembers(state: SandboxState, fund: Fund): Array<{ id: string; withdraw: boolean; transfer: boolean }> {
	const members = new Map<string, { id: string; withdraw: boolean; transfer: boolean }>();
	const add = (group: CustodyGroup | undefined, kind: 'withdraw' | 'transfer') => {
		for (const id of group?.members ?? []) {
			const entry = members.get(id) ?? { id, withdraw: false, transfer: false };
			entry[kind] = true;
			members.set(id, entry);
		}
	};
	add(fund.custodygroupWithdraw, 'withdraw');
	add(fund.custodygroupTx, 'transfer');
	for (const walletId of fund.walletIds) {
		const wallet = state.wallets.get(walletId);
		add(wallet?.custodygroupWithdraw, 'withdraw');
		add(wallet?.custodygroupTx, 'transfer');
	}
	return [...members.values()];
}

export function fundAssets(state: SandboxState, fund: Fund): string[] {
	return [...new Set(fund.walletIds.map((id) => state.wallets.get(id)?.asset).filter((a): a is string => !!a))];
}

/** Approver status rows of a transaction, one per action (TxInfo.status). */
/** Who stands behind each custody action of a transaction, as both the Partner API and Qredo API v1 name them. */
export function approversOf(state: SandboxState, tx: Transaction) {
	return tx.actionIds
		.map((id) => state.actions.get(id))
		.filter((a): a is Action => !!a)
		.map((action) => {
			const entity = entityView(state, action.member);
			const human = state.humans.get(action.member);
			return { action, entity, human, ...splitName(entity.name), username: human ? human.email.split('@')[0] : entity.name };
		});
}

function approverRows(state: SandboxState, tx: Transaction) {
	return approversOf(state, tx).map(({ action, firstName, lastName, username }) => ({
		action_id: action.id,
		first_name: firstName,
		last_name: lastName,
		status: action.status,
		timestamp: action.decidedAt ?? action.created,
		user_id: action.member,
		username,
	}));
}

/** TxInfo (§3.1): the live governance state of a transfer or withdrawal. */
export function txInfoView(state: SandboxState, tx: Transaction) {
	const recipientWallet = tx.recipient.walletId ? state.wallets.get(tx.recipient.walletId) : undefined;
	const recipientCompany = recipientWallet ? state.companies.get(recipientWallet.companyId) : undefined;
	return {
		approver_count: tx.approvals.length,
		expires: tx.expires,
		initiated_timestamp: tx.created,
		initiator_authorized: tx.status !== 'pending_initiate' && tx.status !== 'initiate_rejected',
		initiator_name: tx.initiator.name,
		reference: tx.reference,
		status: approverRows(state, tx),
		status_details: {
			account_no: tx.accountNo,
			amount: tx.amount,
			asset: tx.asset,
			benefit_of: tx.benefitOf,
			expires: tx.expires,
			fees: tx.fees,
			fund_id: tx.fundId,
			net_amount: tx.netAmount,
			recipient_address: tx.recipient.address,
			recipient_email: '',
			recipient_first_name: '',
			recipient_last_name: '',
			recipient_username: recipientCompany?.name ?? tx.recipient.name ?? '',
			reference: tx.reference,
			requested_by: state.companies.get(tx.companyId)?.name ?? tx.initiator.name,
		},
		threshold_required: tx.custodyGroup.threshold,
		tx_id: tx.id,
		tx_status: txStatusName(tx),
	};
}

/** Hosted core-client action details (§3.1 GET /coreclient/{client_id}/action/{action_id}). */
export function actionDetailsView(state: SandboxState, action: Action) {
	const tx = action.txId ? state.transactions.get(action.txId) : undefined;
	const details = tx
		? {
				txType: tx.type,
				txID: tx.id,
				walletID: tx.walletId,
				asset: tx.asset,
				amount: tx.amount,
				fees: tx.fees,
				netAmount: tx.netAmount,
				reference: tx.reference,
				benefitOf: tx.benefitOf,
				accountNo: tx.accountNo,
				companyID: tx.companyId,
				fundID: tx.fundId,
				initiatedTime: tx.created,
				expires: tx.expires,
				...(tx.type === 'withdraw'
					? { recipientAddress: tx.recipient.address, recipientAddressName: tx.recipient.name ?? '' }
					: { recipientID: tx.recipient.walletId ?? '', recipientName: tx.recipient.name ?? '' }),
				initiatedBy: tx.initiator.id,
				initiatorName: tx.initiator.name,
				initiatorType: tx.initiator.kind,
			}
		: {};
	return { id: action.id, coreClientID: action.member, type: action.type, status: action.status, timestamp: action.created, expireTime: action.expireTime, details };
}

/** Short list row of an action (§3.1 GET /coreclient/{client_id}/actions). */
export function actionSummaryView(action: Action) {
	return { id: action.id, type: action.type, status: action.status, timestamp: action.created, expireTime: action.expireTime };
}
