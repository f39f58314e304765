import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, fundIdParam, fundLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [companyLocator(), fundLocator()];

export const description = forOperation('partnerApi', 'fund', 'get', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const path = apiPath('company', companyIdParam(this, itemIndex), 'fund', fundIdParam(this, itemIndex));
	return await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path, itemIndex });
}
