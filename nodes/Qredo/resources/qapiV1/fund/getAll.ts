import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation, limitResults, returnAllAndLimit } from '../../../descriptions';
import { apiPath, listIn, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Archived',
		name: 'archived',
		type: 'options',
		default: 'any',
		options: [
			{ name: 'Any', value: 'any', description: 'Leave the filter out' },
			{ name: 'Archived Only', value: 'true' },
			{ name: 'Not Archived', value: 'false' },
		],
		description: 'Filter on archived funds (archived)',
	},
];

export const description = forOperation('qapiV1', 'fund', 'getAll', [...properties, ...returnAllAndLimit()]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const archived = this.getNodeParameter('archived', itemIndex) as string;
	const query = { archived: archived === 'true' || archived === 'false' ? archived : undefined };
	const body = await qredoApiRequest.call(this, { surface: 'qapiV1', method: 'GET', path: apiPath('funds'), query, itemIndex });
	return limitResults(this, itemIndex, listIn(body, 'funds'));
}
