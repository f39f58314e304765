import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as getHistory from './getHistory';

export const operations: QredoResource = { getHistory };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['qapiV1'], resource: ['wallet'] } },
		options: [
			{ name: 'Get History', value: 'getHistory', action: 'Get the history of a wallet', description: 'One item per movement' },
		],
		default: 'getHistory',
	},
	...getHistory.description,
];
