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
		displayOptions: { show: { api: ['partnerApi'], resource: ['holding'] } },
		options: [{ name: 'List', value: 'list', action: 'List holdings', description: 'Total per asset across the company\'s funds, one item per asset' }],
		default: 'list',
	},
	...list.description,
];
