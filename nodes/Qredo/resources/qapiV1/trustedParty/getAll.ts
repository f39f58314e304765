import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation, limitResults, returnAllAndLimit } from '../../../descriptions';
import { apiPath, listIn, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [];

export const description = forOperation('qapiV1', 'trustedParty', 'getAll', [...properties, ...returnAllAndLimit()]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const body = await qredoApiRequest.call(this, { surface: 'qapiV1', method: 'GET', path: apiPath('trustedparties'), itemIndex });
	return limitResults(this, itemIndex, listIn(body, 'members'));
}
