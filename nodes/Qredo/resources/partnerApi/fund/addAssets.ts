import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { QredoInputError } from '../../../../../lib/errors';
import { companyIdParam, companyLocator, forOperation, fundIdParam, fundLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { assetCode } from '../../../validation';

const properties: INodeProperties[] = [
	companyLocator(),
	fundLocator(),
	{
		displayName: 'Asset Names or IDs',
		name: 'assets',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getAssets' },
		default: [],
		required: true,
		description:
			'Assets to add; Qredo creates a wallet for each. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
];

export const description = forOperation('partnerApi', 'fund', 'addAssets', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const raw = this.getNodeParameter('assets', itemIndex);
	const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,;]+/).filter(Boolean) : [];
	if (list.length === 0) throw new QredoInputError('Assets', 'at least one asset');
	const assets = list.map((asset) => assetCode(asset, 'Assets'));
	const path = apiPath('company', companyIdParam(this, itemIndex), 'fund', fundIdParam(this, itemIndex), 'asset');
	return await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'POST', path, body: { assets }, itemIndex });
}
