import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as list from './list';

export const operations: QredoResource = { list };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'], resource: ['asset'] } },
		options: [
			{
				name: 'List',
				value: 'list',
				action: 'List supported assets',
				description: 'Every asset with its code, base unit and scale (base units per coin), one item each',
			},
		],
		default: 'list',
	},
	...list.description,
];
