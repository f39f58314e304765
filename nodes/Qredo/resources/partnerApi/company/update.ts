import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { QredoInputError } from '../../../../../lib/errors';
import { collectionParam, companyIdParam, companyLocator, forOperation } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { companyBody, companyFields } from './company.fields';

const properties: INodeProperties[] = [
	companyLocator(),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Fields to change; the others keep their current value',
		options: [{ displayName: 'Name', name: 'name', type: 'string', default: '' }, ...companyFields],
	},
];

export const description = forOperation('partnerApi', 'company', 'update', properties);

const COMPANY_KEYS = ['name', 'city', 'country', 'domain', 'ref'];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const companyId = companyIdParam(this, itemIndex);
	const changes = collectionParam(this, 'updateFields', itemIndex);
	if (Object.keys(changes).length === 0) throw new QredoInputError('Update Fields', 'at least one field to change');
	const path = apiPath('company', companyId);
	// PUT takes the whole Company: start from the current one so fields not given here are kept.
	const current = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path, itemIndex });
	const merged: IDataObject = {};
	for (const key of COMPANY_KEYS) if (current[key] !== undefined && current[key] !== '') merged[key] = current[key];
	const body = companyBody({ ...merged, ...changes });
	return await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'PUT', path, body, itemIndex });
}
