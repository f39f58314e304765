import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { collectionParam, companyIdParam, companyLocator, forOperation, fundIdParam, fundLocator, returnAllAndLimit } from '../../../descriptions';
import { QredoInputError } from '../../../../../lib/errors';
import { apiPath, qredoApiRequestAllItems } from '../../../transport';
import { assetCode, isBlank, optionalQredoId, positiveInteger } from '../../../validation';

const properties: INodeProperties[] = [
	companyLocator(),
	fundLocator(),
	...returnAllAndLimit(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{ displayName: 'Asset', name: 'asset', type: 'string', default: '', placeholder: 'e.g. BTC', description: 'Only this asset code (asset)' },
			{
				displayName: 'Direction',
				name: 'direction',
				type: 'options',
				default: 'all',
				options: [
					{ name: 'All', value: 'all' },
					{ name: 'In', value: 'in' },
					{ name: 'Out', value: 'out' },
				],
				description: 'Incoming, outgoing or all movements (direction)',
			},
			{ displayName: 'Wallet ID', name: 'walletId', type: 'string', default: '', description: 'Only this wallet (wallet_id)' },
		],
	},
];

export const description = forOperation('partnerApi', 'fund', 'getLedger', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const filters = collectionParam(this, 'filters', itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? 0 : positiveInteger(this.getNodeParameter('limit', itemIndex), 'Limit');
	const direction = filters.direction as string | undefined;
	if (direction !== undefined && !['all', 'in', 'out'].includes(direction)) {
		throw new QredoInputError('Direction', 'all, in or out');
	}
	const query = {
		asset: isBlank(filters.asset) ? undefined : assetCode(filters.asset, 'Asset'),
		wallet_id: optionalQredoId(filters.walletId, 'Wallet ID'),
		direction,
	};
	const path = apiPath('company', companyIdParam(this, itemIndex), 'fund', fundIdParam(this, itemIndex), 'ledger');
	return await qredoApiRequestAllItems.call(
		this,
		{ surface: 'partnerApi', method: 'GET', path, query, itemIndex },
		{ listKey: 'List', totalKey: 'Total', returnAll, limit },
	);
}
