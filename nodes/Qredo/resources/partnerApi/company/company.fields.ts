/** The Company object's optional fields (create and update) and their validation. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { countryCode, isBlank, text } from '../../../validation';

export const companyFields: INodeProperties[] = [
	{ displayName: 'City', name: 'city', type: 'string', default: '' },
	{
		displayName: 'Country',
		name: 'country',
		type: 'string',
		default: '',
		placeholder: 'e.g. GB',
		description: 'ISO 3166-1 country code (country)',
	},
	{ displayName: 'Domain', name: 'domain', type: 'string', default: '', placeholder: 'e.g. example.com' },
	{
		displayName: 'Reference',
		name: 'ref',
		type: 'string',
		default: '',
		description: 'Your own reference for the company (ref)',
	},
];

/** Company body from parameter values; blank optional fields are left out. */
export function companyBody(values: IDataObject): IDataObject {
	const body: IDataObject = { name: text(values.name, 'Name', { required: true, maxLength: 256 }) };
	if (!isBlank(values.city)) body.city = text(values.city, 'City', { maxLength: 256 });
	if (!isBlank(values.country)) body.country = countryCode(values.country, 'Country');
	if (!isBlank(values.domain)) body.domain = text(values.domain, 'Domain', { maxLength: 256 });
	if (!isBlank(values.ref)) body.ref = text(values.ref, 'Reference', { maxLength: 256 });
	return body;
}
