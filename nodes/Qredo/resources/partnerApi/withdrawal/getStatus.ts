import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, idParam, transactionLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [companyLocator(), transactionLocator('txId', 'Withdrawal', 'The withdrawal (tx_id returned by Withdrawal › Create)')];

export const description = forOperation('partnerApi', 'withdrawal', 'getStatus', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const path = apiPath('company', companyIdParam(this, itemIndex), 'withdraw', idParam(this, 'txId', 'Withdrawal', itemIndex));
	return await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path, itemIndex });
}
