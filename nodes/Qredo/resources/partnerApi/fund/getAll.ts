import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, limitResults, returnAllAndLimit } from '../../../descriptions';
import { apiPath, listIn, qredoApiRequest } from '../../../transport';
import { text } from '../../../validation';

const properties: INodeProperties[] = [
	companyLocator(),
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		default: '',
		description: 'Text to look for in fund names (query). Returns one item per match; the API returns every match at once.',
	},
];

export const description = forOperation('partnerApi', 'fund', 'getAll', [...properties, ...returnAllAndLimit()]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const companyId = companyIdParam(this, itemIndex);
	const query = text(this.getNodeParameter('query', itemIndex), 'Query', { maxLength: 256 });
	const body = await qredoApiRequest.call(this, {
		surface: 'partnerApi',
		method: 'GET',
		path: apiPath('company', companyId, 'fund', 'search'),
		query: { query },
		itemIndex,
	});
	return limitResults(this, itemIndex, listIn(body, 'list'));
}
