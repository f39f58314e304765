import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as create from './create';
import * as get from './get';
import * as getAll from './getAll';
import * as update from './update';

export const operations: QredoResource = { create, get, getAll, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'], resource: ['company'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a company', description: 'A company your Partner API key manages (for a client of yours)' },
			{ name: 'Get', value: 'get', action: 'Get a company' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many companies', description: 'Companies whose name matches a search text' },
			{ name: 'Update', value: 'update', action: 'Update a company', description: 'Change the fields you give; the rest stay as they are' },
		],
		default: 'get',
	},
	...create.description,
	...get.description,
	...getAll.description,
	...update.description,
];
