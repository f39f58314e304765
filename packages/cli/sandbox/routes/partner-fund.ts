/**
 * Partner API funds (§3.1): create (rate-limited per company), get, search, deposit addresses, whitelist, assets,
 * wallets, wallet policy and the fund ledger (the one paginated list of §3.4, with its capitalised List/Total/TxID).
 */
import { enforceFundCreationRate, type SandboxContext } from '../context';
import { badRequest, conflict, ok, optionalString, requireArray, requireString } from '../http';
import { paginate, queryEnum, queryString } from '../query';
import { partnerCompany, walletOfFund } from '../access';
import type { SandboxState } from '../governance';
import { custodyGroupId } from '../ids';
import { isOutgoing, movements } from '../ledger';
import type { Fund, Movement } from '../model';
import { createWallets, readCustodyGroup, readNewWallet, requireAddressFor, sameAddress } from '../readers';
import { entityView, fundAssets, fundMembers, policyView, walletInfoView, walletPolicies } from '../views';
import { PARTNER_BASE, type Router, type SandboxRequest } from '../router';

function fundDetailView(ctx: SandboxContext, fund: Fund) {
	const { state } = ctx;
	const withdrawId = custodyGroupId(fund.id, 'withdraw');
	const txId = custodyGroupId(fund.id, 'tx');
	return {
		fund_id: fund.id,
		name: fund.name,
		description: fund.description,
		custodygroup_withdraw: withdrawId,
		custodygroup_tx: txId,
		policy_withdraw: policyView(state, withdrawId, `${fund.name} withdraw policy`, fund.custodygroupWithdraw),
		policy_tx: policyView(state, txId, `${fund.name} tx policy`, fund.custodygroupTx),
		// Permissions say what each custodian approves; custodians initiate nothing through the Partner API.
		members: fundMembers(state, fund).map((m) => ({ entity: entityView(state, m.id), permissions: { admin: false, withdraw: m.withdraw, transfer: m.transfer, swap: m.transfer } })),
		assets: fundAssets(state, fund),
		wallets: fund.walletIds.map((id) => walletInfoView(ctx, state.wallet(id))),
	};
}

function ledgerRowView(state: SandboxState, row: Movement) {
	const counterparty = row.counterpartyId ? state.wallets.get(row.counterpartyId) : undefined;
	return {
		TxID: row.txId,
		accountNo: row.accountNo,
		address: row.address,
		amount: row.amount,
		asset: row.asset,
		benefitOf: row.benefitOf,
		chainTxID: row.chainTxId,
		counterpartyID: row.counterpartyId,
		counterpartyName: counterparty ? (state.companies.get(counterparty.companyId)?.name ?? '') : '',
		expireTime: row.expires,
		fees: row.fees,
		fundID: row.fundId,
		netAmount: row.netAmount,
		reference: row.reference,
		status: row.status,
		timestamp: row.timestamp,
		type: row.type,
	};
}

