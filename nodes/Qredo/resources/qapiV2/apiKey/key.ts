/** The workspace comes from the credential; the key defaults to the credential's own API key. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { QredoInputError } from '../../../../../lib/errors';
import { apiPath, credentialFor } from '../../../transport';
import { isBlank, qredoId } from '../../../validation';

export const apiKeyIdField: INodeProperties = {
	displayName: 'API Key ID',
	name: 'apiKeyId',
	type: 'string',
	typeOptions: { password: true },
	default: '',
	description: "The API key (keyID); leave empty for the credential's own Qredo API v2 key. The workspace is the credential's.",
};

export async function apiKeyPath(context: IExecuteFunctions, itemIndex: number): Promise<{ path: string; keyGiven: string | undefined }> {
	const { qapiV2WorkspaceId, qapiV2ApiKeyId } = await credentialFor(context);
	const given = context.getNodeParameter('apiKeyId', itemIndex, '');
	const keyId = isBlank(given) ? qapiV2ApiKeyId : qredoId(given, 'API Key ID');
	if (qapiV2WorkspaceId === '' || keyId === '') {
		throw new QredoInputError('qapiV2', 'the Qredo API v2 section (API key ID, secret and workspace ID) filled in the Qredo API credential');
	}
	return { path: apiPath('workspaces', qredoId(qapiV2WorkspaceId, 'Workspace ID'), 'apikeys', qredoId(keyId, 'API Key ID')), keyGiven: isBlank(given) ? undefined : keyId };
}
