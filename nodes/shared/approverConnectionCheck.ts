/**
 * The "Test" button of the Qredo Approver API credential: proves the approver can reach its feed and that Qredo
 * accepts its authentication, and (v2) that the BLS key is the one registered on the API key. Says which step failed.
 */
import type { ICredentialDataDecryptedObject, ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { bytesToHex, base64ToBytes } from '../../lib/crypto/bytes';
import { FeedClient } from '../../lib/feed/feedClient';
import { qredoRequest } from '../../lib/transport/request';
import { approverAccess, approverFeedDial, type ApproverAccess } from './approverCredential';
import { withDeadline } from '../../lib/deadline';

const PROBE_TIMEOUT_MS = 15_000;

async function probeFeed(access: ApproverAccess): Promise<void> {
	const client = new FeedClient({ dial: approverFeedDial(access), onMessage: () => undefined, name: 'credential test' });
	try {
		client.start();
		await withDeadline(client.connectedOnce(), PROBE_TIMEOUT_MS, () => {
			throw new Error(`the feed did not open within ${PROBE_TIMEOUT_MS / 1000} s`);
		});
	} finally {
		await client.stop();
	}
}

/** The BLS key registered on a v2 API key, when the server shows it (hex), or undefined. */
async function registeredV2Key(access: ApproverAccess, workspaceId: string): Promise<string | undefined> {
	const response = await qredoRequest<Record<string, unknown>>({
		method: 'GET',
		url: `${access.baseUrl}/workspaces/${encodeURIComponent(workspaceId)}/apikeys/${encodeURIComponent(access.approverId)}`,
		auth: { kind: 'qapiV2', tokens: access.tokens! },
	});
	const key = response.body?.blsPublicKey;
	return typeof key === 'string' && key !== '' ? bytesToHex(base64ToBytes(key, 'blsPublicKey')) : undefined;
}

export async function testApproverCredential(data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
	let access: ApproverAccess;
	try {
		access = approverAccess(data);
	} catch (error) {
		return { status: 'Error', message: `Credential values: ${(error as Error).message}` };
	}
	const who = access.protocol === 'v2' ? `API key ${access.approverId}` : `agent ${access.approverId}`;
	const notes: string[] = [];
	if (access.protocol === 'v2') {
		try {
			await access.tokens!.getToken();
		} catch (error) {
			return { status: 'Error', message: `Qredo API v2 login (HMAC) failed: ${(error as Error).message}` };
		}
		try {
			const registered = await registeredV2Key(access, String(data.workspaceId ?? '').trim());
			if (registered !== undefined && registered !== access.signer.publicKey) {
				return {
					status: 'Error',
					message: `The BLS private key does not belong to the key registered on ${who}: its approvals would be rejected. Use the key from \`qredo register v2\`.`,
				};
			}
			notes.push(registered === undefined ? 'registered BLS key not shown by the server' : 'BLS key matches the registered key');
		} catch (error) {
			notes.push(`could not read the API key's registered keys (${(error as Error).message})`);
		}
	}
	try {
		await probeFeed(access);
	} catch (error) {
		const scheme = access.protocol === 'v2' ? 'x-token' : 'M-Pin (x-api-zkp)';
		return { status: 'Error', message: `Pending-actions feed (${scheme}) for ${who}: ${(error as Error).message}` };
	}
	return { status: 'OK', message: `Connected as ${who}: login and feed OK${notes.length ? `; ${notes.join('; ')}` : ''}` };
}

/** The credentialTest method both approver nodes (Qredo Trigger, Qredo Approve/Reject) register. */
export async function qredoApproverConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return testApproverCredential(credential.data ?? {});
}
