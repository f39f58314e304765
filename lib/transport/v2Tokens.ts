/**
 * The Qredo API v2 JWT for one API key (docs/protocol.md §1.2): an HMAC-signed login, then `x-token` on every call; the
 * JWT is refreshed once half its lifetime has passed, and a failed refresh falls back to a new login.
 */
import { decodeApiSecret } from '../auth/hmac';
import { qapiV2LoginHeaders } from '../auth/qredoApiV2';
import { headerToken, parseUrl } from '../auth/requestParts';
import { base64ToBytes } from '../crypto/bytes';
import { QredoInputError } from '../errors';
import { QredoTransportError } from '../wire/errors';
import { type QredoHttp, qredoRequest, type QredoRequestOptions, type QredoV2Tokens } from './request';

interface JwtTimes {
	exp?: number;
	iat?: number;
}

/** `exp` and `iat` of a JWT, read from the payload without verifying anything; empty for a malformed token. */
function decodeJwtTimes(token: string): JwtTimes {
	const parts = typeof token === 'string' ? token.split('.') : [];
	if (parts.length !== 3 || parts[1] === '') return {};
	let claims: unknown;
	try {
		claims = JSON.parse(Buffer.from(base64ToBytes(parts[1], 'token')).toString('utf8'));
	} catch {
		return {};
	}
	if (typeof claims !== 'object' || claims === null) return {};
	const { exp, iat } = claims as Record<string, unknown>;
	const seconds = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined);
	return { exp: seconds(exp), iat: seconds(iat) };
}

/** The `exp` claim (Unix seconds) of an unverified JWT, or undefined when the token is malformed or has none. */
export function decodeJwtExpiry(token: string): number | undefined {
	return decodeJwtTimes(token).exp;
}

export interface QredoV2TokenSourceOptions {
	/** e.g. https://api-v2.qredo.network/api/v2 */
	baseUrl: string;
	workspaceId: string;
	apiKeyId: string;
	/** base64 API secret */
	apiSecret: string;
	/** HTTP function; default qredoRequest */
	request?: QredoHttp;
	/** clock in milliseconds; default Date.now */
	now?: () => number;
	/** token lifetime assumed when the JWT carries no usable exp; default 10 minutes */
	fallbackTtlMs?: number;
}

const DEFAULT_FALLBACK_TTL_MS = 10 * 60_000;

function apiBaseUrl(baseUrl: string): string {
	const parsed = parseUrl(baseUrl);
	if (parsed === undefined) throw new QredoInputError('baseUrl', 'an absolute URL such as https://api-v2.qredo.network/api/v2');
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new QredoInputError('baseUrl', 'an http or https URL');
	if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
		throw new QredoInputError('baseUrl', 'a base URL without query, fragment or user/password');
	}
	return parsed.href.replace(/\/+$/, '');
}

/** A token from a 2xx body, checked so it cannot smuggle anything into a header. */
function tokenField(body: unknown, name: string, method: string, url: string): string {
	const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
	if (typeof value !== 'string' || !/^[\x21-\x7e]+$/.test(value)) {
		throw new QredoTransportError('response', method, url, `the response has no usable "${name}" string`);
	}
	return value;
}

/**
 * Hands out a valid Qredo API v2 JWT. Concurrent callers share one in-flight login or refresh.
 * Use it as the transport's `{ kind: 'qapiV2', tokens }`; the transport invalidates it on a 401 and retries once.
 */
export class QredoV2TokenSource implements QredoV2Tokens {
	private readonly loginUrl: string;
	private readonly refreshUrl: string;
	private readonly websocketTokenUrl: string;
	private readonly apiKeyId: string;
	private readonly secret: Uint8Array;
	private readonly request: QredoHttp;
	private readonly now: () => number;
	private readonly fallbackTtlMs: number;

	private token: string | undefined;
	private refreshAt = 0;
	private expiresAt = 0;
	private inFlight: Promise<string> | undefined;

