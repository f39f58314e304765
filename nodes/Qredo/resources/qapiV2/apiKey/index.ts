import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as get from './get';
import * as registerKeys from './registerKeys';

export const operations: QredoResource = { get, registerKeys };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['qapiV2'], resource: ['apiKey'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get an API key' },
			{
				name: 'Register Keys',
				value: 'registerKeys',
				action: 'Register BLS and EC keys for an API key',
				description: 'Returns the action ID to approve with the new BLS key',
			},
		],
		default: 'registerKeys',
	},
	...get.description,
	...registerKeys.description,
];
