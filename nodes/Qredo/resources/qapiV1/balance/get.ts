import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [];

export const description = forOperation('qapiV1', 'balance', 'get', properties);

/** `{assets: {"BTC": {total, available, …}}}` → one item per asset, the key kept as `asset`. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const body = await qredoApiRequest.call(this, { surface: 'qapiV1', method: 'GET', path: apiPath('balance'), itemIndex });
	const assets = body.assets;
	if (assets === null || typeof assets !== 'object' || Array.isArray(assets)) return [];
	return Object.entries(assets as IDataObject).map(([asset, balance]) => ({ asset, ...(balance as IDataObject) }));
}
