import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation, idField, idParam, limitResults, returnAllAndLimit } from '../../../descriptions';
import { apiPath, listIn, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [idField('fundId', 'Fund ID', 'The fund (fund_id)')];

export const description = forOperation('qapiV1', 'fund', 'getLedger', [...properties, ...returnAllAndLimit()]);

/** Not paged in Qredo API v1: every entry, one item each. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const fundId = idParam(this, 'fundId', 'Fund ID', itemIndex);
	const body = await qredoApiRequest.call(this, { surface: 'qapiV1', method: 'GET', path: apiPath('funds', fundId, 'ledger'), itemIndex });
	return limitResults(this, itemIndex, listIn(body, 'list'));
}
