import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { collectionParam, forOperation, idParam, limitResults, returnAllAndLimit, walletLocator } from '../../../descriptions';
import { apiPath, listIn, qredoApiRequest } from '../../../transport';
import { isBlank, unixSeconds } from '../../../validation';

const properties: INodeProperties[] = [
	walletLocator('walletId', 'Wallet', 'The wallet (wallet_id)'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Since',
				name: 'since',
				type: 'dateTime',
				default: '',
				description: 'Only movements after this time (since, sent as Unix seconds)',
			},
		],
	},
];

export const description = forOperation('partnerApi', 'wallet', 'getHistory', [...properties, ...returnAllAndLimit()]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const walletId = idParam(this, 'walletId', 'Wallet', itemIndex);
	const since = collectionParam(this, 'filters', itemIndex).since;
	const query = { since: isBlank(since) ? undefined : unixSeconds(since, 'Since') };
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('wallet', walletId, 'history'), query, itemIndex });
	return limitResults(this, itemIndex, listIn(body, 'history'));
}
