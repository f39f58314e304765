import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { forOperation } from '../../../descriptions';
import { qredoApiRequest } from '../../../transport';
import { actionPath, actionProperties } from './action.fields';

export const description = forOperation('partnerApi', 'coreClient', 'getAction', actionProperties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { path } = actionPath(this, itemIndex);
	return await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path, itemIndex });
}
