import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as get from './get';
import * as getHistory from './getHistory';
import * as getMaxSendable from './getMaxSendable';

export const operations: QredoResource = { get, getHistory, getMaxSendable };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'], resource: ['wallet'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get a wallet', description: 'Address, balance and custody policies' },
			{ name: 'Get History', value: 'getHistory', action: 'Get the history of a wallet', description: 'Settled movements, one item each' },
			{
				name: 'Get Max Sendable',
				value: 'getMaxSendable',
				action: 'Get the maximum sendable amount of a wallet',
				description: 'Largest amount that can leave the wallet, net of fees',
			},
		],
		default: 'get',
	},
	...get.description,
	...getHistory.description,
	...getMaxSendable.description,
];
