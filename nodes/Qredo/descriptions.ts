/**
 * Parameter fragments several operations share (company and fund pickers, amounts, expiry, partner_txID, paging),
 * the helper that scopes an operation's fields to it, and the readers that turn those parameters into API values.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { QredoSurface } from '../shared/qredoApiCredential';
import { positiveInteger, qredoId } from './validation';

/** Shows `properties` only for one API › resource › operation. */
export function forOperation(api: QredoSurface, resource: string, operation: string, properties: INodeProperties[]): INodeProperties[] {
	return updateDisplayOptions({ show: { api: [api], resource: [resource], operation: [operation] } }, properties);
}

/** A required "From List" / "By ID" picker whose list comes from `searchListMethod` (methods/listSearch.ts). */
function listOrIdLocator(name: string, displayName: string, searchListMethod: string, placeholder: string, description: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod, searchable: true, searchFilterRequired: false } },
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder },
		],
	};
}

export function companyLocator(description = 'The company (Partner API) the operation acts on'): INodeProperties {
	return listOrIdLocator('companyId', 'Company', 'searchCompanies', 'e.g. 1zO6eDDe9C55GdQlmWqOISHNJyT', description);
}

export function fundLocator(description = 'The fund of the selected company'): INodeProperties {
	return listOrIdLocator('fundId', 'Fund', 'searchFunds', 'e.g. 1kEYnRGrYmuhNLFvVhwiiqj6XcM', description);
}

/** A wallet picker: the wallets of the chosen company and fund, or of every company and fund of the API key. */
export function walletLocator(name: string, displayName: string, description: string): INodeProperties {
	return listOrIdLocator(name, displayName, 'searchWallets', 'e.g. 2bBsnJ7BmyRddeDBjR8ZqAKKLWm', description);
}

/** A picker of the company's transfers, withdrawals or swaps (by operation), from its funds' ledgers. */
export function transactionLocator(name: string, displayName: string, description: string): INodeProperties {
	return listOrIdLocator(name, displayName, 'searchTransactions', 'e.g. 2Nfbn7EuwvXiPaEGqkBMDxRbsaC', description);
}

/** A picker of the swap offers in the liquidity hub that the chosen company can take. */
export function swapLocator(name: string, displayName: string, description: string): INodeProperties {
	return listOrIdLocator(name, displayName, 'searchSwapOffers', 'e.g. 2Nfbn7EuwvXiPaEGqkBMDxRbsaC', description);
}

export function coreClientLocator(): INodeProperties {
	return listOrIdLocator('coreClientId', 'Core Client', 'searchCoreClients', 'e.g. 5zPWqLZaPqAaNenjyzWy5rcaGm4PuT1bfP74GgrzFUJn', 'A Qredo-hosted core client of this Partner API key');
}

export function idField(name: string, displayName: string, description: string, required = true): INodeProperties {
	return { displayName, name, type: 'string', default: '', required, description };
}

export function assetField(name = 'asset', displayName = 'Asset', required = true): INodeProperties {
	return {
		displayName,
		name,
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getAssets' },
		default: '',
		required,
		description:
			'Asset code as Qredo lists it (Asset › Get Many). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	};
}

export function amountField(name = 'amount', displayName = 'Amount'): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 150000',
		description:
			"Whole number in the asset's base units, as the API takes it (satoshi for BTC; for other assets see the scale in Asset › Get Many). Decimals are refused, not rounded.",
	};
}

const EXPIRES_HELP =
	'When the request expires unless it is approved first: a duration from now (30m, 1h, 2d) or an absolute time (ISO 8601, or Unix time in seconds or milliseconds). Must lie in the future.';

export const expiresField: INodeProperties = {
	displayName: 'Expires',
	name: 'expires',
	type: 'string',
	default: '1h',
	required: true,
	placeholder: 'e.g. 1h, 30m, 2d or 2026-12-31T18:00:00Z',
	description: EXPIRES_HELP,
};

export const optionalExpiresField: INodeProperties = {
	displayName: 'Expires',
	name: 'expires',
	type: 'string',
	default: '',
	placeholder: 'e.g. 1h, 30m, 2d or 2026-12-31T18:00:00Z',
	description:
		'When the request expires unless it is approved first: a duration from now (30m, 1h, 2d) or an absolute time (ISO 8601, or Unix time in seconds or milliseconds). Must lie in the future. Leave empty to let Qredo decide.',
};

export const partnerTxIdField: INodeProperties = {
	displayName: 'Partner Transaction ID',
	name: 'partnerTxId',
	type: 'string',
	default: '',
	description:
		'Your idempotency key (partner_txID). Leave empty to have one generated; it is returned in the output, so a retry that sends the same value is recognised by Qredo instead of creating a second transaction.',
};

export function returnAllAndLimit(): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

/**
 * The first `limit` results, or all of them with Return All: for the lists Qredo returns whole (not paged), so every
 * Get Many behaves alike.
 */
export function limitResults<T>(context: IExecuteFunctions, itemIndex: number, results: T[]): T[] {
	if (context.getNodeParameter('returnAll', itemIndex, false) as boolean) return results;
	return results.slice(0, positiveInteger(context.getNodeParameter('limit', itemIndex, 50), 'Limit'));
}

/** Node-wide request settings, shown for every operation. */
export const requestOptionsField: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Max Wait on Rate Limit (Seconds)',
			name: 'maxRateLimitWait',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 60,
			description:
				'Longest Retry-After to honour when Qredo answers 429 Too Many Requests; the request is then repeated (up to 3 times). A longer wait, or 0, fails the item at once.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			description: 'Per attempt: how long to wait for a complete answer from Qredo',
		},
	],
};

// ---- readers ----

/** A resource-locator or plain ID parameter, checked as a Qredo ID. */
export function idParam(context: IExecuteFunctions, name: string, field: string, itemIndex: number): string {
	return qredoId(context.getNodeParameter(name, itemIndex, undefined, { extractValue: true }), field);
}

export function companyIdParam(context: IExecuteFunctions, itemIndex: number): string {
	return idParam(context, 'companyId', 'Company', itemIndex);
}

export function fundIdParam(context: IExecuteFunctions, itemIndex: number): string {
	return idParam(context, 'fundId', 'Fund', itemIndex);
}

/** A collection parameter (Additional Fields, Filters, …) as an object. */
export function collectionParam(context: IExecuteFunctions, name: string, itemIndex: number): IDataObject {
	return (context.getNodeParameter(name, itemIndex, {}) as IDataObject) ?? {};
}