	constructor(options: QredoV2TokenSourceOptions) {
		const base = apiBaseUrl(options.baseUrl);
		const workspace = encodeURIComponent(headerToken(options.workspaceId, 'workspaceId'));
		this.loginUrl = `${base}/workspaces/${workspace}/token`;
		this.refreshUrl = `${this.loginUrl}/refresh`;
		this.websocketTokenUrl = `${base}/websocket/token`;
		this.apiKeyId = headerToken(options.apiKeyId, 'apiKeyId');
		// Decoded once, up front: a bad secret fails at configuration time, not at the first call.
		this.secret = decodeApiSecret(options.apiSecret, 'apiSecret');
		this.request = options.request ?? qredoRequest;
		this.now = options.now ?? Date.now;
		const fallbackTtlMs = options.fallbackTtlMs ?? DEFAULT_FALLBACK_TTL_MS;
		if (!Number.isFinite(fallbackTtlMs) || fallbackTtlMs <= 0) throw new QredoInputError('fallbackTtlMs', 'a positive number of milliseconds');
		this.fallbackTtlMs = fallbackTtlMs;
	}

	getToken(): Promise<string> {
		if (this.token !== undefined && this.now() < this.refreshAt) return Promise.resolve(this.token);
		if (this.inFlight === undefined) {
			this.inFlight = this.renew().finally(() => {
				this.inFlight = undefined;
			});
		}
		return this.inFlight;
	}

	/**
	 * Forget the token (e.g. after a 401): the next getToken logs in again. With `rejectedToken`, only when that is
	 * still the current token, so concurrent 401s for one stale token cause one login, not one each.
	 */
	invalidate(rejectedToken?: string): void {
		if (rejectedToken !== undefined && rejectedToken !== this.token) return;
		this.token = undefined;
		this.refreshAt = 0;
		this.expiresAt = 0;
	}

	/** A short-lived token for `wss://…/actions/signrequests?token=…`, for clients that cannot set websocket headers. */
	async getWebsocketToken(): Promise<string> {
		const response = await this.request({
			method: 'POST',
			url: this.websocketTokenUrl,
			auth: { kind: 'qapiV2', tokens: this },
			// Issuing a websocket token changes nothing on the server, so a failed attempt may be repeated.
			idempotent: true,
		});
		return tokenField(response.body, 'wsToken', 'POST', this.websocketTokenUrl);
	}

	private async renew(): Promise<string> {
		const current = this.token;
		if (current !== undefined && this.now() < this.expiresAt) {
			try {
				return this.accept(await this.fetchToken(this.refreshUrl, { kind: 'custom', headers: () => ({ 'x-token': current }) }));
			} catch {
				// As the Signing Agent does: a failed refresh is answered by a fresh HMAC login below.
			}
		}
		return this.accept(
			await this.fetchToken(this.loginUrl, {
				kind: 'custom',
				headers: ({ method, url, body }) => qapiV2LoginHeaders({ apiKey: this.apiKeyId, secret: this.secret, method, url, body }),
			}),
		);
	}

	private async fetchToken(url: string, auth: QredoRequestOptions['auth']): Promise<string> {
		const response = await this.request({ method: 'GET', url, auth });
		return tokenField(response.body, 'token', 'GET', url);
	}

	/**
	 * Stores the token and schedules the refresh at half its lifetime. The lifetime is exp − iat when the token has
	 * both (immune to skew between our clock and Qredo's), else exp − now, else the fallback.
	 */
	private accept(token: string): string {
		const receivedAt = this.now();
		const { exp, iat } = decodeJwtTimes(token);
		const claimedTtlMs = exp === undefined ? undefined : (exp - (iat ?? receivedAt / 1000)) * 1000;
		const ttlMs = claimedTtlMs !== undefined && claimedTtlMs > 0 ? claimedTtlMs : this.fallbackTtlMs;
		this.token = token;
		this.refreshAt = receivedAt + ttlMs / 2;
		this.expiresAt = receivedAt + ttlMs;
		return token;
	}
}
