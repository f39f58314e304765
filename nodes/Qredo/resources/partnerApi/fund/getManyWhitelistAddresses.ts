import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { collectionParam, companyIdParam, companyLocator, forOperation, fundIdParam, fundLocator, limitResults, returnAllAndLimit } from '../../../descriptions';
import { apiPath, listIn, qredoApiRequest } from '../../../transport';
import { assetCode, chainAddress, isBlank } from '../../../validation';

const properties: INodeProperties[] = [
	companyLocator(),
	fundLocator(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{ displayName: 'Address', name: 'address', type: 'string', default: '', description: 'Only this address (address)' },
			{
				displayName: 'Asset',
				name: 'asset',
				type: 'string',
				default: '',
				placeholder: 'e.g. ETH',
				description: 'Only this asset code (asset); Qredo applies it together with Address',
			},
		],
	},
];

export const description = forOperation('partnerApi', 'fund', 'getManyWhitelistAddresses', [...properties, ...returnAllAndLimit()]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const filters = collectionParam(this, 'filters', itemIndex);
	const path = apiPath('company', companyIdParam(this, itemIndex), 'fund', fundIdParam(this, itemIndex), 'whitelist');
	const query = {
		address: isBlank(filters.address) ? undefined : chainAddress(filters.address, 'Address'),
		asset: isBlank(filters.asset) ? undefined : assetCode(filters.asset, 'Asset'),
	};
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path, query, itemIndex });
	return limitResults(this, itemIndex, listIn(body, 'list'));
}
