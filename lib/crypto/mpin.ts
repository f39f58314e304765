/**
 * Client side of AMCL's M-Pin "one-pass" protocol on BLS12-381 with SHA-256, date 0 (no time permits), no
 * message: the `x-api-zkp` token of Signing Agent v1 (docs/protocol.md §1.4). Also the issuance primitives
 * (client and server secrets) that the sandbox needs. Server-side verification deliberately lives elsewhere.
 */
import { randomBytes } from 'node:crypto';
import { QredoInputError } from '../errors';
import { bls12_381, sha256 } from '../vendor/noble';
import {
	CURVE_ORDER,
	decodeG1Uncompressed,
	encodeG1Uncompressed,
	encodeG2,
	type G1Point,
	mapToG1,
	requireScalar,
} from './bls';
import { bytesToBase64, bytesToBigint, bytesToHex, concatBytes, utf8 } from './bytes';
import { Memo } from './memo';

/** AMCL MAXPIN: the PIN is taken modulo 10000. */
const MAX_PIN = 10000;
/** AMCL mhashit pads the 32-byte SHA-256 on the left to MODBYTES = 48. */
const HASH_ID_PADDING = new Uint8Array(16);
/** mhashit takes the timestamp as a C int and prefixes it only when positive. */
const MAX_TIMESTAMP = 0x7fffffff;

/** H(ID): mapToG1 of 16 zero bytes ‖ SHA-256(ID) (AMCL mhashit with n = −1, then ECP_mapit). */
export function mpinHashId(id: Uint8Array): G1Point {
	if (!(id instanceof Uint8Array)) throw new QredoInputError('id', 'bytes');
	return mapToG1(concatBytes(HASH_ID_PADDING, sha256(id)));
}

function requireTimestamp(timestamp: number): number {
	if (!Number.isSafeInteger(timestamp) || timestamp < 1 || timestamp > MAX_TIMESTAMP) {
		throw new QredoInputError('timestamp', 'Unix seconds: an integer in [1, 2^31 − 1]');
	}
	return timestamp;
}

/** y = SHA-256(BE32(ts) ‖ U) mod r (AMCL MPIN_GET_Y with mhashit(SHA256, ts, U)). */
export function mpinChallenge(timestamp: number, U: Uint8Array): bigint {
	const prefix = new Uint8Array(4);
	new DataView(prefix.buffer).setUint32(0, requireTimestamp(timestamp));
	return bytesToBigint(sha256(concatBytes(prefix, U))) % CURVE_ORDER;
}

function requirePin(pin: number | undefined): number {
	if (pin === undefined) return 0;
	if (!Number.isSafeInteger(pin) || pin < 0 || pin > 0x7fffffff) throw new QredoInputError('pin', 'a non-negative integer');
	return pin % MAX_PIN;
}

export interface MpinOnePassArgs {
	/** The M-Pin identity: the raw bytes of the hex-decoded `clientID` (a JSON text). */
	id: Uint8Array;
	/**
	 * 97-byte uncompressed G1 point: the client secret s·H(ID), or, with `pin`, the token the Signing Agent
	 * stores (client secret − pin·H(ID)); pin·H(ID) is added back before use, as AMCL does.
	 */
	clientSecret: Uint8Array;
	/** Signing Agent `base.pin`; taken modulo 10000. Default 0. */
	pin?: number;
	/** Unix seconds (the `ET` field). */
	timestamp: number;
	/** The ephemeral scalar in [1, r); random when absent (fix it only in tests). */
	x?: bigint;
}

function randomScalar(): bigint {
	for (;;) {
		// 64 bytes reduced mod r: bias below 2^-256.
		const x = bytesToBigint(new Uint8Array(randomBytes(64))) % CURVE_ORDER;
		if (x !== 0n) return x;
	}
}

/** H(ID) and the full client secret per identity: a hash to G1 and a subgroup check, once per agent credential. */
const identityPoints = new Memo<{ hashedId: G1Point; secret: G1Point }>(32);

