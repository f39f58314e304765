import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation, limitResults, returnAllAndLimit } from '../../../descriptions';
import { assetList } from '../../../methods/loadOptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [];

export const description = forOperation('partnerApi', 'asset', 'getAll', [...properties, ...returnAllAndLimit()]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('assets'), itemIndex });
	return limitResults(this, itemIndex, assetList(body));
}
