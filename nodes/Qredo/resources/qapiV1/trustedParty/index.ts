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
		displayOptions: { show: { api: ['qapiV1'], resource: ['trustedParty'] } },
		options: [
			{ name: 'Get Many', value: 'getAll', action: 'Get many trusted parties', description: 'Personal accounts only; one item per member' },
		],
		default: 'getAll',
	},
	...getAll.description,
];
