import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as add from './add';
import * as getAll from './getAll';

export const operations: QredoResource = { add, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'], resource: ['liquidityHub'] } },
		options: [
			{ name: 'Add', value: 'add', action: 'Add a swap to the liquidity hub' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many liquidity hub offers', description: 'Every active offer, one item each (not paged)' },
		],
		default: 'getAll',
	},
	...add.description,
	...getAll.description,
];
