import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { collectionParam, companyIdParam, companyLocator, forOperation, fundIdParam, fundLocator, idParam, walletLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { custodyGroup, optionalQredoId } from '../../../validation';

const properties: INodeProperties[] = [
	companyLocator(),
	fundLocator(),
	walletLocator('walletId', 'Wallet', 'The wallet whose policy changes (wallet_id)'),
	{
		displayName: 'Policy Type',
		name: 'policyType',
		type: 'options',
		default: 'policy-tx',
		options: [
			{ name: 'Transfer (Policy-Tx)', value: 'policy-tx' },
			{ name: 'Withdrawal (Policy-Withdraw)', value: 'policy-withdraw' },
		],
		description: 'Which custody policy of the wallet to set (type)',
	},
	{
		displayName: 'Threshold',
		name: 'threshold',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1,
		required: true,
		description: 'How many custodians must approve (threshold)',
	},
	{
		displayName: 'Members',
		name: 'members',
		type: 'string',
		default: '',
		required: true,
		description: 'Trusted-party IDs of the custodians, separated by commas (members)',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Policy ID',
				name: 'policyId',
				type: 'string',
				default: '',
				description: "ID of the wallet's current policy of this type (policy_id), as Wallet › Get shows it",
			},
		],
	},
];

export const description = forOperation('partnerApi', 'fund', 'setWalletPolicy', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const walletId = idParam(this, 'walletId', 'Wallet', itemIndex);
	const group = custodyGroup(this.getNodeParameter('threshold', itemIndex), this.getNodeParameter('members', itemIndex), 'Policy');
	const body: IDataObject = { type: this.getNodeParameter('policyType', itemIndex) as string, ...group };
	const policyId = optionalQredoId(collectionParam(this, 'additionalFields', itemIndex).policyId, 'Policy ID');
	if (policyId !== undefined) body.policy_id = policyId;
	const path = apiPath('company', companyIdParam(this, itemIndex), 'fund', fundIdParam(this, itemIndex), 'wallet', walletId, 'policy');
	const response = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'PUT', path, body, itemIndex });
	return { ...response, wallet_id: walletId, ...body };
}
