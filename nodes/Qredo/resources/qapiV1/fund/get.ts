import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation, idField, idParam } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [idField('fundId', 'Fund ID', 'The fund (fund_id), e.g. fundID from Fund › Get Many')];

export const description = forOperation('qapiV1', 'fund', 'get', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const fundId = idParam(this, 'fundId', 'Fund ID', itemIndex);
	return await qredoApiRequest.call(this, { surface: 'qapiV1', method: 'GET', path: apiPath('funds', fundId), itemIndex });
}
