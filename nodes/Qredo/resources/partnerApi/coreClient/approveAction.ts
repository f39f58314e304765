import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { forOperation } from '../../../descriptions';
import { qredoApiRequest } from '../../../transport';
import { actionPath, actionProperties } from './action.fields';

export const description = forOperation('partnerApi', 'coreClient', 'approveAction', actionProperties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { path, actionId } = actionPath(this, itemIndex);
	const response = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'PUT', path, itemIndex });
	return { ...response, action_id: actionId, decision: 'approved' };
}
