import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { collectionParam, forOperation } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { companyBody, companyFields } from './company.fields';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		description: 'Company name (name)',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: companyFields,
	},
];

export const description = forOperation('partnerApi', 'company', 'create', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const body = companyBody({ ...collectionParam(this, 'additionalFields', itemIndex), name: this.getNodeParameter('name', itemIndex) });
	return await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'POST', path: apiPath('company'), body, itemIndex });
}
