import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, idParam, transactionLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [companyLocator(), transactionLocator('txId', 'Swap', 'An open swap this company made (tx_id)')];

export const description = forOperation('partnerApi', 'liquidityHub', 'add', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const txId = idParam(this, 'txId', 'Swap', itemIndex);
	const path = apiPath('company', companyIdParam(this, itemIndex), 'liquidityhub');
	const response = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'POST', path, body: { tx_id: txId }, itemIndex });
	return { ...response, tx_id: txId };
}
