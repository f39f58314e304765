import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { environmentFields } from './environmentFields';

/**
 * An approver identity: the keys that BLS-sign approve/reject decisions, as Qredo's Signing Agent holds them.
 * v2 ("API key approver", Signing Agent v2): an API key of Qredo API v2 with registered BLS/EC keys.
 * v1 ("core-client agent", Signing Agent v1): an agent registered through /coreclient/init and /coreclient/finish.
 * `qredo register v1|v2` produces every value. This credential holds no Partner API key (role separation).
 */
export class QredoApproverApi implements ICredentialType {
	name = 'qredoApproverApi';

	displayName = 'Qredo Approver API';

	icon = { light: 'file:../icons/qredo.svg', dark: 'file:../icons/qredo.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-qredo/n8n-nodes-qredo#credentials';

	properties: INodeProperties[] = [
		...environmentFields,
		{
			displayName: 'Approver Type',
			name: 'approverType',
			type: 'options',
			default: 'v2',
			options: [
				{
					name: 'API Key Approver (Qredo API V2)',
					value: 'v2',
					description: 'Feed: /actions/signrequests. Decisions: POST /actions/{ID}.',
				},
				{
					name: 'Core-Client Agent (Signing Agent V1)',
					value: 'v1',
					description: 'Feed: /coreclient/feed. Decisions: PUT/DELETE /coreclient/action/{ID} with M-Pin tokens.',
				},
			],
		},
		{
			displayName: 'API Key ID',
			name: 'apiKeyId',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { approverType: ['v2'] } },
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { approverType: ['v2'] } },
		},
		{
			displayName: 'Workspace ID',
			name: 'workspaceId',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { approverType: ['v2'] } },
		},
		{
			displayName: 'Agent ID',
			name: 'agentId',
			type: 'string',
			default: '',
			required: true,
			description: 'The accountCode returned by /coreclient/init',
			displayOptions: { show: { approverType: ['v1'] } },
		},
		{
			displayName: 'M-Pin Identity (Hex)',
			name: 'mpinIdentity',
			type: 'string',
			default: '',
			required: true,
			description: 'The clientID returned by /coreclient/init (hex of the identity JSON)',
			displayOptions: { show: { approverType: ['v1'] } },
		},
		{
			displayName: 'M-Pin Client Secret (Hex)',
			name: 'mpinClientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The clientSecret returned by /coreclient/init (97 bytes). A Signing Agent v1 zkptoken also works when the agent PIN is set below.',
			displayOptions: { show: { approverType: ['v1'] } },
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- the PIN unlocks a Signing Agent v1 token
		{
			displayName: 'Signing Agent PIN',
			name: 'mpinPin',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only for a zkptoken imported from a Signing Agent v1 store: its base.pin (digits). Leave empty for a client secret.',
			displayOptions: { show: { approverType: ['v1'] } },
		},
		{
			displayName: 'BLS Key Source',
			name: 'blsKeySource',
			type: 'options',
			default: 'privateKey',
			options: [
				{ name: 'BLS Private Key', value: 'privateKey' },
				{ name: 'Signing Agent V1 Seed (Bls_seed)', value: 'seed' },
			],
		},
		{
			displayName: 'BLS Private Key',
			name: 'blsPrivateKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: '48 bytes as hex (96 characters) or base64',
			displayOptions: { show: { blsKeySource: ['privateKey'] } },
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- the seed derives the private key
		{
			displayName: 'BLS Seed',
			name: 'blsSeed',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The 48-byte bls_seed of a Signing Agent v1 key store, hex or base64; keys are derived as the agent does',
			displayOptions: { show: { blsKeySource: ['seed'] } },
		},
		{
			displayName: 'EC Private Key',
			name: 'ecPrivateKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional secp256k1 key registered next to the BLS key (32 bytes hex or base64). Qredo does not use it for approvals today.',
		},
	];
}
