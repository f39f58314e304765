/**
 * Validation of the pieces every request signature covers (timestamp, method, URL, body, key ID).
 * Errors name the field and what was expected, never the value.
 */
import { QredoInputError } from '../errors';
import { serverNowMs } from './serverClock';

/** A body as signed and sent: the exact bytes, a string (UTF-8), or nothing. */
export type RequestBody = string | Uint8Array | undefined;

/** Above this a "seconds" value is really milliseconds (year 5138 in seconds). */
const MAX_UNIX_SECONDS = 1e11;

/** Now in Unix seconds on Qredo's clock (the local clock corrected by any skew a refusal revealed). */
export function nowUnixSeconds(): number {
	return Math.floor(serverNowMs() / 1000);
}

/** Unix time in whole seconds as the decimal string that is signed and sent. */
export function unixSecondsText(value: number | string, field: string): string {
	const text = typeof value === 'number' ? String(value) : value.trim();
	if (!/^\d{1,15}$/.test(text) || !Number.isSafeInteger(Number(text))) {
		throw new QredoInputError(field, 'Unix time in whole seconds (a non-negative integer)');
	}
	if (Number(text) >= MAX_UNIX_SECONDS) {
		throw new QredoInputError(field, 'Unix time in seconds', 'the value looks like milliseconds');
	}
	return text;
}

/** An HTTP method token, upper-cased: the string to sign uses the upper-case method. */
export function httpMethod(method: string, field = 'method'): string {
	if (typeof method !== 'string' || !/^[A-Za-z]{1,16}$/.test(method)) {
		throw new QredoInputError(field, 'an HTTP method such as GET, POST, PUT or DELETE');
	}
	return method.toUpperCase();
}

/** The parsed absolute URL, or undefined when the text is not one. */
export function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/**
 * An absolute http(s)/ws(s) URL that is already in the normal form `new URL(url).href`, so what is signed is
 * byte-for-byte what any client library will put on the wire. Userinfo and fragments are refused.
 */
export function normalisedUrl(url: string, field = 'url'): string {
	const parsed = parseUrl(url);
	if (parsed === undefined) throw new QredoInputError(field, 'an absolute URL such as https://api.qredo.network/api/v1/p/…');
	if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) {
		throw new QredoInputError(field, 'an http, https, ws or wss URL');
	}
	if (parsed.username !== '' || parsed.password !== '' || parsed.hash !== '') {
		throw new QredoInputError(field, 'a URL without user/password or #fragment');
	}
	if (parsed.href !== url) {
		throw new QredoInputError(field, 'a URL in normal form (as new URL(url).href returns it)', 'the signed URL must equal the one sent');
	}
	return url;
}

/** The exact body bytes; strings are UTF-8. */
export function bodyBytes(body: RequestBody, field = 'body'): Buffer {
	if (body === undefined) return Buffer.alloc(0);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	throw new QredoInputError(field, 'a string, bytes or nothing');
}

/** A credential identifier sent as a header value: trimmed, non-empty, printable ASCII. */
export function headerToken(value: string, field: string): string {
	const trimmed = typeof value === 'string' ? value.trim() : '';
	if (trimmed === '') throw new QredoInputError(field, 'a non-empty string');
	if (!/^[\x21-\x7e]+$/.test(trimmed)) throw new QredoInputError(field, 'printable ASCII without spaces');
	return trimmed;
}
