import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../descriptions';
import { qredoApiRequest } from '../../../transport';
import { apiKeyIdField, apiKeyPath } from './key';

const properties: INodeProperties[] = [apiKeyIdField];

export const description = forOperation('qapiV2', 'apiKey', 'get', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { path } = await apiKeyPath(this, itemIndex);
	return await qredoApiRequest.call(this, { surface: 'qapiV2', method: 'GET', path, itemIndex });
}