export function register(router: Router, ctx: SandboxContext): void {
	const { state } = ctx;
	const F = `${PARTNER_BASE}/company/:company_id/fund`;

	/** The company (this key's) and the fund (that company's) a path names. */
	const fundOf = (req: SandboxRequest<'partner'>) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		return { company, fund: state.fund(req.params.fund_id, company.id) };
	};

	router.post(F, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		// After the ownership check, so one partner can never use up the slot of another partner's company.
		enforceFundCreationRate(ctx, company.id);
		const body = req.json();
		const name = requireString(body, 'name', { maxLength: 256 });
		const description = optionalString(body, 'description', { maxLength: 1024 });
		const custodygroupWithdraw = readCustodyGroup(state, company, body.custodygroup_withdraw, 'custodygroup_withdraw');
		const custodygroupTx = readCustodyGroup(state, company, body.custodygroup_tx, 'custodygroup_tx');
		const wallets = body.wallets === undefined || body.wallets === null ? [] : requireArray(body, 'wallets').map((w, i) => readNewWallet(state, company, w, `wallets[${i}].`));
		// Everything is validated before anything is created, so a bad wallet leaves no half-made fund behind.
		const fund = state.createFund({ companyId: company.id, name, description, custodygroupWithdraw, custodygroupTx });
		createWallets(ctx, fund.id, wallets);
		return { fund_id: fund.id, custodygroup_withdraw: custodyGroupId(fund.id, 'withdraw'), custodygroup_tx: custodyGroupId(fund.id, 'tx') };
	});

	router.get(`${F}/search`, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		const needle = (queryString(req.query, 'query') ?? '').toLowerCase();
		const list = [...state.funds.values()].filter((f) => f.companyId === company.id && f.name.toLowerCase().includes(needle)).map((f) => ({ name: f.name, id: f.id }));
		return { total_count: list.length, list };
	});

	router.get(`${F}/:fund_id`, 'partner', (req) => fundDetailView(ctx, fundOf(req).fund));

	router.get(`${F}/:fund_id/deposit`, 'partner', (req) => {
		const { fund } = fundOf(req);
		const list = fund.walletIds.map((id) => state.wallet(id)).map((w) => ({ asset: w.asset, address: w.address, balance: w.balance }));
		return { total_count: list.length, list };
	});

	router.get(`${F}/:fund_id/whitelist`, 'partner', (req) => {
		const { fund } = fundOf(req);
		const address = queryString(req.query, 'address');
		const asset = queryString(req.query, 'asset');
		if (asset) state.asset(asset, 'asset');
		const list = fund.whitelist.filter((w) => (!asset || w.asset === asset) && (!address || sameAddress(w.asset, w.address, address)));
		return { total_count: list.length, list: list.map((w) => ({ asset: w.asset, address: w.address, name: w.name })) };
	});

	router.post(`${F}/:fund_id/whitelist`, 'partner', (req) => {
		const { fund } = fundOf(req);
		const body = req.json();
		const asset = requireString(body, 'asset');
		state.asset(asset);
		const address = requireString(body, 'address', { maxLength: 128 });
		requireAddressFor(asset, address, 'address');
		if (fund.whitelist.some((w) => w.asset === asset && sameAddress(asset, w.address, address))) throw conflict('address: already on the whitelist of this fund for this asset');
		fund.whitelist.push({ asset, address, name: optionalString(body, 'name', { maxLength: 256 }) ?? '' });
		return ok();
	});

	router.post(`${F}/:fund_id/asset`, 'partner', (req) => {
		const { fund } = fundOf(req);
		const codes = requireArray(req.json(), 'assets');
		if (codes.length === 0) throw badRequest('assets: expected at least one asset code');
		const held = new Set(fundAssets(state, fund));
		codes.forEach((code, i) => {
			if (typeof code !== 'string') throw badRequest(`assets[${i}]: expected an asset code (string)`);
			state.asset(code, `assets[${i}]`);
			if (held.has(code)) throw conflict(`assets[${i}]: expected an asset the fund has no wallet for yet`);
			held.add(code);
		});
		return { wallets: createWallets(ctx, fund.id, (codes as string[]).map((asset) => ({ asset, type: 0, connect: [] }))) };
	});

	router.post(`${F}/:fund_id/wallet`, 'partner', (req) => {
		const { company, fund } = fundOf(req);
		const list = requireArray(req.json(), 'wallets');
		if (list.length === 0) throw badRequest('wallets: expected at least one wallet');
		const inputs = list.map((w, i) => readNewWallet(state, company, w, `wallets[${i}].`));
		return { wallets: createWallets(ctx, fund.id, inputs) };
	});

	router.put(`${F}/:fund_id/wallet/:wallet_id/policy`, 'partner', (req) => {
		const { company, fund } = fundOf(req);
		const wallet = walletOfFund(state, fund, req.params.wallet_id);
		const body = req.json();
		const type = requireString(body, 'type');
		if (type !== 'policy-tx' && type !== 'policy-withdraw') throw badRequest('type: expected "policy-tx" or "policy-withdraw"');
		const kind = type === 'policy-tx' ? 'tx' : 'withdraw';
		const policyId = optionalString(body, 'policy_id');
		if (policyId && policyId !== walletPolicies(state, wallet)[kind].id) throw badRequest(`policy_id: expected the ID of this wallet's current ${type} policy, or no policy_id`);
		const group = readCustodyGroup(state, company, body, '');
		// Pending transactions keep the custody group they were created under (the state snapshots it).
		if (kind === 'tx') wallet.custodygroupTx = group;
		else wallet.custodygroupWithdraw = group;
		return ok();
	});

	router.get(`${F}/:fund_id/ledger`, 'partner', (req) => {
		const { fund } = fundOf(req);
		const asset = queryString(req.query, 'asset');
		if (asset) state.asset(asset, 'asset');
		const walletId = queryString(req.query, 'wallet_id');
		if (walletId) walletOfFund(state, fund, walletId);
		const direction = queryEnum(req.query, 'direction', ['all', 'in', 'out'] as const) ?? 'all';
		const rows = movements(ctx, { fundId: fund.id, walletId: walletId || undefined }).filter(
			(row) => (!asset || row.asset === asset) && (direction === 'all' || isOutgoing(row) === (direction === 'out')),
		);
		const { page, total } = paginate(rows, req.query);
		return { List: page.map((row) => ledgerRowView(state, row)), Total: total };
	});
}
