/**
 * The "Test" button of the Qredo API credential: one cheap authenticated call per filled section, reporting which
 * section failed and why (Partner API: GET /assets; Qredo API v1: GET /account; Qredo API v2: token login).
 */
import type { ICredentialDataDecryptedObject, INodeCredentialTestResult } from 'n8n-workflow';
import { qredoRequest } from '../../lib/transport/request';
import { qredoApiAccess, type QredoApiAccess, type QredoSurface, surfaceAccess } from './qredoApiCredential';

const PROBES: Record<QredoSurface, { name: string; path: string }> = {
	partnerApi: { name: 'Partner API', path: '/assets' },
	qapiV1: { name: 'Qredo API v1', path: '/account' },
	qapiV2: { name: 'Qredo API v2', path: '' },
};

async function probe(access: QredoApiAccess, surface: QredoSurface): Promise<void> {
	const { baseUrl, auth } = surfaceAccess(access, surface);
	if (auth.kind === 'qapiV2') {
		await auth.tokens.getToken();
		return;
	}
	await qredoRequest({ method: 'GET', url: baseUrl + PROBES[surface].path, auth, timeoutMs: 15_000, retry: { max5xxRetries: 0, max429Retries: 0 } });
}

export async function testQredoApiCredential(data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
	let access: QredoApiAccess;
	try {
		access = qredoApiAccess(data);
	} catch (error) {
		return { status: 'Error', message: `Credential values: ${(error as Error).message}` };
	}
	const surfaces = (Object.keys(PROBES) as QredoSurface[]).filter((surface) => access.auth[surface] !== undefined);
	if (surfaces.length === 0) {
		return { status: 'Error', message: 'No section is filled: enter a Partner API key, a Qredo API v1 key or a Qredo API v2 key' };
	}
	const failures: string[] = [];
	for (const surface of surfaces) {
		try {
			await probe(access, surface);
		} catch (error) {
			failures.push(`${PROBES[surface].name}: ${(error as Error).message}`);
		}
	}
	if (failures.length > 0) return { status: 'Error', message: failures.join('; ') };
	return { status: 'OK', message: `Verified: ${surfaces.map((surface) => PROBES[surface].name).join(', ')}` };
}
