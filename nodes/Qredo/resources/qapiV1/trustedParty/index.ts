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
		displayOptions: { show: { api: ['qapiV1'], resource: ['trustedParty'] } },
		options: [
			{ name: 'List', value: 'list', action: 'List trusted parties', description: 'Personal accounts only; one item per member' },
		],
		default: 'list',
	},
	...list.description,
];
