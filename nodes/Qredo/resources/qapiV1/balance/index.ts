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
		displayOptions: { show: { api: ['qapiV1'], resource: ['balance'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get balances', description: 'One item per asset: total, available, pending in and out' },
		],
		default: 'get',
	},
	...get.description,
];
