import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, fundIdParam, fundLocator, limitResults, returnAllAndLimit } from '../../../descriptions';
import { apiPath, listIn, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [companyLocator(), fundLocator()];

export const description = forOperation('partnerApi', 'fund', 'getManyDepositAddresses', [...properties, ...returnAllAndLimit()]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const path = apiPath('company', companyIdParam(this, itemIndex), 'fund', fundIdParam(this, itemIndex), 'deposit');
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path, itemIndex });
	return limitResults(this, itemIndex, listIn(body, 'list'));
}
