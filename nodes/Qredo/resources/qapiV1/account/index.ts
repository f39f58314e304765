import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as get from './get';

export const operations: QredoResource = { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['qapiV1'], resource: ['account'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get the account', description: 'Settings, members and API keys of the account' },
		],
		default: 'get',
	},
	...get.description,
];
