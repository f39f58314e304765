/**
 * A Signing Agent v1 identity as /coreclient/init issues it (docs/protocol.md §1.4): the M-Pin identity (`clientID`, hex of
 * a JSON text) and client secret (`clientSecret`, hex of a 97-byte G1 point), plus an optional PIN. Every request
 * and every feed dial needs a fresh `x-api-zkp` token built from them.
 */
import { decodeG1Uncompressed, G1_UNCOMPRESSED_LENGTH } from '../crypto/bls';
import { hexToBytes, parseBinary } from '../crypto/bytes';
import { zkpHeaderValue } from '../crypto/mpin';
import { QredoInputError } from '../errors';
import { nowUnixSeconds } from './requestParts';

export interface AgentCredentials {
	/** `clientID` from /coreclient/init: hex of the M-Pin identity JSON */
	identity: string;
	/** `clientSecret` from /coreclient/init: 97 bytes as hex (or base64) */
	clientSecret: string;
	/** Signing Agent `base.pin` when the stored secret is PIN-extracted; default 0 */
	pin?: number;
}

export interface ParsedAgentCredentials {
	identity: Uint8Array;
	clientSecret: Uint8Array;
	pin: number;
}

export function parseAgentCredentials(credentials: AgentCredentials, field = 'mpin'): ParsedAgentCredentials {
	if (typeof credentials !== 'object' || credentials === null) throw new QredoInputError(field, 'the agent M-Pin identity and client secret');
	const identity = hexToBytes(credentials.identity, `${field}.identity`);
	if (identity.length === 0) throw new QredoInputError(`${field}.identity`, 'the clientID from /coreclient/init (hex, non-empty)');
	const clientSecret = parseBinary(credentials.clientSecret, `${field}.clientSecret`, G1_UNCOMPRESSED_LENGTH);
	// Checked now so a damaged secret fails at configuration time, not inside the first request.
	decodeG1Uncompressed(clientSecret, `${field}.clientSecret`);
	const pin = credentials.pin ?? 0;
	if (!Number.isSafeInteger(pin) || pin < 0) throw new QredoInputError(`${field}.pin`, 'a non-negative integer');
	return { identity, clientSecret, pin };
}

/** A function that builds a fresh `x-api-zkp` value on every call (new timestamp, new random x). */
export function zkpHeaderSource(credentials: AgentCredentials | ParsedAgentCredentials, field = 'mpin'): () => string {
	const parsed = credentials.identity instanceof Uint8Array ? (credentials as ParsedAgentCredentials) : parseAgentCredentials(credentials as AgentCredentials, field);
	return () => zkpHeaderValue({ id: parsed.identity, clientSecret: parsed.clientSecret, pin: parsed.pin, timestamp: nowUnixSeconds() });
}
