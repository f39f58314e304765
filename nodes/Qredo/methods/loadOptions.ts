import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { apiPath, qredoApiRequest } from '../transport';

/**
 * `{assets: …}` as a list of assets (what servers send), one asset object (the swagger's typing, §7 item 11), or an
 * object keyed by code.
 */
export function assetList(body: IDataObject): IDataObject[] {
	const assets = body.assets;
	if (Array.isArray(assets)) return assets as IDataObject[];
	if (assets && typeof assets === 'object') {
		const object = assets as IDataObject;
		if (typeof object.code === 'string') return [object];
		return Object.entries(object).map(([code, value]) => ({ code, ...(value as IDataObject) }));
	}
	return [];
}

export async function getAssets(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('assets') });
	return assetList(body)
		.filter((asset) => asset.enabled !== false && typeof asset.code === 'string')
		.map((asset) => ({
			name: asset.name ? `${String(asset.name)} (${String(asset.code)})` : String(asset.code),
			value: String(asset.code),
			description: asset.unitCode ? `Base unit: ${String(asset.unitCode)}` : undefined,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}
