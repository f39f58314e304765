import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, idField, idParam } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [companyLocator(), idField('txId', 'Transaction ID', 'The tx_id of the swap this company made')];

export const description = forOperation('partnerApi', 'atomicSwap', 'cancel', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const txId = idParam(this, 'txId', 'Transaction ID', itemIndex);
	const path = apiPath('company', companyIdParam(this, itemIndex), 'atomicswap', 'make', txId);
	const response = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'DELETE', path, itemIndex });
	return { ...response, cancelled: true, tx_id: txId };
}
