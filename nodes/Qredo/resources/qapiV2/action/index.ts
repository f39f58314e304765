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
		displayOptions: { show: { api: ['qapiV2'], resource: ['action'] } },
		options: [{ name: 'Get', value: 'get', action: 'Get an action', description: 'Status and the messages to sign' }],
		default: 'get',
	},
	...get.description,
];
