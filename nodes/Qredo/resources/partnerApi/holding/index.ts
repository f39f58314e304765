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
		displayOptions: { show: { api: ['partnerApi'], resource: ['holding'] } },
		options: [{ name: 'Get Many', value: 'getAll', action: 'Get many holdings', description: 'Total per asset across the company\'s funds, one item per asset' }],
		default: 'getAll',
	},
	...getAll.description,
];
