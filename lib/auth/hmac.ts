/**
 * The HMAC request signature shared by Qredo API v1 (protocol §1.1) and the Qredo API v2 login (§1.2):
 * base64url-nopad(HMAC-SHA256(base64decode(secret), timestamp + METHOD + fullURL + body)).
 * Only the header names differ between the two, so both build their headers with `hmacAuthHeaders`.
 */
import { createHmac } from 'node:crypto';
import { base64ToBytes, bytesToBase64Url } from '../crypto/bytes';
import { QredoInputError } from '../errors';
import { bodyBytes, headerToken, httpMethod, normalisedUrl, nowUnixSeconds, unixSecondsText, type RequestBody } from './requestParts';

/**
 * The API secret as shown in the Qredo web app is base64 (apitool decodes the URL-safe alphabet, the docs'
 * Python the standard one); accept both, with or without padding, and surrounding whitespace.
 */
export function decodeApiSecret(secret: string, field = 'apiSecret'): Uint8Array {
	const trimmed = typeof secret === 'string' ? secret.trim() : '';
	if (trimmed === '') throw new QredoInputError(field, 'the base64 API secret from the Qredo web app');
	const bytes = base64ToBytes(trimmed, field);
	if (bytes.length === 0) throw new QredoInputError(field, 'the base64 API secret from the Qredo web app');
	return bytes;
}

export interface HmacSignatureInput {
	/** the base64 API secret, or its already decoded bytes */
	secret: string | Uint8Array;
	/** Unix seconds */
	timestamp: number | string;
	method: string;
	/** the full URL as requested, in normal form, including any query string */
	url: string;
	/** exact request body; empty when absent */
	body?: RequestBody;
}

export function hmacRequestSignature({ secret, timestamp, method, url, body }: HmacSignatureInput): string {
	const key = typeof secret === 'string' ? decodeApiSecret(secret) : secret;
	const mac = createHmac('sha256', key);
	mac.update(unixSecondsText(timestamp, 'timestamp') + httpMethod(method) + normalisedUrl(url), 'utf8');
	mac.update(bodyBytes(body));
	return bytesToBase64Url(mac.digest());
}

export interface HmacHeaderInput {
	apiKey: string;
	secret: string | Uint8Array;
	method: string;
	url: string;
	body?: RequestBody;
	/** Unix seconds; default now */
	timestamp?: number | string;
}

export interface HmacHeaderNames {
	key: string;
	timestamp: string;
	signature: string;
}

export function hmacAuthHeaders(names: HmacHeaderNames, input: HmacHeaderInput): Record<string, string> {
	const apiKey = headerToken(input.apiKey, 'apiKey');
	const timestamp = unixSecondsText(input.timestamp ?? nowUnixSeconds(), 'timestamp');
	const signature = hmacRequestSignature({ ...input, timestamp });
	return { [names.key]: apiKey, [names.timestamp]: timestamp, [names.signature]: signature };
}
