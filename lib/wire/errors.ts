/**
 * What a Qredo server says when a call fails, and the errors our transport throws.
 *
 * Nothing here may carry request headers: they hold signatures, API keys and tokens. Server bodies are scrubbed
 * of the secrets the caller names (a proxy that echoes the request must not leak them) and truncated.
 */
import { redactUrl, scrubSecrets } from './redaction';

/** Error body of the Partner API and Qredo API v1 (protocol §3.4). The swagger types `code` as a string. */
export interface QredoErrorBody {
	code: number | string;
	msg: string;
	detail?: { reason?: string; [k: string]: unknown };
}

/** Longest server text kept in an error; bodies can be whole HTML error pages. */
const MAX_BODY_TEXT = 300;
function truncate(text: string): string {
	const oneLine = text.replace(/\s+/g, ' ').trim();
	return oneLine.length > MAX_BODY_TEXT ? `${oneLine.slice(0, MAX_BODY_TEXT)}…` : oneLine;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shortText(value: unknown): string | undefined {
	if (typeof value === 'string' && value.trim() !== '') return truncate(value);
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/**
 * Normalises any error body to the §3.4 shape:
 * - Partner API / Qredo API v1: `{code, msg, detail:{reason}}`;
 * - Signing-Agent-like: `{Code, Detail}` or `{Code, Msg}` (§5.4);
 * - `{error: "..."}` or `{error: {message}}`, `{message}`;
 * - anything else (HTML, plain text): the truncated text as `msg`.
 * `status` fills `code` when the body has none.
 */
export function parseQredoErrorBody(text: string, status: number): QredoErrorBody {
	let json: unknown;
	try {
		json = text.trim() === '' ? undefined : JSON.parse(text);
	} catch {
		json = undefined;
	}
	if (!isRecord(json)) {
		return { code: status, msg: shortText(text) ?? '' };
	}
	const rawCode = [json.code, json.Code].find(
		(value) => (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.trim() !== ''),
	);
	const code = typeof rawCode === 'number' ? rawCode : typeof rawCode === 'string' ? truncate(rawCode) : status;
	const nestedError = isRecord(json.error) ? json.error : undefined;
	const msg =
		shortText(json.msg) ??
		shortText(json.Msg) ??
		shortText(json.Detail) ??
		shortText(json.error) ??
		shortText(nestedError?.message) ??
		shortText(json.message) ??
		'';
	const body: QredoErrorBody = { code, msg };
	if (isRecord(json.detail)) {
		const detail: QredoErrorBody['detail'] = {};
		for (const [name, value] of Object.entries(json.detail)) {
			detail[name] = typeof value === 'string' ? truncate(value) : value;
		}
		body.detail = detail;
	} else if (shortText(json.detail) !== undefined) {
		body.detail = { reason: shortText(json.detail) };
	}
	return body;
}

/** Path of a URL for a one-line message (no origin, no query). */
function pathOf(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return '(invalid URL)';
	}
}

export interface QredoApiErrorInit {
	status: number;
	method: string;
	/** the full request URL; it is redacted before it is stored */
	url: string;
	/** the raw response body text */
	bodyText: string;
	retryAfterSeconds?: number;
	/** values that must not survive into the error even if the server echoes them (signatures, keys, tokens) */
	secrets?: readonly string[];
	/** Qredo − local clock, seconds, when the refusal's Date header showed our clock off (see auth/serverClock) */
	clockSkewSeconds?: number;
}

/** A non-2xx answer from a Qredo server. */
export class QredoApiError extends Error {
	readonly status: number;
	readonly code: number | string;
	readonly msg: string;
	readonly detail: QredoErrorBody['detail'];
	readonly retryAfterSeconds?: number;
	readonly method: string;
	/** origin + path + query with credential-like parameters redacted */
	readonly url: string;
	/** set when the refusal came with a Date header showing our clock off: seconds Qredo − local */
	readonly clockSkewSeconds?: number;

	constructor(init: QredoApiErrorInit) {
		const body = parseQredoErrorBody(scrubSecrets(init.bodyText, init.secrets ?? []), init.status);
		const label = body.msg || String(body.code);
		const reason = typeof body.detail?.reason === 'string' ? ` (reason: ${body.detail.reason})` : '';
		const retry = init.retryAfterSeconds !== undefined ? ` (retry after ${init.retryAfterSeconds} s)` : '';
		const skew =
			init.clockSkewSeconds === undefined
				? ''
				: `; the local clock is ${init.clockSkewSeconds > 0 ? `${init.clockSkewSeconds} s behind` : `${-init.clockSkewSeconds} s ahead of`} Qredo's (its Date header): timestamped signatures fall outside Qredo's window — set the machine's clock (NTP)`;
		super(`Qredo API ${init.status} ${label}${reason} on ${init.method} ${pathOf(init.url)}${retry}${skew}`);
		this.name = 'QredoApiError';
		this.status = init.status;
		this.code = body.code;
		this.msg = body.msg;
		this.detail = body.detail;
		if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
		if (init.clockSkewSeconds !== undefined) this.clockSkewSeconds = init.clockSkewSeconds;
		this.method = init.method;
		this.url = redactUrl(init.url);
	}
}

/** `egress`: n8n's outbound network policy (N8N_SSRF_*) does not allow the URL; never retried. */
export type QredoTransportFailure = 'network' | 'timeout' | 'aborted' | 'response' | 'request' | 'egress';

/**
 * The call did not produce a usable Qredo answer: the connection failed, timed out or was aborted, the request could
 * not be built, or a 2xx body lacked what the protocol promises. `code` is the system error code (ECONNREFUSED, …) when there is one.
 */
export class QredoTransportError extends Error {
	readonly kind: QredoTransportFailure;
	readonly method: string;
	readonly url: string;
	readonly code?: string;

	constructor(kind: QredoTransportFailure, method: string, url: string, detail: string, code?: string) {
		super(`Qredo API ${method} ${pathOf(url)}: ${detail}`);
		this.name = 'QredoTransportError';
		this.kind = kind;
		this.method = method;
		this.url = redactUrl(url);
		if (code !== undefined) this.code = code;
	}
}
