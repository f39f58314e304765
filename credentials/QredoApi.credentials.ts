import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { environmentFields } from './environmentFields';

/**
 * Qredo API access for reading and initiating: Partner API (RSA), Qredo API v1 (HMAC) and Qredo API v2 (HMAC → JWT).
 * It holds no approver key: signing approvals needs the separate "Qredo Approver" credential, so a workflow that
 * initiates transfers cannot also approve them. Fill only the sections you use; "Test" checks each filled section.
 */
export class QredoApi implements ICredentialType {
	name = 'qredoApi';

	displayName = 'Qredo API';

	icon = { light: 'file:../icons/qredo.svg', dark: 'file:../icons/qredo.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-qredo/n8n-nodes-qredo#credentials';

	properties: INodeProperties[] = [
		...environmentFields,
		{
			displayName: 'Partner API',
			name: 'partnerNotice',
			type: 'notice',
			default: '',
			description: 'The API key and RSA private key registered in the Qredo web app (Partner API, RSA-signed requests)',
		},
		{
			displayName: 'Partner API Key',
			name: 'partnerApiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The API key string copied from the Qredo web app (sent as x-api-key)',
		},
		{
			displayName: 'RSA Private Key',
			name: 'rsaPrivateKey',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			placeholder: 'Paste the whole PEM file (PKCS#1 or PKCS#8)',
			description: 'PEM, PKCS#1 or PKCS#8, of the RSA key whose public key is registered with the Partner API key',
		},
		{
			displayName: 'Partner API Replay Protection',
			name: 'partnerReplayProtection',
			type: 'options',
			default: 'timestamp',
			options: [
				{ name: 'Timestamp (x-timestamp)', value: 'timestamp' },
				{ name: 'Nonce (x-nonce, Strictly Increasing)', value: 'nonce' },
			],
		},
		{
			displayName: 'Qredo API V1 Key ID',
			name: 'qapiV1ApiKeyId',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The API key ID shown in the web app (sent as qredo-api-key)',
		},
		{
			displayName: 'Qredo API V1 Secret',
			name: 'qapiV1Secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The base64 API secret shown once when the key was created',
		},
		{
			displayName: 'Qredo API V2 Key ID',
			name: 'qapiV2ApiKeyId',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Qredo API V2 Secret',
			name: 'qapiV2Secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Qredo API V2 Workspace ID',
			name: 'qapiV2WorkspaceId',
			type: 'string',
			default: '',
		},
	];
}
