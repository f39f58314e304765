import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [];

export const description = forOperation('qapiV1', 'account', 'get', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await qredoApiRequest.call(this, { surface: 'qapiV1', method: 'GET', path: apiPath('account'), itemIndex });
}
