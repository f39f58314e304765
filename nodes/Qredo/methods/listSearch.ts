/** Pickers for the resource locators: the API's own search endpoints where it has them, else a filtered full list. */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { apiPath, listIn, qredoApiRequest, qredoApiRequestAllItems } from '../transport';
import { isBlank, qredoId } from '../validation';

function matches(filter: string | undefined, ...values: unknown[]): boolean {
	if (isBlank(filter)) return true;
	const needle = (filter as string).toLowerCase();
	return values.some((value) => typeof value === 'string' && value.toLowerCase().includes(needle));
}

export async function searchCompanies(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('company', 'search'), query: { query: filter ?? '' } });
	return {
		results: listIn(body, 'matches').map((company) => ({
			name: `${String(company.name ?? company.company_id)}${company.domain ? ` (${String(company.domain)})` : ''}`,
			value: String(company.company_id),
		})),
	};
}

/** The chosen ID of a company or fund picker of this operation, or undefined (not on this operation, or blank). */
function chosen(context: ILoadOptionsFunctions, name: 'companyId' | 'fundId', field: string): string | undefined {
	const value = context.getCurrentNodeParameter(name, { extractValue: true });
	return isBlank(value) ? undefined : qredoId(value, field);
}

/** The company's funds matching `filter` (Qredo's fund search). */
async function fundsOf(context: ILoadOptionsFunctions, companyId: string, filter = ''): Promise<IDataObject[]> {
	const body = await qredoApiRequest.call(context, { surface: 'partnerApi', method: 'GET', path: apiPath('company', companyId, 'fund', 'search'), query: { query: filter } });
	return listIn(body, 'list');
}

export async function searchFunds(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const companyId = chosen(this, 'companyId', 'Company');
	if (companyId === undefined) throw new NodeOperationError(this.getNode(), 'Choose a company first: funds are listed per company');
	return { results: (await fundsOf(this, companyId, filter ?? '')).map((fund) => ({ name: String(fund.name ?? fund.id), value: String(fund.id) })) };
}

/**
 * Wallets of the company and fund this operation has chosen; where it has no such picker (Wallet › Get, …), of every
 * fund of every company the Partner API key manages (one fund read each). Named "wallet · asset · fund".
 */
