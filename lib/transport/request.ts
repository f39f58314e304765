/**
 * The one HTTP function every Qredo call goes through: it serialises the body once, signs exactly those bytes and
 * the exact URL it sends, applies timeouts and the retry policy (re-signing every attempt), and maps failures to
 * QredoApiError / QredoTransportError. Built on node:http(s) so bytes and headers are under our control.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { KeyObject } from 'node:crypto';
import { QredoInputError } from '../errors';
import { qapiV1Headers } from '../auth/qredoApiV1';
import { partnerHeaders, type NonceSource } from '../auth/partnerApi';
import { httpMethod, parseUrl } from '../auth/requestParts';
import { adoptServerClock, clockSkewSeconds } from '../auth/serverClock';
import { QredoApiError, QredoTransportError } from '../wire/errors';
import { checkEgress, describeProxy, EgressBlockedError, routeFor } from './outbound';

/** What the transport needs from a Qredo API v2 token source (QredoV2TokenSource implements it). */
export interface QredoV2Tokens {
	getToken(): Promise<string>;
	/** forget the token; with `rejectedToken`, only if that is still the current one */
	invalidate(rejectedToken?: string): void;
}

/** The request as it is signed: method upper-case, URL in normal form with the query, body bytes if any. */
export interface SignableRequest {
	method: string;
	url: string;
	body: Uint8Array | undefined;
}

export type AuthScheme =
	| { kind: 'partner'; apiKey: string; privateKey: KeyObject; nonce?: NonceSource }
	| { kind: 'qapiV1'; apiKey: string; secret: string }
	| { kind: 'qapiV2'; tokens: QredoV2Tokens }
	| { kind: 'zkp'; header: () => string | Promise<string> }
	/** headers computed from the exact request, e.g. the v2 HMAC login; called again for every attempt */
	| { kind: 'custom'; headers: (request: SignableRequest) => Record<string, string> | Promise<Record<string, string>> }
	| { kind: 'none' };

export interface RetryPolicy {
	/** 429 answers retried after their Retry-After; default 3 */
	max429Retries?: number;
	/** longest Retry-After we are willing to wait; beyond it the 429 is thrown at once; default 60 000 */
	maxRetryAfterMs?: number;
	/** 5xx answers and network errors retried (idempotent calls only); default 3 */
	max5xxRetries?: number;
	/** first backoff delay, doubled per retry, with jitter; default 500 */
	backoffBaseMs?: number;
	/** backoff cap; default 10 000 */
	backoffMaxMs?: number;
}

export interface QredoRequestOptions {
	method: string;
	/** absolute http(s) URL; may already carry a query string */
	url: string;
	/** appended to the URL (undefined values are left out); part of what is signed */
	query?: Record<string, string | number | boolean | undefined>;
	/** serialised once with JSON.stringify; that exact string is signed and sent */
	body?: unknown;
	auth: AuthScheme;
	/** per attempt, from sending to the last body byte; default 30 000 */
	timeoutMs?: number;
	retry?: RetryPolicy;
	/** allow retrying 5xx and network errors for a POST/PATCH; GET, HEAD, PUT and DELETE are idempotent by default */
	idempotent?: boolean;
	signal?: AbortSignal;
}

