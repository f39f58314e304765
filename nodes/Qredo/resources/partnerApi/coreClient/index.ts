import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as approveAction from './approveAction';
import * as create from './create';
import * as getAction from './getAction';
import * as getAll from './getAll';
import * as getManyActions from './getManyActions';
import * as rejectAction from './rejectAction';
import * as sign from './sign';
import * as verify from './verify';

export const operations: QredoResource = { approveAction, create, getAction, getAll, getManyActions, rejectAction, sign, verify };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'], resource: ['coreClient'] } },
		options: [
			{ name: 'Approve Action', value: 'approveAction', action: 'Approve an action as a hosted core client', description: 'Qredo signs for its hosted client' },
			{ name: 'Create', value: 'create', action: 'Create a hosted core client' },
			{ name: 'Get Action', value: 'getAction', action: 'Get an action of a core client' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many hosted core clients' },
			{ name: 'Get Many Actions', value: 'getManyActions', action: 'Get many actions of a core client', description: 'One item per action (not paged)' },
			{ name: 'Reject Action', value: 'rejectAction', action: 'Reject an action as a hosted core client' },
			{ name: 'Sign', value: 'sign', action: 'Sign bytes with a hosted core client', description: 'BLS signature made by Qredo for the client' },
			{ name: 'Verify', value: 'verify', action: 'Verify a core client signature', description: 'Outputs valid: true or false' },
		],
		default: 'getAll',
	},
	...approveAction.description,
	...create.description,
	...getAction.description,
	...getAll.description,
	...getManyActions.description,
	...rejectAction.description,
	...sign.description,
	...verify.description,
];