/** T = token + pin·H(ID) (AMCL MPIN_CLIENT_1); with pin 0 this is the client secret itself. */
function fullClientSecret(token: G1Point, hashedId: G1Point, pin: number): G1Point {
	return pin === 0 ? token : token.add(hashedId.multiplyUnsafe(BigInt(pin)));
}

/**
 * One-pass token: U = x·H(ID), y = mpinChallenge(ts, U), V = −((x + y) mod r)·T, both 97 bytes uncompressed.
 */
export function mpinOnePass(args: MpinOnePassArgs): { U: Uint8Array; V: Uint8Array } {
	const timestamp = requireTimestamp(args.timestamp);
	const pin = requirePin(args.pin);
	if (!(args.id instanceof Uint8Array)) throw new QredoInputError('id', 'bytes');
	if (!(args.clientSecret instanceof Uint8Array)) throw new QredoInputError('clientSecret', 'bytes');
	const { hashedId, secret } = identityPoints.get([args.id, args.clientSecret, Uint8Array.of(pin >> 8, pin & 0xff)], () => {
		const token = decodeG1Uncompressed(args.clientSecret, 'clientSecret');
		const hashed = mpinHashId(args.id);
		const full = fullClientSecret(token, hashed, pin);
		if (full.is0()) throw new QredoInputError('clientSecret', 'a client secret that matches the PIN');
		// Every token multiplies these two fixed points: window tables (as noble keeps for the generator) make each
		// multiplication several times cheaper, still constant-time.
		return { hashedId: hashed.precompute(8, false), secret: full.precompute(8, false) };
	});
	for (;;) {
		const x = args.x === undefined ? randomScalar() : requireScalar(args.x, 'x');
		const U = encodeG1Uncompressed(hashedId.multiply(x));
		const k = (x + mpinChallenge(timestamp, U)) % CURVE_ORDER;
		if (k === 0n) {
			// V would be the point at infinity (probability 2^-255); a fixed x cannot be retried.
			if (args.x !== undefined) throw new QredoInputError('x', 'a scalar with x + y ≠ 0 (mod r)');
			continue;
		}
		const V = encodeG1Uncompressed(secret.multiply(k).negate());
		return { U, V };
	}
}

/**
 * The `x-api-zkp` header value: lowercase hex of the UTF-8 JSON {"ID","ET","U","V"} in exactly that order,
 * byte strings as standard padded base64 and ET a number (Go json.Marshal of Client1PassResult).
 */
export function zkpHeaderValue(args: MpinOnePassArgs): string {
	const { U, V } = mpinOnePass(args);
	const json = JSON.stringify({
		ID: bytesToBase64(args.id),
		ET: args.timestamp,
		U: bytesToBase64(U),
		V: bytesToBase64(V),
	});
	return bytesToHex(utf8(json));
}

/** Client secret s·H(ID), 97 bytes uncompressed (AMCL MPIN_GET_CLIENT_SECRET). */
export function mpinClientSecret(masterSecret: bigint, id: Uint8Array): Uint8Array {
	return encodeG1Uncompressed(mpinHashId(id).multiply(requireScalar(masterSecret, 'masterSecret')));
}

/** Server secret s·G2, 192 bytes in the same encoding as BLS public keys (AMCL MPIN_GET_SERVER_SECRET). */
export function mpinServerSecret(masterSecret: bigint): Uint8Array {
	return encodeG2(bls12_381.G2.Point.BASE.multiply(requireScalar(masterSecret, 'masterSecret')));
}

/**
 * The token a Signing Agent stores: client secret − (pin mod 10000)·H(ID), 97 bytes (AMCL MPIN_EXTRACT_PIN).
 * mpinOnePass with the same pin undoes it.
 */
export function mpinExtractPin(id: Uint8Array, pin: number, clientSecret: Uint8Array): Uint8Array {
	const reduced = requirePin(pin);
	const secret = decodeG1Uncompressed(clientSecret, 'clientSecret');
	if (reduced === 0) return encodeG1Uncompressed(secret);
	const token = secret.subtract(mpinHashId(id).multiplyUnsafe(BigInt(reduced)));
	if (token.is0()) throw new QredoInputError('clientSecret', 'a client secret that is not a multiple of H(ID) by the PIN');
	return encodeG1Uncompressed(token);
}