export interface QredoResponse<T> {
	status: number;
	/** lower-case names; repeated headers joined with ", " */
	headers: Record<string, string>;
	/** parsed JSON; the text when it is not JSON; undefined when empty */
	body: T;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRY: Required<RetryPolicy> = {
	max429Retries: 3,
	maxRetryAfterMs: 60_000,
	max5xxRetries: 3,
	backoffBaseMs: 500,
	backoffMaxMs: 10_000,
};
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);
/** A Partner API request refused in x-nonce mode is signed again with a fresh nonce this many times. */
const MAX_NONCE_RETRIES = 5;
/** Qredo answers are small JSON documents; refuse to buffer anything absurd. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export async function qredoRequest<T = unknown>(options: QredoRequestOptions): Promise<QredoResponse<T>> {
	const method = httpMethod(options.method);
	const url = requestUrl(options.url, options.query);
	const body = serialiseBody(options.body);
	const policy = retryPolicy(options.retry);
	const timeoutMs = positiveNumber(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'timeoutMs');
	const idempotent = options.idempotent ?? IDEMPOTENT_METHODS.has(method);
	const { auth, signal } = options;

	// Once per call, before anything is signed; each connection also resolves names through n8n's secure lookup.
	await egressAllowed(method, url);
	let retried429 = 0;
	let retried5xx = 0;
	let reauthenticated = false;
	let clockCorrected = false;
	let nonceRetries = 0;
	for (;;) {
		if (signal?.aborted) throw new QredoTransportError('aborted', method, url, 'aborted by the caller');
		// Signed afresh on every attempt: new timestamp, nonce, zkp token or JWT. In x-nonce mode the signing and the
		// exchange of one key take turns, so this process's nonces reach Qredo in the order they were issued.
		const attempt = async () => {
			const headers = await authenticate(auth, { method, url, body });
			const result = await send({ method, url, body, headers: requestHeaders(method, url, body, headers), timeoutMs, idempotent, signal }).then(
				(response) => ({ response }),
				(error: QredoTransportError) => ({ error }),
			);
			return { authHeaders: headers, outcome: result };
		};
		const { authHeaders, outcome } = auth.kind === 'partner' && auth.nonce !== undefined ? await inNonceLane(auth.apiKey, attempt) : await attempt();
		if ('error' in outcome) {
			// a proxy that refuses us (EPROXYAUTH, EPROXYREFUSED) will refuse the retry too
			const proxyRefusal = outcome.error.code?.startsWith('EPROXY') === true;
			const retryable = (outcome.error.kind === 'network' || outcome.error.kind === 'timeout') && !proxyRefusal;
			if (retryable && idempotent && retried5xx < policy.max5xxRetries) {
				await delay(backoffMs(policy, retried5xx++), signal);
				continue;
			}
			throw outcome.error;
		}
		const { response } = outcome;

		if (response.status >= 200 && response.status < 300) {
			return { status: response.status, headers: response.headers, body: parseBody(response.text) as T };
		}

		const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
		const refused = response.status === 401 || response.status === 403;
		// A refusal from a clock that drifted: adopt Qredo's time (its Date header) and sign again, once.
		if (refused && !clockCorrected && adoptServerClock(response.headers.date) !== undefined) {
			clockCorrected = true;
			continue;
		}
		// x-nonce must exceed the last one Qredo saw for the key; another process (a queue-mode worker) sharing the key
		// may have just used a higher one. A fresh nonce, a moment later, is higher than both.
		if (refused && auth.kind === 'partner' && auth.nonce !== undefined && nonceRetries < MAX_NONCE_RETRIES) {
			nonceRetries++;
			await delay(Math.random() * 50 * nonceRetries, signal);
			continue;
		}
		const skew = refused ? clockSkewSeconds(response.headers.date) : undefined;
		const failure = () =>
			new QredoApiError({
				clockSkewSeconds: skew,
				status: response.status,
				method,
				url,
				bodyText: response.text,
				retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
				secrets: secretHeaderValues(authHeaders),
			});

		if (response.status === 401 && auth.kind === 'qapiV2' && !reauthenticated) {
			reauthenticated = true;
			auth.tokens.invalidate(authHeaders['x-token']);
			continue;
		}
		if (response.status === 429) {
			if (retried429 >= policy.max429Retries) throw failure();
			if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) throw failure();
			await delay(retryAfterMs ?? backoffMs(policy, retried429), signal);
			retried429++;
			continue;
		}
		if (response.status >= 500 && idempotent && retried5xx < policy.max5xxRetries) {
			const wait = retryAfterMs !== undefined && retryAfterMs <= policy.maxRetryAfterMs ? retryAfterMs : backoffMs(policy, retried5xx);
			retried5xx++;
			await delay(wait, signal);
			continue;
		}
		throw failure();
	}
}

/** n8n's egress policy for the call's URL; a refusal is final (QredoTransportError kind 'egress'). */
async function egressAllowed(method: string, url: string): Promise<void> {
	try {
		await checkEgress(url);
	} catch (error) {
		if (error instanceof EgressBlockedError) throw new QredoTransportError('egress', method, url, error.message);
		throw error;
	}
}

/** Per Partner API key: the tail of the chain of nonce-mode exchanges in this process. */
const nonceLanes = new Map<string, Promise<void>>();

