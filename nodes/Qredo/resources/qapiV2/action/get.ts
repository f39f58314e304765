import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation, idField, idParam } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [idField('actionId', 'Action ID', 'The action (actionID), e.g. from API Key › Register Keys or the feed')];

export const description = forOperation('qapiV2', 'action', 'get', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const actionId = idParam(this, 'actionId', 'Action ID', itemIndex);
	return await qredoApiRequest.call(this, { surface: 'qapiV2', method: 'GET', path: apiPath('actions', actionId), itemIndex });
}
