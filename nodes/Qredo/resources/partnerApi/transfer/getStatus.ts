import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, idParam, transactionLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [companyLocator(), transactionLocator('txId', 'Transfer', 'The transfer (tx_id returned by Transfer › Create)')];

export const description = forOperation('partnerApi', 'transfer', 'getStatus', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const path = apiPath('company', companyIdParam(this, itemIndex), 'transfer', idParam(this, 'txId', 'Transfer', itemIndex));
	return await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path, itemIndex });
}
