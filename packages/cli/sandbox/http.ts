/**
 * HTTP plumbing every route shares: Qredo's error shape, replies, exact-bytes body reading and body validation.
 * Validation errors always name the field and what was expected, and never echo the value (it may be a secret).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Qredo's error body (Partner API and Qredo API v1, qredo-protocol.md §3.4): `{"code":<int>,"msg":"...","detail":{"reason":"..."}}`. */
export interface QredoErrorBody {
	code: number;
	msg: string;
	detail: { reason: string };
}

const defaultMessages: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	409: 'Conflict',
	410: 'Gone',
	413: 'Payload Too Large',
	415: 'Unsupported Media Type',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

/** Thrown by handlers and auth checks; the server turns it into Qredo's error shape. */
export class QredoHttpError extends Error {
	constructor(
		readonly status: number,
		readonly reason: string,
		readonly msg: string = defaultMessages[status] ?? 'Error',
		readonly headers: Record<string, string> = {},
	) {
		super(`${status} ${msg}: ${reason}`);
		this.name = 'QredoHttpError';
	}

	body(): QredoErrorBody {
		return { code: this.status, msg: this.msg, detail: { reason: this.reason } };
	}
}

export const badRequest = (reason: string) => new QredoHttpError(400, reason);
export const notFound = (reason: string) => new QredoHttpError(404, reason);
export const conflict = (reason: string) => new QredoHttpError(409, reason);
export const forbidden = (reason: string) => new QredoHttpError(403, reason);
export const tooManyRequests = (reason: string, retryAfterSeconds: number) =>
	new QredoHttpError(429, reason, undefined, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });

/** A handler result with a status other than 200 or extra headers; a plain value means 200 with that JSON body. */
export class Reply {
	constructor(
		readonly status: number,
		readonly body: unknown,
		readonly headers: Record<string, string> = {},
	) {}
}

export const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => new Reply(status, body, headers);

/** `{"code":200,"msg":"OK"}`: Qredo's success body when there is no payload. */
export const ok = (status = 200) => reply(status, { code: status, msg: status === 202 ? 'Accepted' : 'OK' });

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = body === undefined ? '' : JSON.stringify(body);
	res.writeHead(status, {
		...headers,
		...(text ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) } : { 'Content-Length': '0' }),
	});
	res.end(text);
}

export function sendError(res: ServerResponse, error: QredoHttpError): void {
	sendJson(res, error.status, error.body(), error.headers);
}

