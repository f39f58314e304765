import type { INodeProperties } from 'n8n-workflow';

/** Environment and custom base URLs, shared by both Qredo credential types (lib/environments.ts resolves them). */
export const environmentFields: INodeProperties[] = [
	{
		displayName: 'Environment',
		name: 'environment',
		type: 'options',
		default: 'production',
		options: [
			{ name: 'Production', value: 'production', description: 'api.qredo.network and api-v2.qredo.network' },
			{ name: 'Qredo Sandbox (Hosted)', value: 'sandbox', description: "Qredo's own test environment: sandbox-api.qredo.network (Partner API and Qredo API v1)" },
			{ name: 'Play (Deprecated)', value: 'play', description: 'play-api.qredo.network (Partner API)' },
			{ name: 'Custom URLs (e.g. Local Sandbox)', value: 'custom', description: 'Base URLs you enter, e.g. the local `qredo sandbox` on this machine' },
		],
	},
	{
		displayName: 'Partner API Base URL',
		name: 'partnerApiBaseUrl',
		type: 'string',
		default: '',
		placeholder: 'http://127.0.0.1:8080/api/v1/p',
		description: 'Partner API and core-client (agent) endpoints, including /api/v1/p',
		displayOptions: { show: { environment: ['custom'] } },
	},
	{
		displayName: 'Qredo API V1 Base URL',
		name: 'qapiV1BaseUrl',
		type: 'string',
		default: '',
		placeholder: 'http://127.0.0.1:8080/qapi/v1',
		description: 'Qredo API v1 ("qapi"), including /qapi/v1',
		displayOptions: { show: { environment: ['custom'] } },
	},
	{
		displayName: 'Qredo API V2 Base URL',
		name: 'qapiV2BaseUrl',
		type: 'string',
		default: '',
		placeholder: 'http://127.0.0.1:8080/api/v2',
		description: 'Qredo API v2, including /api/v2',
		displayOptions: { show: { environment: ['custom'] } },
	},
];
