/**
 * Partner API request signatures (qredo-protocol.md §1.3): RSASSA-PKCS1-v1_5 with SHA-256 over
 * `x-timestamp|x-nonce + full URL + body` (no method, no separators), sent as base64url without padding in x-sign.
 * Exactly one of x-timestamp (within the skew window) and x-nonce (strictly increasing per key) must be present.
 */
import { constants, verify } from 'node:crypto';
import type { SandboxContext } from '../context';
import type { PartnerKey } from '../model';
import { checkSkew, header, parseUnixSeconds, partnerAuthError, type SignedParts } from './common';

const BASE64URL_NO_PADDING = /^[A-Za-z0-9_-]+$/;

export function verifyPartnerRequest(ctx: SandboxContext, parts: SignedParts): PartnerKey {
	const apiKeyHeader = header(parts.headers, 'x-api-key');
	if (!apiKeyHeader) throw partnerAuthError('x-api-key: expected the Partner API key header');
	const key = ctx.state.partnerKeys.get(apiKeyHeader.trim());
	if (!key) throw partnerAuthError('x-api-key: expected an API key registered with Qredo (unknown key)');

	const timestamp = header(parts.headers, 'x-timestamp');
	const nonce = header(parts.headers, 'x-nonce');
	if ((timestamp === undefined) === (nonce === undefined)) {
		throw partnerAuthError(`x-timestamp / x-nonce: expected exactly one of the two (got ${timestamp === undefined ? 'neither' : 'both'})`);
	}
	let nonceValue: bigint | undefined;
	if (timestamp !== undefined) {
		const seconds = parseUnixSeconds(timestamp, 'x-timestamp', partnerAuthError);
		checkSkew(seconds, ctx.nowSeconds(), ctx.options.timestampSkewSeconds, 'x-timestamp', partnerAuthError);
	} else {
		if (!/^\d{1,30}$/.test(nonce as string)) throw partnerAuthError('x-nonce: expected a decimal integer');
		nonceValue = BigInt(nonce as string);
		if (key.lastNonce !== undefined && nonceValue <= key.lastNonce) {
			throw partnerAuthError('x-nonce: expected a value greater than the last nonce used with this key (replayed or out of order)');
		}
	}

	const sign = header(parts.headers, 'x-sign');
	if (!sign) throw partnerAuthError('x-sign: expected the request signature');
	if (!BASE64URL_NO_PADDING.test(sign)) throw partnerAuthError('x-sign: expected base64url without padding (alphabet A-Z a-z 0-9 - _)');
	const payload = Buffer.concat([Buffer.from((timestamp ?? nonce) as string, 'utf8'), Buffer.from(parts.fullUrl, 'utf8'), parts.rawBody]);
	const valid = verify('sha256', payload, { key: key.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(sign, 'base64url'));
	if (!valid) {
		throw partnerAuthError(
			'signature: x-sign does not verify; expected RSA PKCS#1 v1.5 SHA-256 over x-timestamp (or x-nonce) + the full URL (scheme, host, path, query) + the exact body',
		);
	}
	// Only a verified request may advance the nonce, or anyone could burn a key's nonces.
	if (nonceValue !== undefined) key.lastNonce = nonceValue;
	return key;
}
