import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { assetField, companyIdParam, companyLocator, forOperation, fundIdParam, fundLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { assetCode, chainAddress, text } from '../../../validation';

const properties: INodeProperties[] = [
	companyLocator(),
	fundLocator(),
	assetField(),
	{
		displayName: 'Address',
		name: 'address',
		type: 'string',
		default: '',
		required: true,
		description: 'The blockchain address withdrawals may go to (address)',
	},
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, description: 'A label for the address (name)' },
];

export const description = forOperation('partnerApi', 'fund', 'addWhitelistAddress', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const path = apiPath('company', companyIdParam(this, itemIndex), 'fund', fundIdParam(this, itemIndex), 'whitelist');
	const entry = {
		asset: assetCode(this.getNodeParameter('asset', itemIndex), 'Asset'),
		address: chainAddress(this.getNodeParameter('address', itemIndex), 'Address'),
		name: text(this.getNodeParameter('name', itemIndex), 'Name', { required: true, maxLength: 256 }),
	};
	const response = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'POST', path, body: entry, itemIndex });
	return { ...response, ...entry };
}
