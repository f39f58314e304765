/**
 * Input checks shared by every Qredo operation. Each function takes the raw parameter value and the field's display
 * name, and either returns the value in the form the API wants or throws a QredoInputError whose message names the
 * field and what was expected. Values are never echoed: some of them could be secrets pasted into the wrong field.
 */
import { randomUUID } from 'node:crypto';
import { parseBinary } from '../../lib/crypto/bytes';
import { QredoInputError } from '../../lib/errors';

const BASE_UNITS = 'a positive whole number of base units (e.g. satoshi, wei)';

/**
 * An amount in base units: a JSON number or a decimal string of digits. Refuses fractions, signs, exponents, blanks
 * and zero. The result is a JSON number, so values beyond 2^53 − 1 are refused instead of being rounded.
 */
export function baseUnits(value: unknown, field: string): number {
	const digits = baseUnitDigits(value, field, BASE_UNITS);
	if (/^0+$/.test(digits)) throw new QredoInputError(field, BASE_UNITS, 'zero');
	const amount = Number(digits);
	if (!Number.isSafeInteger(amount)) {
		throw new QredoInputError(field, BASE_UNITS, `at most ${Number.MAX_SAFE_INTEGER}; larger amounts cannot be sent exactly as a JSON number`);
	}
	return amount;
}

/** A non-negative whole number kept as a decimal string of any size (e.g. an EVM `value` in wei, where 0 is valid). */
export function wholeNumberString(value: unknown, field: string): string {
	const digits = baseUnitDigits(value, field, 'a whole number of base units (e.g. wei), 0 or more');
	return digits.replace(/^0+(?=\d)/, '');
}

function baseUnitDigits(value: unknown, field: string, expected: string): string {
	if (typeof value === 'number') {
		if (!Number.isInteger(value) || value < 0) throw new QredoInputError(field, expected);
		if (!Number.isSafeInteger(value)) throw new QredoInputError(field, expected, 'give large amounts as a string of digits');
		return String(value);
	}
	if (typeof value !== 'string') throw new QredoInputError(field, expected);
	const text = value.trim();
	if (!/^\d+$/.test(text)) throw new QredoInputError(field, expected);
	return text;
}

/** A positive integer such as a threshold; `max` bounds it (e.g. the number of custody-group members). */
export function positiveInteger(value: unknown, field: string, max?: number): number {
	const expected = max === undefined ? 'a whole number of 1 or more' : `a whole number from 1 to ${max}`;
	const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1 || (max !== undefined && number > max)) {
		throw new QredoInputError(field, expected);
	}
	return number;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
/** Unix values this large are milliseconds (seconds would be past the year 5000). */
const MILLISECONDS_FROM = 100_000_000_000;
const TIME_EXPECTED = 'a duration such as 30m, 1h or 2d, an ISO 8601 date-time, or Unix time in seconds or milliseconds';

/**
 * Unix seconds for an absolute time: an ISO 8601 date-time, Unix seconds or milliseconds (number or digits), a Date,
 * or an n8n/Luxon DateTime from an expression.
 */
export function unixSeconds(value: unknown, field: string, expected = 'an ISO 8601 date-time or Unix time in seconds or milliseconds'): number {
	let millis: number | undefined;
	if (value instanceof Date) {
		millis = value.getTime();
	} else if (typeof value === 'object' && value !== null && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		millis = (value as { toMillis(): number }).toMillis();
	} else if (typeof value === 'number' || (typeof value === 'string' && /^\s*\d+\s*$/.test(value))) {
		const number = Number(value);
		if (Number.isSafeInteger(number) && number > 0) millis = number >= MILLISECONDS_FROM ? number : number * 1000;
	} else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) {
		millis = Date.parse(value.trim());
	}
	if (millis === undefined || !Number.isFinite(millis) || millis <= 0) throw new QredoInputError(field, expected);
	return Math.floor(millis / 1000);
}

/**
 * `expires` for transfers, withdrawals and swaps: a duration from now (30m, 1h, 2d, 1h30m) or an absolute time
 * (unixSeconds). The result must lie in the future.
 */
export function expiresAt(value: unknown, field: string, nowMs = Date.now()): number {
	const nowSeconds = Math.floor(nowMs / 1000);
	let seconds: number;
	const text = typeof value === 'string' ? value.trim().toLowerCase().replace(/\s+/g, '') : undefined;
	if (text !== undefined && /^(\d+[smhdw])+$/.test(text)) {
		let offset = 0;
		for (const [, amount, unit] of text.matchAll(/(\d+)([smhdw])/g)) offset += Number(amount) * DURATION_UNITS[unit];
		if (offset <= 0 || !Number.isSafeInteger(offset)) throw new QredoInputError(field, 'a duration longer than zero');
		seconds = nowSeconds + offset;
	} else {
		seconds = unixSeconds(value, field, TIME_EXPECTED);
	}
	if (seconds <= nowSeconds) throw new QredoInputError(field, 'a time in the future', 'this one has already passed');
	return seconds;
}

