/**
 * Turns the decrypted "Qredo API" credential into transport auth schemes, one per filled section. Nothing here
 * is sent anywhere; the values stay in memory for the duration of one execution.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { loadRsaPrivateKey, NonceSource } from '../../lib/auth/partnerApi';
import { decodeApiSecret } from '../../lib/auth/hmac';
import { QredoV2TokenSource } from '../../lib/transport/v2Tokens';
import { type QredoBaseUrls, type QredoEnvironment, requireBaseUrl, resolveBaseUrls } from '../../lib/environments';
import { QredoInputError } from '../../lib/errors';
import type { AuthScheme } from '../../lib/transport/request';

export type QredoSurface = keyof QredoBaseUrls;

export interface QredoApiAccess {
	environment: QredoEnvironment;
	urls: QredoBaseUrls;
	/** auth per surface; a surface whose section is empty is absent */
	auth: Partial<Record<QredoSurface, AuthScheme>>;
}

const SECTION_HINT: Record<QredoSurface, string> = {
	partnerApi: 'the Partner API section (API key and RSA private key)',
	qapiV1: 'the Qredo API v1 section (API key ID and secret)',
	qapiV2: 'the Qredo API v2 section (API key ID, secret and workspace ID)',
};

export function text(data: ICredentialDataDecryptedObject, name: string): string {
	const value = data[name];
	return typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : String(value);
}

/** The environment and base URLs every Qredo credential carries. */
export function credentialUrls(data: ICredentialDataDecryptedObject): { environment: QredoEnvironment; urls: QredoBaseUrls } {
	const environment = (text(data, 'environment') || 'production') as QredoEnvironment;
	const urls = resolveBaseUrls(environment, {
		partnerApi: text(data, 'partnerApiBaseUrl'),
		qapiV1: text(data, 'qapiV1BaseUrl'),
		qapiV2: text(data, 'qapiV2BaseUrl'),
	});
	return { environment, urls };
}

/** Both fields of a section filled, or neither; half a section is a mistake worth naming. */
function section(data: ICredentialDataDecryptedObject, fields: Record<string, string>): boolean {
	const filled = Object.keys(fields).filter((name) => text(data, name) !== '');
	if (filled.length === 0) return false;
	const missing = Object.keys(fields).filter((name) => text(data, name) === '');
	if (missing.length > 0) throw new QredoInputError(missing[0], `${fields[missing[0]]} (the rest of its section is filled)`);
	return true;
}

export function qredoApiAccess(data: ICredentialDataDecryptedObject): QredoApiAccess {
	const { environment, urls } = credentialUrls(data);
	const auth: QredoApiAccess['auth'] = {};
	if (section(data, { partnerApiKey: 'the Partner API key', rsaPrivateKey: 'the RSA private key (PEM)' })) {
		auth.partnerApi = {
			kind: 'partner',
			apiKey: text(data, 'partnerApiKey'),
			privateKey: loadRsaPrivateKey(text(data, 'rsaPrivateKey'), 'rsaPrivateKey'),
			nonce: text(data, 'partnerReplayProtection') === 'nonce' ? new NonceSource() : undefined,
		};
	}
	if (section(data, { qapiV1ApiKeyId: 'the Qredo API v1 key ID', qapiV1Secret: 'the Qredo API v1 secret' })) {
		decodeApiSecret(text(data, 'qapiV1Secret'), 'qapiV1Secret');
		auth.qapiV1 = { kind: 'qapiV1', apiKey: text(data, 'qapiV1ApiKeyId'), secret: text(data, 'qapiV1Secret') };
	}
	if (
		section(data, {
			qapiV2ApiKeyId: 'the Qredo API v2 key ID',
			qapiV2Secret: 'the Qredo API v2 secret',
			qapiV2WorkspaceId: 'the Qredo API v2 workspace ID',
		}) &&
		urls.qapiV2
	) {
		auth.qapiV2 = {
			kind: 'qapiV2',
			tokens: new QredoV2TokenSource({
				baseUrl: urls.qapiV2,
				workspaceId: text(data, 'qapiV2WorkspaceId'),
				apiKeyId: text(data, 'qapiV2ApiKeyId'),
				apiSecret: text(data, 'qapiV2Secret'),
			}),
		};
	}
	return { environment, urls, auth };
}

/** Base URL and auth for one surface, or an error naming the credential section to fill. */
export function surfaceAccess(access: QredoApiAccess, surface: QredoSurface): { baseUrl: string; auth: AuthScheme } {
	const auth = access.auth[surface];
	if (!auth) throw new QredoInputError(surface, `${SECTION_HINT[surface]} filled in the Qredo API credential`);
	return { baseUrl: requireBaseUrl(access.urls, surface, access.environment), auth };
}
