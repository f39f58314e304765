import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as add from './add';
import * as list from './list';

export const operations: QredoResource = { add, list };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'], resource: ['liquidityHub'] } },
		options: [
			{ name: 'Add', value: 'add', action: 'Add a swap to the liquidity hub' },
			{ name: 'List', value: 'list', action: 'List liquidity hub offers', description: 'Every active offer, one item each (not paged)' },
		],
		default: 'list',
	},
	...add.description,
	...list.description,
];
