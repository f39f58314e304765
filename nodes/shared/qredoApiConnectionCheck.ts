/**
 * "Test" for the Qredo API credential, shared by every node that uses it (Qredo, Qredo Trigger): one harmless call
 * per filled section (Partner API: GET /assets; Qredo API v1: GET /account; Qredo API v2: the HMAC token login), each
 * reported by name. The test context has no modern HTTP helper, and the signing lives in lib/transport anyway, so it
 * calls that directly.
 */
import type { ICredentialDataDecryptedObject, ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { QredoInputError } from '../../lib/errors';
import { qredoRequest } from '../../lib/transport/request';
import { QredoApiError } from '../../lib/wire/errors';
import { qredoApiAccess, type QredoApiAccess, type QredoSurface, surfaceAccess, text } from './qredoApiCredential';
import { describeApiError, SURFACE_NAMES } from './qredoErrors';

const SECTION_FIELDS: Record<QredoSurface, string[]> = {
	partnerApi: ['partnerApiKey', 'rsaPrivateKey'],
	qapiV1: ['qapiV1ApiKeyId', 'qapiV1Secret'],
	qapiV2: ['qapiV2ApiKeyId', 'qapiV2Secret', 'qapiV2WorkspaceId'],
};

const CHECK_TIMEOUT_MS = 15_000;
const CHECK_RETRY = { max429Retries: 0, max5xxRetries: 1 };

function filledSections(data: ICredentialDataDecryptedObject): QredoSurface[] {
	return (Object.keys(SECTION_FIELDS) as QredoSurface[]).filter((surface) => SECTION_FIELDS[surface].some((field) => text(data, field) !== ''));
}

async function checkSection(access: QredoApiAccess, surface: QredoSurface): Promise<void> {
	const { baseUrl, auth } = surfaceAccess(access, surface);
	if (surface === 'qapiV2') {
		if (auth.kind !== 'qapiV2') throw new QredoInputError('qapiV2', 'API v2 token authentication');
		await auth.tokens.getToken();
		return;
	}
	const path = surface === 'partnerApi' ? '/assets' : '/account';
	await qredoRequest({ method: 'GET', url: baseUrl + path, auth, timeoutMs: CHECK_TIMEOUT_MS, retry: CHECK_RETRY });
}

function failureText(error: unknown): string {
	if (error instanceof QredoApiError) return describeApiError(error);
	return error instanceof Error ? error.message : String(error);
}

export async function qredoApiConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const sections = filledSections(data);
	if (sections.length === 0) {
		return { status: 'Error', message: 'Nothing to test: fill in at least one section (Partner API, Qredo API v1 or Qredo API v2)' };
	}
	let access: QredoApiAccess;
	try {
		access = qredoApiAccess(data);
	} catch (error) {
		return { status: 'Error', message: `Credential: ${failureText(error)}` };
	}
	if (sections.includes('qapiV2') && access.auth.qapiV2 === undefined) {
		// The adapter leaves API v2 out when the environment has no v2 URL; say so rather than skip it silently.
		access.auth.qapiV2 = { kind: 'none' };
	}
	const outcomes = await Promise.all(
		sections.map(async (surface) => {
			try {
				await checkSection(access, surface);
				return { surface, failure: undefined };
			} catch (error) {
				return { surface, failure: failureText(error) };
			}
		}),
	);
	const verified = outcomes.filter((outcome) => outcome.failure === undefined).map((outcome) => SURFACE_NAMES[outcome.surface]);
	const failures = outcomes.filter((outcome) => outcome.failure !== undefined).map((outcome) => `${SURFACE_NAMES[outcome.surface]}: ${outcome.failure}`);
	if (failures.length === 0) return { status: 'OK', message: `Verified: ${verified.join(', ')}` };
	return { status: 'Error', message: failures.join('; ') + (verified.length > 0 ? `. Verified: ${verified.join(', ')}` : '') };
}
