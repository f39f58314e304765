import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as calculate from './calculate';

export const operations: QredoResource = { calculate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'], resource: ['fee'] } },
		options: [
			{
				name: 'Calculate',
				value: 'calculate',
				action: 'Calculate the fees of a transaction',
				description: 'Net amount, amount to send and fees, in base units',
			},
		],
		default: 'calculate',
	},
	...calculate.description,
];
