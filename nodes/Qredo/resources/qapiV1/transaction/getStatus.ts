import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation, idField, idParam } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [idField('txId', 'Transaction ID', 'The txID returned by Transaction › Create')];

export const description = forOperation('qapiV1', 'transaction', 'getStatus', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const txId = idParam(this, 'txId', 'Transaction ID', itemIndex);
	return await qredoApiRequest.call(this, { surface: 'qapiV1', method: 'GET', path: apiPath('transactions', txId, 'status'), itemIndex });
}
