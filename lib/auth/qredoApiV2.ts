/**
 * Qredo API v2 authentication, docs/protocol.md §1.2: the headers of the HMAC-signed login that returns a JWT. Getting,
 * refreshing and sharing the JWT is the transport's job (lib/transport/v2Tokens.ts).
 */
import { hmacAuthHeaders, type HmacHeaderInput } from './hmac';

export type QapiV2LoginHeaderInput = Omit<HmacHeaderInput, 'method'> & { method?: string };

/** `qredo-api-key`, `qredo-api-timestamp` and `qredo-api-signature` for the login (GET, empty body, by default). */
export function qapiV2LoginHeaders(input: QapiV2LoginHeaderInput): Record<string, string> {
	return hmacAuthHeaders(
		{ key: 'qredo-api-key', timestamp: 'qredo-api-timestamp', signature: 'qredo-api-signature' },
		{ ...input, method: input.method ?? 'GET' },
	);
}
