import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as add from './add';
import * as del from './delete';
import * as getAll from './getAll';

export const operations: QredoResource = { add, delete: del, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'], resource: ['trustedParty'] } },
		options: [
			{ name: 'Add', value: 'add', action: 'Add a trusted party', description: 'Add a user, company or agent to the trusted network' },
			{ name: 'Delete', value: 'delete', action: 'Delete a trusted party' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many trusted parties', description: 'Every trusted party of the company (not paged)' },
		],
		default: 'getAll',
	},
	...add.description,
	...del.description,
	...getAll.description,
];
