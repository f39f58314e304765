/** Qredo API v1 ("qapi") request headers, protocol §1.1. */
import { hmacAuthHeaders, type HmacHeaderInput } from './hmac';

export type QapiV1HeaderInput = HmacHeaderInput;

/** `qredo-api-key`, `qredo-api-ts` (Unix seconds) and `qredo-api-sig` for one request. */
export function qapiV1Headers(input: QapiV1HeaderInput): Record<string, string> {
	return hmacAuthHeaders({ key: 'qredo-api-key', timestamp: 'qredo-api-ts', signature: 'qredo-api-sig' }, input);
}