async function inNonceLane<T>(key: string, run: () => Promise<T>): Promise<T> {
	const previous = nonceLanes.get(key) ?? Promise.resolve();
	let release: () => void = () => undefined;
	const mine = new Promise<void>((resolve) => (release = resolve));
	const tail = previous.then(() => mine);
	nonceLanes.set(key, tail);
	await previous;
	try {
		return await run();
	} finally {
		release();
		if (nonceLanes.get(key) === tail) nonceLanes.delete(key);
	}
}

/** The URL in normal form with the query appended: exactly the string that is signed and whose path is sent. */
function requestUrl(base: string, query: QredoRequestOptions['query']): string {
	const parsed = parseUrl(base);
	if (parsed === undefined) throw new QredoInputError('url', 'an absolute http(s) URL');
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new QredoInputError('url', 'an http or https URL');
	if (parsed.username !== '' || parsed.password !== '' || parsed.hash !== '') {
		throw new QredoInputError('url', 'a URL without user/password or #fragment');
	}
	const pairs: string[] = [];
	for (const [name, value] of Object.entries(query ?? {})) {
		if (value === undefined) continue;
		if (!['string', 'number', 'boolean'].includes(typeof value) || (typeof value === 'number' && !Number.isFinite(value))) {
			throw new QredoInputError(`query.${name}`, 'a string, finite number or boolean');
		}
		pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
	}
	// Rebuilt even without pairs: a bare trailing '?' stays in href but not in the path we send.
	parsed.search = [parsed.search.slice(1), ...pairs].filter((part) => part !== '').join('&');
	return parsed.href;
}

function serialiseBody(body: unknown): Buffer | undefined {
	if (body === undefined) return undefined;
	let text: string | undefined;
	try {
		text = JSON.stringify(body);
	} catch {
		text = undefined; // BigInt values or cycles
	}
	if (text === undefined) throw new QredoInputError('body', 'a JSON-serialisable value', 'no BigInt, functions or cycles');
	return Buffer.from(text, 'utf8');
}

function positiveNumber(value: number, field: string): number {
	if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new QredoInputError(field, 'a positive number');
	return value;
}

function retryPolicy(retry: RetryPolicy | undefined): Required<RetryPolicy> {
	const policy = { ...DEFAULT_RETRY, ...retry };
	for (const [field, value] of Object.entries(policy)) {
		if (value === undefined) continue;
		if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new QredoInputError(`retry.${field}`, 'a non-negative number');
	}
	return policy;
}

async function authenticate(auth: AuthScheme, request: SignableRequest): Promise<Record<string, string>> {
	switch (auth.kind) {
		case 'partner':
			return partnerHeaders({ apiKey: auth.apiKey, privateKey: auth.privateKey, url: request.url, body: request.body, nonce: auth.nonce?.next() });
		case 'qapiV1':
			return qapiV1Headers({ apiKey: auth.apiKey, secret: auth.secret, method: request.method, url: request.url, body: request.body });
		case 'qapiV2':
			return { 'x-token': await auth.tokens.getToken() };
		case 'zkp':
			return { 'x-api-zkp': await auth.header() };
		case 'custom':
			return await auth.headers(request);
		case 'none':
			return {};
		default:
			throw new QredoInputError('auth.kind', 'partner, qapiV1, qapiV2, zkp, custom or none');
	}
}

/** Auth header values that are credentials (everything but timestamps and nonces), to scrub from server text. */
function secretHeaderValues(authHeaders: Record<string, string>): string[] {
	return Object.entries(authHeaders)
		.filter(([name]) => !/timestamp|-ts$|nonce/i.test(name))
		.map(([, value]) => value);
}

function requestHeaders(method: string, url: string, body: Buffer | undefined, authHeaders: Record<string, string>): Record<string, string> {
	const headers: Record<string, string> = { host: new URL(url).host, accept: 'application/json' };
	if (body !== undefined) {
		headers['content-type'] = 'application/json';
		headers['content-length'] = String(body.length);
	} else if (!BODYLESS_METHODS.has(method)) {
		headers['content-length'] = '0';
	}
	for (const [name, value] of Object.entries(authHeaders)) headers[name.toLowerCase()] = value;
	return headers;
}

interface RawResponse {
	status: number;
	headers: Record<string, string>;
	text: string;
}

interface Exchange {
	method: string;
	url: string;
	body: Buffer | undefined;
	headers: Record<string, string>;
	timeoutMs: number;
	idempotent: boolean;
	signal?: AbortSignal;
}

