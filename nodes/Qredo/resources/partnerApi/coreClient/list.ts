import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../descriptions';
import { apiPath, listIn, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [];

export const description = forOperation('partnerApi', 'coreClient', 'list', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('coreclient'), itemIndex });
	return listIn(body, 'clients');
}