/** Writes an error on a socket that is still in the HTTP upgrade phase (no ServerResponse exists there). */
export function rejectUpgrade(socket: NodeJS.WritableStream & { destroy(): void }, error: QredoHttpError, date?: string): void {
	const text = JSON.stringify(error.body());
	const head = [
		`HTTP/1.1 ${error.status} ${error.msg}`,
		...(date ? [`Date: ${date}`] : []),
		'Content-Type: application/json',
		`Content-Length: ${Buffer.byteLength(text)}`,
		'Connection: close',
		...Object.entries(error.headers).map(([k, v]) => `${k}: ${v}`),
	];
	socket.end(head.join('\r\n') + '\r\n\r\n' + text);
}

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the request body as the exact bytes the client sent: signatures are checked over these bytes. */
export function readRawBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			// Past the limit the rest is read and dropped, so the 413 answer still reaches the client.
			if (tooLarge) return;
			size += chunk.length;
			if (size > limit) {
				tooLarge = true;
				chunks.length = 0;
				reject(new QredoHttpError(413, `body: expected at most ${limit} bytes`, undefined, { Connection: 'close' }));
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export type JsonObject = Record<string, unknown>;

/**
 * Parses a JSON object body. Qredo clients send `Content-Type: application/json` with every body (§1.3), so a body
 * without it is a client bug and is refused.
 */
export function parseJsonObject(raw: Buffer, contentType: string | undefined): JsonObject {
	if (raw.length === 0) throw badRequest('body: expected a JSON object, got an empty body');
	if (!contentType || !/^application\/json\s*(;|$)/i.test(contentType)) {
		throw new QredoHttpError(415, 'Content-Type: expected application/json for a JSON body');
	}
	let value: unknown;
	try {
		value = JSON.parse(raw.toString('utf8'));
	} catch {
		throw badRequest('body: expected valid JSON');
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('body: expected a JSON object');
	return value as JsonObject;
}

// Field readers. Each names the field (with its path) and what was expected.

export function requireString(body: JsonObject, field: string, opts: { maxLength?: number; path?: string } = {}): string {
	const value = body[field];
	const name = (opts.path ?? '') + field;
	if (typeof value !== 'string' || value.trim() === '') throw badRequest(`${name}: expected a non-empty string`);
	if (opts.maxLength !== undefined && value.length > opts.maxLength) throw badRequest(`${name}: expected at most ${opts.maxLength} characters`);
	return value;
}

export function optionalString(body: JsonObject, field: string, opts: { maxLength?: number; path?: string } = {}): string | undefined {
	if (body[field] === undefined || body[field] === null) return undefined;
	const value = body[field];
	const name = (opts.path ?? '') + field;
	if (typeof value !== 'string') throw badRequest(`${name}: expected a string`);
	if (opts.maxLength !== undefined && value.length > opts.maxLength) throw badRequest(`${name}: expected at most ${opts.maxLength} characters`);
	return value;
}

/** A non-negative safe integer, given as a JSON number or a decimal string (Qredo's swagger types some numbers as strings). */
export function requireInteger(body: JsonObject, field: string, opts: { min?: number; path?: string; allowString?: boolean } = {}): number {
	const value = body[field];
	const name = (opts.path ?? '') + field;
	const min = opts.min ?? 0;
	let n: number | undefined;
	if (typeof value === 'number') n = value;
	else if (opts.allowString && typeof value === 'string' && /^\d+$/.test(value)) n = Number(value);
	if (n === undefined || !Number.isSafeInteger(n) || n < min) {
		throw badRequest(`${name}: expected an integer ≥ ${min}${opts.allowString ? ' (number or decimal string)' : ''}`);
	}
	return n;
}

export function optionalInteger(body: JsonObject, field: string, opts: { min?: number; path?: string; allowString?: boolean } = {}): number | undefined {
	return body[field] === undefined || body[field] === null ? undefined : requireInteger(body, field, opts);
}

export function requireObject(body: JsonObject, field: string, path = ''): JsonObject {
	const value = body[field];
	if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${path}${field}: expected an object`);
	return value as JsonObject;
}

export function requireArray(body: JsonObject, field: string, path = ''): unknown[] {
	const value = body[field];
	if (!Array.isArray(value)) throw badRequest(`${path}${field}: expected an array`);
	return value;
}

export function optionalBoolean(body: JsonObject, field: string, path = ''): boolean | undefined {
	const value = body[field];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'boolean') throw badRequest(`${path}${field}: expected true or false`);
	return value;
}

/** Lowercase hex of exactly `bytes` bytes (the wire format the protocol reference (docs/protocol.md) gives for keys and signatures). */
export function decodeLowerHex(value: unknown, name: string, bytes?: number): Buffer {
	const what = bytes === undefined ? 'lowercase hex' : `${bytes * 2} lowercase hex characters (${bytes} bytes)`;
	if (typeof value !== 'string' || value.length % 2 !== 0 || !/^[0-9a-f]*$/.test(value)) throw badRequest(`${name}: expected ${what}`);
	if (bytes !== undefined && value.length !== bytes * 2) throw badRequest(`${name}: expected ${what}`);
	return Buffer.from(value, 'hex');
}

/** Standard base64 with padding (RFC 4648 §4), checked by re-encoding so no other alphabet or padding slips through. */
export function decodeStdBase64(value: unknown, name: string, bytes?: number): Buffer {
	const what = `standard base64${bytes === undefined ? '' : ` of ${bytes} bytes`}`;
	if (typeof value !== 'string' || value === '') throw badRequest(`${name}: expected ${what}`);
	const decoded = Buffer.from(value, 'base64');
	if (decoded.toString('base64') !== value) throw badRequest(`${name}: expected ${what} (with padding, alphabet A-Z a-z 0-9 + /)`);
	if (bytes !== undefined && decoded.length !== bytes) throw badRequest(`${name}: expected ${what}`);
	return decoded;
}
