import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as getAll from './getAll';

export const operations: QredoResource = { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'], resource: ['asset'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many assets',
				description: 'Every asset with its code, base unit and scale (base units per coin), one item each',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