/** A Qredo entity ID (company, fund, wallet, transaction, action, …), safe to put in a URL path segment. */
export function qredoId(value: unknown, field: string): string {
	const text = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined;
	if (text === undefined || text === '') throw new QredoInputError(field, 'a Qredo ID', 'empty');
	if (text.length > 256 || !/^[\x21-\x7e]+$/.test(text) || /[/?#%\\]/.test(text)) {
		throw new QredoInputError(field, 'a Qredo ID: printable characters without spaces, /, ?, #, % or \\');
	}
	return text;
}

/** A wallet ID, or a wallet short code ("buddy harsh stick": words separated by single spaces). */
export function walletIdOrShortCode(value: unknown, field: string): string {
	const result = typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : '';
	if (result === '' || result.length > 256 || !/^[\x20-\x7e]+$/.test(result) || /[/?#%\\]/.test(result)) {
		throw new QredoInputError(field, 'a wallet ID or short code');
	}
	return result;
}

export function optionalQredoId(value: unknown, field: string): string | undefined {
	return isBlank(value) ? undefined : qredoId(value, field);
}

/** A list of IDs from a comma-, space- or newline-separated string or an array; at least one, no duplicates. */
export function qredoIdList(value: unknown, field: string): string[] {
	const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,;]+/) : [];
	const ids = parts.filter((part) => !isBlank(part)).map((part) => qredoId(part, field));
	if (ids.length === 0) throw new QredoInputError(field, 'at least one ID (separate several with commas)');
	if (new Set(ids).size !== ids.length) throw new QredoInputError(field, 'distinct IDs', 'one is listed twice');
	return ids;
}

export interface CustodyGroup {
	threshold: number;
	members: string[];
}

/** `{threshold, members}`: members are trusted-party IDs; the threshold lies between 1 and their number. */
export function custodyGroup(threshold: unknown, members: unknown, fieldPrefix: string): CustodyGroup {
	const ids = qredoIdList(members, `${fieldPrefix} Members`);
	return { threshold: positiveInteger(threshold, `${fieldPrefix} Threshold`, ids.length), members: ids };
}

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** A blockchain address: EVM addresses (0x…) must have 40 hex digits; others are checked for shape only. */
export function chainAddress(value: unknown, field: string): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (text === '') throw new QredoInputError(field, 'a blockchain address', 'empty');
	if (/^0x/i.test(text)) {
		if (!EVM_ADDRESS.test(text)) throw new QredoInputError(field, 'an EVM address: 0x followed by 40 hex digits');
	} else if (text.length > 128 || !/^[A-Za-z0-9:._-]+$/.test(text)) {
		throw new QredoInputError(field, 'a blockchain address (letters and digits, no spaces)');
	}
	return text;
}

export function evmAddress(value: unknown, field: string): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (!EVM_ADDRESS.test(text)) throw new QredoInputError(field, 'an EVM address: 0x followed by 40 hex digits');
	return text;
}

export function email(value: unknown, field: string): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (text.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) throw new QredoInputError(field, 'an e-mail address');
	return text;
}

/** Free text sent as is; `required` refuses blanks, `maxLength` long values. */
export function text(value: unknown, field: string, options: { required?: boolean; maxLength?: number } = {}): string {
	const result = typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
	if (options.required && result === '') throw new QredoInputError(field, 'a value', 'empty');
	const max = options.maxLength ?? 1024;
	if (result.length > max) throw new QredoInputError(field, `at most ${max} characters`);
	return result;
}

/** An asset code as Qredo writes them (BTC, ETH, BTC-TESTNET, USDC-ETH, …). */
export function assetCode(value: unknown, field: string): string {
	const code = typeof value === 'string' ? value.trim() : '';
	if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(code)) throw new QredoInputError(field, 'an asset code such as BTC or ETH');
	return code;
}

/** An ISO 3166-1 country code (alpha-2 or alpha-3), upper-cased. */
export function countryCode(value: unknown, field: string): string {
	const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
	if (!/^[A-Z]{2,3}$/.test(code)) throw new QredoInputError(field, 'an ISO 3166-1 country code such as GB or USA');
	return code;
}

/** Hex bytes (with or without 0x); `maxBytes` bounds the length. Returned lower-case without prefix. */
export function hexBytes(value: unknown, field: string, options: { maxBytes?: number; allowEmpty?: boolean } = {}): string {
	const raw = typeof value === 'string' ? value.trim().replace(/^0x/i, '') : '';
	if (raw === '' && options.allowEmpty) return '';
	const expected = options.maxBytes === undefined ? 'hex bytes' : `hex bytes, at most ${options.maxBytes} (${options.maxBytes * 2} hex digits)`;
	if (raw === '' || raw.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(raw)) throw new QredoInputError(field, expected);
	if (options.maxBytes !== undefined && raw.length / 2 > options.maxBytes) throw new QredoInputError(field, expected);
	return raw.toLowerCase();
}

/** A fixed-length public key given as hex or base64; returned as standard base64 (what API v2 takes). */
export function publicKeyBase64(value: unknown, field: string, length: number): string {
	return Buffer.from(parseBinary(typeof value === 'string' ? value : '', field, length)).toString('base64');
}

/** The caller's partner_txID, or a fresh UUID: either way the same value is sent and returned, so a retry can reuse it. */
export function partnerTxId(value: unknown, field: string): string {
	if (isBlank(value)) return randomUUID();
	const id = text(value, field, { maxLength: 128 });
	if (!/^[\x21-\x7e]+$/.test(id)) throw new QredoInputError(field, 'printable characters without spaces, at most 128');
	return id;
}

export function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
