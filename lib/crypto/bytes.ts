/**
 * Byte helpers shared by the whole crypto layer: hex, base64, big-endian integers.
 * Errors name the field and never echo the input, because the input is often a secret key.
 */
import { QredoInputError } from '../errors';

const HEX_DIGITS = '0123456789abcdef';
const HEX_BODY = /^[0-9a-fA-F]*$/;
const BASE64_STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Maps every byte value to its two lowercase hex digits (faster than toString(16) per byte). */
const BYTE_TO_HEX: string[] = Array.from({ length: 256 }, (_, byte) => HEX_DIGITS[byte >> 4] + HEX_DIGITS[byte & 15]);

/** Maps an ASCII code to its 6-bit base64 value (both alphabets), or -1. */
const BASE64_VALUE: Int8Array = (() => {
	const table = new Int8Array(128).fill(-1);
	for (let i = 0; i < 64; i++) table[BASE64_STANDARD.charCodeAt(i)] = i;
	table['-'.charCodeAt(0)] = 62;
	table['_'.charCodeAt(0)] = 63;
	return table;
})();

function stripHexPrefix(text: string): string {
	return text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
}

/** True when the text is hex digits only (optionally 0x-prefixed); says nothing about its length. */
export function looksLikeHex(text: string): boolean {
	const body = stripHexPrefix(text.trim());
	return body.length > 0 && HEX_BODY.test(body);
}

/** Decodes hex (optional 0x prefix, any case, surrounding whitespace ignored). */
export function hexToBytes(hex: string, field: string, expectedLength?: number): Uint8Array {
	if (typeof hex !== 'string') throw new QredoInputError(field, 'a hex string');
	const body = stripHexPrefix(hex.trim());
	const what = expectedLength === undefined ? 'hex' : `${expectedLength} bytes as hex (${expectedLength * 2} characters)`;
	if (!HEX_BODY.test(body)) throw new QredoInputError(field, what, 'contains a character that is not a hex digit');
	if (body.length % 2 !== 0) throw new QredoInputError(field, what, 'odd number of hex digits');
	if (expectedLength !== undefined && body.length !== expectedLength * 2) {
		throw new QredoInputError(field, what, `got ${body.length / 2} bytes`);
	}
	const bytes = new Uint8Array(body.length / 2);
	for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(body.slice(i * 2, i * 2 + 2), 16);
	return bytes;
}

/** Lowercase hex, no prefix. */
export function bytesToHex(bytes: Uint8Array): string {
	let out = '';
	for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i]];
	return out;
}

/**
 * Decodes base64 in the standard or the URL-safe alphabet (not both mixed), padding optional.
 * Strict: any other character, a misplaced '=', an impossible length or non-zero unused bits are rejected,
 * so a mistyped key fails here rather than silently decoding to different bytes.
 */
export function base64ToBytes(text: string, field: string): Uint8Array {
	if (typeof text !== 'string') throw new QredoInputError(field, 'a base64 string');
	let body = text.trim();
	const padding = /=*$/.exec(body)![0].length;
	body = body.slice(0, body.length - padding);
	const fail = (detail: string) => new QredoInputError(field, 'base64', detail);
	if (padding > 2 || (padding > 0 && (body.length + padding) % 4 !== 0)) throw fail('bad padding');
	if (body.length % 4 === 1) throw fail('impossible length');
	const standard = /[+/]/.test(body);
	const urlSafe = /[-_]/.test(body);
	if (standard && urlSafe) throw fail('mixes the standard and URL-safe alphabets');

	const out = new Uint8Array(Math.floor((body.length * 6) / 8));
	let buffer = 0;
	let bits = 0;
	let written = 0;
	for (let i = 0; i < body.length; i++) {
		const code = body.charCodeAt(i);
		const value = code < 128 ? BASE64_VALUE[code] : -1;
		if (value < 0) throw fail('contains a character outside the base64 alphabet');
		buffer = (buffer << 6) | value;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[written++] = (buffer >> bits) & 0xff;
			buffer &= (1 << bits) - 1;
		}
	}
	if (buffer !== 0) throw fail('non-zero unused bits in the last character');
	return out;
}

function tryBase64ToBytes(text: string): Uint8Array | undefined {
	try {
		return base64ToBytes(text, 'base64');
	} catch {
		return undefined;
	}
}

/** Standard alphabet with padding (what Go's encoding/json produces for []byte). */
export function bytesToBase64(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** URL-safe alphabet without padding. */
export function bytesToBase64Url(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes a fixed-length binary value given as hex (with or without 0x) or base64 (either alphabet).
 * Text made only of hex digits is always read as hex, so a hex value of the wrong length is reported as such
 * instead of being reinterpreted as base64 of some other bytes.
 */
export function parseBinary(text: string, field: string, expectedLength: number): Uint8Array {
	const expected = `${expectedLength} bytes as hex (${expectedLength * 2} characters) or base64`;
	if (typeof text !== 'string' || text.trim() === '') throw new QredoInputError(field, expected, 'empty');
	let bytes: Uint8Array;
	if (looksLikeHex(text)) {
		const digits = stripHexPrefix(text.trim()).length;
		if (digits % 2 !== 0) throw new QredoInputError(field, expected, 'odd number of hex digits');
		bytes = hexToBytes(text, field);
	} else {
		const decoded = tryBase64ToBytes(text);
		if (decoded === undefined) throw new QredoInputError(field, expected, 'neither hex nor valid base64');
		bytes = decoded;
	}
	if (bytes.length !== expectedLength) throw new QredoInputError(field, expected, `got ${bytes.length} bytes`);
	return bytes;
}

/** Big-endian, exactly `length` bytes; throws if the value is negative or does not fit. */
export function bigintToBytes(value: bigint, length: number): Uint8Array {
	if (value < 0n) throw new RangeError('bigintToBytes: negative value');
	const out = new Uint8Array(length);
	let rest = value;
	for (let i = length - 1; i >= 0; i--) {
		out[i] = Number(rest & 0xffn);
		rest >>= 8n;
	}
	if (rest !== 0n) throw new RangeError(`bigintToBytes: value does not fit in ${length} bytes`);
	return out;
}

/** Big-endian unsigned integer; empty input is 0. */
export function bytesToBigint(bytes: Uint8Array): bigint {
	return bytes.length === 0 ? 0n : BigInt('0x' + bytesToHex(bytes));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.length;
	}
	return out;
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
	return new TextEncoder().encode(text);
}

/** Constant-time equality of two byte arrays (lengths are not secret). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
	return diff === 0;
}
