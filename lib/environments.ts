/**
 * Where each Qredo API surface lives (docs/protocol.md §2). The local sandbox and any private deployment are
 * "custom": the user gives the three base URLs, and the websocket feed URLs are derived from them.
 */
import { QredoInputError } from './errors';

export type QredoEnvironment = 'production' | 'sandbox' | 'play' | 'custom';

export interface QredoBaseUrls {
	/** Partner API, including the core-client (agent) endpoints, e.g. https://api.qredo.network/api/v1/p */
	partnerApi?: string;
	/** Qredo API v1 ("qapi"), e.g. https://api.qredo.network/qapi/v1 */
	qapiV1?: string;
	/** Qredo API v2, e.g. https://api-v2.qredo.network/api/v2 */
	qapiV2?: string;
}

const KNOWN: Record<Exclude<QredoEnvironment, 'custom'>, QredoBaseUrls> = {
	production: {
		partnerApi: 'https://api.qredo.network/api/v1/p',
		qapiV1: 'https://api.qredo.network/qapi/v1',
		qapiV2: 'https://api-v2.qredo.network/api/v2',
	},
	// No public source gives sandbox or play hosts for API v2 (or play for qapi v1): those stay undefined and
	// produce a clear error instead of a guessed URL.
	sandbox: {
		partnerApi: 'https://sandbox-api.qredo.network/api/v1/p',
		qapiV1: 'https://sandbox-api.qredo.network/qapi/v1',
	},
	play: {
		partnerApi: 'https://play-api.qredo.network/api/v1/p',
	},
};

/** How each surface is named in messages. */
export const SURFACE_NAMES: Record<keyof QredoBaseUrls, string> = {
	partnerApi: 'Partner API',
	qapiV1: 'Qredo API v1',
	qapiV2: 'Qredo API v2',
};

/** Checks a user-given base URL: http(s), no query or fragment, no trailing slash kept. */
export function normaliseBaseUrl(value: string, field: string): string {
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		throw new QredoInputError(field, 'an absolute http:// or https:// URL, e.g. http://127.0.0.1:8080/api/v2');
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new QredoInputError(field, 'an http:// or https:// URL', `got ${url.protocol}`);
	}
	if (url.search || url.hash) throw new QredoInputError(field, 'a base URL without query string or fragment');
	if (url.username || url.password) throw new QredoInputError(field, 'a base URL without user name or password');
	return url.toString().replace(/\/+$/, '');
}

export function resolveBaseUrls(environment: QredoEnvironment, custom: QredoBaseUrls = {}): QredoBaseUrls {
	if (environment === 'custom') {
		const urls: QredoBaseUrls = {};
		for (const key of Object.keys(SURFACE_NAMES) as Array<keyof QredoBaseUrls>) {
			const value = custom[key];
			if (value !== undefined && value.trim() !== '') urls[key] = normaliseBaseUrl(value, `${key}BaseUrl`);
		}
		return urls;
	}
	const known = KNOWN[environment];
	if (!known) throw new QredoInputError('environment', 'one of production, sandbox, play, custom');
	return { ...known };
}

/** The base URL of one surface, or an error that says which environment lacks it and what to do. */
export function requireBaseUrl(urls: QredoBaseUrls, surface: keyof QredoBaseUrls, environment: QredoEnvironment): string {
	const url = urls[surface];
	if (url) return url;
	const name = SURFACE_NAMES[surface];
	throw new QredoInputError(
		`${surface}BaseUrl`,
		environment === 'custom'
			? `the ${name} base URL (environment "custom" needs it for this operation)`
			: `a ${name} URL, which environment "${environment}" does not have; choose "custom" and enter it`,
	);
}

/** ws(s):// URL for a feed path under an http(s) base URL. */
export function websocketUrl(baseUrl: string, path: string): string {
	return baseUrl.replace(/^http/, 'ws') + path;
}
