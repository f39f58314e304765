/**
 * Qredo API HMAC signatures. v1 (§1.1): qredo-api-key, qredo-api-ts, qredo-api-sig. v2 login (§1.2): the same
 * construction with qredo-api-key, qredo-api-timestamp, qredo-api-signature. Either way:
 * base64url-nopad(HMAC-SHA256(base64decode(secret), ts + METHOD + fullURL + body)).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SandboxContext } from '../context';
import type { QapiKey, V2ApiKey } from '../model';
import { checkSkew, header, parseUnixSeconds, type SignedParts, unauthorized } from './common';

interface HeaderNames {
	key: string;
	timestamp: string;
	signature: string;
	/** The same headers of the other API generation, named in the error when a client mixes them up. */
	otherGeneration: { timestamp: string; signature: string; api: string };
}

const V1_HEADERS: HeaderNames = {
	key: 'qredo-api-key',
	timestamp: 'qredo-api-ts',
	signature: 'qredo-api-sig',
	otherGeneration: { timestamp: 'qredo-api-timestamp', signature: 'qredo-api-signature', api: 'Qredo API v2' },
};
const V2_HEADERS: HeaderNames = {
	key: 'qredo-api-key',
	timestamp: 'qredo-api-timestamp',
	signature: 'qredo-api-signature',
	otherGeneration: { timestamp: 'qredo-api-ts', signature: 'qredo-api-sig', api: 'Qredo API v1' },
};

/** The HMAC key: the secret base64-decoded, accepting the standard and URL-safe alphabets, padded or not (§1.1). */
export function decodeApiSecret(secret: string): Buffer {
	const standard = secret.trim().replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
	return Buffer.from(standard + '='.repeat((4 - (standard.length % 4)) % 4), 'base64');
}

/** The signature the sandbox expects, for comparison with what the client sent. */
export function hmacSignature(secret: string, timestamp: string, method: string, fullUrl: string, body: Buffer): string {
	return createHmac('sha256', decodeApiSecret(secret))
		.update(Buffer.concat([Buffer.from(timestamp + method.toUpperCase() + fullUrl, 'utf8'), body]))
		.digest('base64url');
}

function verifyHmac(ctx: SandboxContext, parts: SignedParts, names: HeaderNames, secretOf: (keyId: string) => string | undefined): string {
	for (const name of [names.key, names.timestamp, names.signature]) {
		if (header(parts.headers, name) !== undefined) continue;
		const other = name === names.timestamp ? names.otherGeneration.timestamp : name === names.signature ? names.otherGeneration.signature : undefined;
		const hint = other && header(parts.headers, other) !== undefined ? ` (${other} is the ${names.otherGeneration.api} header name)` : '';
		throw unauthorized(`${name}: expected this header${hint}`);
	}
	const keyId = header(parts.headers, names.key) as string;
	const secret = secretOf(keyId);
	if (secret === undefined) throw unauthorized(`${names.key}: expected an API key ID known to Qredo (unknown key)`);
	const timestamp = header(parts.headers, names.timestamp) as string;
	checkSkew(parseUnixSeconds(timestamp, names.timestamp, unauthorized), ctx.nowSeconds(), ctx.options.timestampSkewSeconds, names.timestamp, unauthorized);

	const sent = header(parts.headers, names.signature) as string;
	const expected = hmacSignature(secret, timestamp, parts.method, parts.fullUrl, parts.rawBody);
	if (sent.length === expected.length && timingSafeEqual(Buffer.from(sent), Buffer.from(expected))) return keyId;
	// Same MAC in another encoding: still refused (the real service compares strings), but say why.
	const normalized = sent.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
	if (normalized === expected) throw unauthorized(`${names.signature}: expected base64url without padding (the MAC is right, the encoding is not)`);
	throw unauthorized(
		`${names.signature}: signature does not verify; expected base64url-nopad(HMAC-SHA256(base64-decoded secret, ${names.timestamp} + METHOD + full URL + body))`,
	);
}

export function verifyQapiRequest(ctx: SandboxContext, parts: SignedParts): QapiKey {
	const keyId = verifyHmac(ctx, parts, V1_HEADERS, (id) => ctx.state.qapiKeys.get(id)?.secret);
	return ctx.state.qapiKeys.get(keyId) as QapiKey;
}

export function verifyV2Login(ctx: SandboxContext, parts: SignedParts): V2ApiKey {
	const keyId = verifyHmac(ctx, parts, V2_HEADERS, (id) => ctx.state.v2ApiKeys.get(id)?.secret);
	return ctx.state.v2ApiKeys.get(keyId) as V2ApiKey;
}
