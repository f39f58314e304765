import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as cancel from './cancel';
import * as get from './get';
import * as make from './make';
import * as take from './take';

export const operations: QredoResource = { cancel, get, make, take };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'], resource: ['atomicSwap'] } },
		options: [
			{ name: 'Cancel', value: 'cancel', action: 'Cancel an atomic swap', description: 'Withdraw an offer this company made' },
			{ name: 'Get', value: 'get', action: 'Get an atomic swap' },
			{ name: 'Make', value: 'make', action: 'Make an atomic swap offer' },
			{ name: 'Take', value: 'take', action: 'Take an atomic swap offer' },
		],
		default: 'get',
	},
	...cancel.description,
	...get.description,
	...make.description,
	...take.description,
];
