import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as create from './create';
import * as getStatus from './getStatus';
import * as getManyApprovals from './getManyApprovals';

export const operations: QredoResource = { create, getStatus, getManyApprovals };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['qapiV1'], resource: ['transaction'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a transaction', description: 'Submit an EVM transaction from a Web3 API wallet for approval' },
			{ name: 'Get Status', value: 'getStatus', action: 'Get the status of a transaction' },
			{ name: 'Get Many Approvals', value: 'getManyApprovals', action: 'Get many approvals of a transaction' },
		],
		default: 'getStatus',
	},
	...create.description,
	...getStatus.description,
	...getManyApprovals.description,
];
