import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as create from './create';
import * as getStatus from './getStatus';

export const operations: QredoResource = { create, getStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'], resource: ['transfer'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a transfer', description: 'Move assets to another Qredo wallet; custodians then approve it' },
			{ name: 'Get Status', value: 'getStatus', action: 'Get the status of a transfer' },
		],
		default: 'create',
	},
	...create.description,
	...getStatus.description,
];
