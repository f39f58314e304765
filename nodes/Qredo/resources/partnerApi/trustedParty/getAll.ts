import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, limitResults, returnAllAndLimit } from '../../../descriptions';
import { apiPath, listIn, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [companyLocator()];

export const description = forOperation('partnerApi', 'trustedParty', 'getAll', [...properties, ...returnAllAndLimit()]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const companyId = companyIdParam(this, itemIndex);
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('company', companyId, 'trustedparty'), itemIndex });
	return limitResults(this, itemIndex, listIn(body, 'list'));
}
