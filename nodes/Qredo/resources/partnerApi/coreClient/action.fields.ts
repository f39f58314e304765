/** Get, approve and reject share the core client and action they address. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { coreClientLocator, idField, idParam } from '../../../descriptions';
import { apiPath } from '../../../transport';

export const actionProperties: INodeProperties[] = [
	coreClientLocator(),
	idField('actionId', 'Action ID', 'The action (action_id), e.g. from Get Many Actions; not the transaction ID'),
];

export function actionPath(context: IExecuteFunctions, itemIndex: number): { path: string; actionId: string } {
	const clientId = idParam(context, 'coreClientId', 'Core Client', itemIndex);
	const actionId = idParam(context, 'actionId', 'Action ID', itemIndex);
	return { path: apiPath('coreclient', clientId, 'action', actionId), actionId };
}
