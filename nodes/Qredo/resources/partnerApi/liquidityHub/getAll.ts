import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, limitResults, returnAllAndLimit } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Scope',
		name: 'scope',
		type: 'options',
		default: 'company',
		options: [
			{ name: 'Company', value: 'company', description: 'The liquidity hub as one company sees it' },
			{ name: 'All', value: 'all', description: 'Every active offer on the hub' },
		],
	},
	{ ...companyLocator(), displayOptions: { show: { scope: ['company'] } } },
];

export const description = forOperation('partnerApi', 'liquidityHub', 'getAll', [...properties, ...returnAllAndLimit()]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const path = this.getNodeParameter('scope', itemIndex) === 'all' ? apiPath('liquidityhub') : apiPath('company', companyIdParam(this, itemIndex), 'liquidityhub');
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path, itemIndex });
	// The swagger types `items` as one object; a list is what a hub of several offers needs. Accept both.
	const items = body.items;
	const offers = Array.isArray(items) ? (items as IDataObject[]) : items && typeof items === 'object' ? [items as IDataObject] : [];
	return limitResults(this, itemIndex, offers);
}
