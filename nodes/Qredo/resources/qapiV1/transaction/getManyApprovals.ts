import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation, idField, idParam, limitResults, returnAllAndLimit } from '../../../descriptions';
import { apiPath, listIn, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [idField('txId', 'Transaction ID', 'The transaction whose approvals to list')];

export const description = forOperation('qapiV1', 'transaction', 'getManyApprovals', [...properties, ...returnAllAndLimit()]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const txId = idParam(this, 'txId', 'Transaction ID', itemIndex);
	const body = await qredoApiRequest.call(this, { surface: 'qapiV1', method: 'GET', path: apiPath('transactions', txId, 'approvals'), itemIndex });
	return limitResults(this, itemIndex, listIn(body, 'list'));
}
