/**
 * Redaction, in one place: what of a URL, a server text or a server answer may be stored in an error, a log line or
 * an audit record. Secrets never leave through these paths.
 */

const REDACTED = '[redacted]';

/** Query parameters whose values are credentials (e.g. the v2 websocket `?token=`). */
const SECRET_QUERY_NAME = /token|key|sig|secret|pass|auth|zkp|nonce/i;

/**
 * The URL as it may appear in an error: origin, path and query, with the values of credential-like query parameters
 * replaced. Userinfo and fragments are dropped.
 */
export function redactUrl(url: string): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return '(invalid URL)';
	}
	const query = [...parsed.searchParams.entries()]
		.map(([name, value]) => `${encodeURIComponent(name)}=${SECRET_QUERY_NAME.test(name) ? REDACTED : encodeURIComponent(value)}`)
		.join('&');
	return `${parsed.origin}${parsed.pathname}${query ? `?${query}` : ''}`;
}

/** Replaces every occurrence of each secret in `text`. Very short values are skipped: they would blank out noise. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
	let scrubbed = text;
	for (const secret of secrets) {
		if (secret.length >= 8) scrubbed = scrubbed.split(secret).join(REDACTED);
	}
	return scrubbed;
}

const SECRET_FIELD = /token|secret|private|password|passphrase|zkp|api[-_]?key|x-sign|seed|credential/i;
const MAX_RESPONSE_STRING = 2000;
const MAX_DEPTH = 8;

/**
 * A copy of a server answer fit for the audit record: credential-like fields redacted, known secret values scrubbed
 * from strings, long strings and deep nesting cut.
 */
export function scrubResponse(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
	if (typeof value === 'string') {
		const scrubbed = scrubSecrets(value, secrets);
		return scrubbed.length > MAX_RESPONSE_STRING ? `${scrubbed.slice(0, MAX_RESPONSE_STRING)}…` : scrubbed;
	}
	if (value === null || typeof value !== 'object') return value === undefined ? null : value;
	if (depth >= MAX_DEPTH) return '[nested too deep]';
	if (Array.isArray(value)) return value.map((item) => scrubResponse(item, secrets, depth + 1));
	const out: Record<string, unknown> = {};
	for (const [key, item] of Object.entries(value)) out[key] = SECRET_FIELD.test(key) ? '[redacted]' : scrubResponse(item, secrets, depth + 1);
	return out;
}
