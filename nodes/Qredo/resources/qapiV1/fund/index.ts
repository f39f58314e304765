import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as get from './get';
import * as getLedger from './getLedger';
import * as getAll from './getAll';

export const operations: QredoResource = { get, getLedger, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['qapiV1'], resource: ['fund'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get a fund' },
			{ name: 'Get Ledger', value: 'getLedger', action: 'Get the ledger of a fund', description: 'Every entry, one item each (not paged)' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many funds', description: 'One item per fund (not paged)' },
		],
		default: 'getAll',
	},
	...get.description,
	...getLedger.description,
	...getAll.description,
];
