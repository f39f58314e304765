import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as create from './create';
import * as get from './get';
import * as search from './search';
import * as update from './update';

export const operations: QredoResource = { create, get, search, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'], resource: ['company'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a company', description: 'POST /company' },
			{ name: 'Get', value: 'get', action: 'Get a company', description: 'GET /company/{company_id}' },
			{ name: 'Search', value: 'search', action: 'Search companies', description: 'GET /company/search' },
			{ name: 'Update', value: 'update', action: 'Update a company', description: 'PUT /company/{company_id}' },
		],
		default: 'get',
	},
	...create.description,
	...get.description,
	...search.description,
	...update.description,
];