export async function searchWallets(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const companyId = chosen(this, 'companyId', 'Company');
	const fundId = companyId === undefined ? undefined : chosen(this, 'fundId', 'Fund');
	let funds: Array<{ companyId: string; fundId: string }>;
	if (companyId !== undefined && fundId !== undefined) funds = [{ companyId, fundId }];
	else {
		const companies = companyId !== undefined ? [companyId] : (await searchCompanies.call(this, '')).results.map((c) => String(c.value));
		funds = (await Promise.all(companies.map(async (id) => (await fundsOf(this, id)).map((fund) => ({ companyId: id, fundId: String(fund.id) }))))).flat();
	}
	const details = await Promise.all(funds.map((f) => qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('company', f.companyId, 'fund', f.fundId) })));
	const results = details.flatMap((fund) =>
		listIn(fund, 'wallets')
			.filter((wallet) => matches(filter, wallet.name, wallet.wallet_id, wallet.asset, fund.name))
			.map((wallet) => ({ name: `${String(wallet.name || wallet.wallet_id)} · ${String(wallet.asset ?? '?')} · ${String(fund.name ?? fund.fund_id)}`, value: String(wallet.wallet_id) })),
	);
	return { results: results.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** What each operation's transaction picker lists: ledger row types, and whether only pending rows can be acted on. */
const TRANSACTION_KINDS: Record<string, { types: string[]; pendingOnly: boolean; label: string }> = {
	'transfer/getStatus': { types: ['transferOut'], pendingOnly: false, label: 'transfer' },
	'withdrawal/getStatus': { types: ['withdraw'], pendingOnly: false, label: 'withdrawal' },
	'atomicSwap/get': { types: ['swapOut', 'swap'], pendingOnly: false, label: 'swap' },
	'atomicSwap/cancel': { types: ['swapOut', 'swap'], pendingOnly: true, label: 'swap' },
	'liquidityHub/add': { types: ['swapOut', 'swap'], pendingOnly: true, label: 'swap' },
};

/** Outgoing ledger rows read per fund (the API does not say in which order it returns them; all are sorted by time here). */
const LEDGER_ROWS_PER_FUND = 1000;

/**
 * Transactions of the chosen company for the operation at hand, from its funds' ledgers (the Partner API has no list
 * of transfers, withdrawals or swaps): outgoing transfers, withdrawals, or swaps (only pending ones where the
 * operation needs an open swap), most recent first, named "transfer 150000 BTC · pending · date" (the net amount, in
 * base units, as it was asked for).
 */
export async function searchTransactions(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const companyId = chosen(this, 'companyId', 'Company');
	if (companyId === undefined) throw new NodeOperationError(this.getNode(), 'Choose a company first: transactions are listed per company');
	const kind = TRANSACTION_KINDS[`${String(this.getCurrentNodeParameter('resource'))}/${String(this.getCurrentNodeParameter('operation'))}`];
	if (!kind) throw new NodeOperationError(this.getNode(), 'This operation has no transaction list');
	const funds = await fundsOf(this, companyId);
	const ledgers = await Promise.all(
		funds.map((fund) =>
			qredoApiRequestAllItems.call(
				this,
				{ surface: 'partnerApi', method: 'GET', path: apiPath('company', companyId, 'fund', String(fund.id), 'ledger'), query: { direction: 'out' } },
				{ listKey: 'List', totalKey: 'Total', returnAll: false, limit: LEDGER_ROWS_PER_FUND },
			),
		),
	);
	// One row per transaction (a transaction shows once per wallet it moves).
	const byId = new Map<string, IDataObject>();
	for (const row of ledgers.flat()) {
		if (!kind.types.includes(String(row.type)) || (kind.pendingOnly && row.status !== 'pending')) continue;
		if (matches(filter, row.TxID, row.asset, row.reference, row.status) && !byId.has(String(row.TxID))) byId.set(String(row.TxID), row);
	}
	const rows = [...byId.values()].sort((a, b) => Number(b.timestamp ?? 0) - Number(a.timestamp ?? 0));
	return {
		results: rows.map((row) => ({
			name: `${kind.label} ${String(row.netAmount ?? row.amount)} ${String(row.asset)} · ${String(row.status)} · ${new Date(Number(row.timestamp) * 1000).toISOString().slice(0, 16).replace('T', ' ')}${row.reference ? ` · ${String(row.reference)}` : ''}`,
			value: String(row.TxID),
		})),
	};
}

/** Swap offers in the liquidity hub that the chosen company can take (not its own), named by what they exchange. */
export async function searchSwapOffers(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const companyId = chosen(this, 'companyId', 'Company');
	if (companyId === undefined) throw new NodeOperationError(this.getNode(), 'Choose a company first: swap offers are listed for the company that takes them');
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('company', companyId, 'liquidityhub') });
	return {
		results: listIn(body, 'items')
			.filter((offer) => offer.owner !== true && matches(filter, offer.tx_id, offer.send_asset, offer.receive_asset))
			.map((offer) => ({
				// The maker sends send_amount of send_asset and asks receive_amount of receive_asset in return.
				name: `get ${String(offer.send_amount)} ${String(offer.send_asset)} for ${String(offer.receive_amount)} ${String(offer.receive_asset)} (${String(offer.tx_id)})`,
				value: String(offer.tx_id),
			})),
	};
}

export async function searchCoreClients(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	// GET /coreclient has no search parameter: the full list, filtered here.
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('coreclient') });
	return {
		results: listIn(body, 'clients')
			.filter((client: IDataObject) => matches(filter, client.name, client.id))
			.map((client: IDataObject) => ({ name: String(client.name ?? client.id), value: String(client.id) })),
	};
}