/** One attempt over a real socket. Errors carry the method, path and system error code, never headers. */
function send(exchange: Exchange): Promise<RawResponse> {
	const { method, url } = exchange;
	const target = new URL(url);
	let proxyNote = '';
	return new Promise<RawResponse>((resolve, reject) => {
		let settled = false;
		const finish = (outcome: () => void) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			exchange.signal?.removeEventListener('abort', onAbort);
			outcome();
		};
		const fail = (kind: 'network' | 'timeout' | 'aborted' | 'response', detail: string, code?: string) =>
			finish(() => {
				request?.destroy();
				reject(new QredoTransportError(kind, method, url, detail, code));
			});
		const onAbort = () => fail('aborted', 'aborted by the caller');

		let request: http.ClientRequest | undefined;
		let buildError: NodeJS.ErrnoException | undefined;
		try {
			// A stale keep-alive socket can reset a request the server never saw; for a call we may not retry, a fresh
			// connection removes that doubt.
			const route = routeFor(target, { fresh: !exchange.idempotent });
			const viaProxy = route.absoluteForm;
			const client = (viaProxy?.protocol ?? target.protocol) === 'https:' ? https : http;
			request = client.request({
				method,
				hostname: viaProxy?.hostname ?? target.hostname.replace(/^\[(.*)\]$/, '$1'),
				port: viaProxy?.port ?? (target.port === '' ? undefined : Number(target.port)),
				// through a proxy in absolute form the request line carries the whole URL
				path: viaProxy ? target.href : target.pathname + target.search,
				headers: viaProxy ? { ...exchange.headers, ...viaProxy.headers } : exchange.headers,
				agent: route.agent,
				lookup: route.lookup,
			});
			if (route.proxy) proxyNote = ` via proxy ${describeProxy(route.proxy)}`;
		} catch (error) {
			buildError = error as NodeJS.ErrnoException;
		}
		if (request === undefined) {
			// e.g. a header value with a control character; Node's message names only the header
			const code = buildError?.code;
			reject(new QredoTransportError('request', method, url, `request could not be built (${code ?? 'invalid request'})`, code));
			return;
		}
		const timer = setTimeout(() => fail('timeout', `no complete answer within ${exchange.timeoutMs} ms`), exchange.timeoutMs);
		exchange.signal?.addEventListener('abort', onAbort, { once: true });

		request.on('error', (error: NodeJS.ErrnoException) =>
			// a proxy's own refusal names the proxy (never its credentials); other errors name the system code
			fail('network', error.code?.startsWith('EPROXY') ? error.message : `request failed (${error.code ?? 'network error'})${proxyNote}`, error.code),
		);
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			let size = 0;
			response.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > MAX_RESPONSE_BYTES) fail('response', `response larger than ${MAX_RESPONSE_BYTES} bytes`);
				else chunks.push(chunk);
			});
			response.on('error', (error: NodeJS.ErrnoException) => fail('network', `response failed (${error.code ?? 'network error'})`, error.code));
			response.on('close', () => {
				if (!response.complete) fail('network', 'connection closed before the answer was complete');
			});
			response.on('end', () => {
				if (response.statusCode === 407 && proxyNote !== '') {
					fail('network', `the proxy${proxyNote.replace(' via proxy', '')} asks for authentication (HTTP 407): put user:password in the proxy URL`, 'EPROXYAUTH');
					return;
				}
				finish(() =>
					resolve({ status: response.statusCode ?? 0, headers: flattenHeaders(response.headers), text: Buffer.concat(chunks).toString('utf8') }),
				);
			});
		});
		request.end(exchange.body);
	});
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
	const flat: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return flat;
}

function parseBody(text: string): unknown {
	if (text.trim() === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/** Retry-After as delta seconds or an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text) * 1000;
	// An HTTP date always names the weekday and month; Date.parse alone would accept "-5" as a year.
	const date = /^[A-Za-z]{3},/.test(text) ? Date.parse(text) : Number.NaN;
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

function backoffMs(policy: Required<RetryPolicy>, retry: number): number {
	const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** retry);
	return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** Waits, or stops early when the caller aborts (the loop then throws). */
function delay(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal?.aborted) return resolve();
		const done = () => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal?.addEventListener('abort', done, { once: true });
	});
}

/** An HTTP function with qredoRequest's contract (tests and callers may put their own in its place). */
export type QredoHttp = (options: QredoRequestOptions) => Promise<QredoResponse<unknown>>;
