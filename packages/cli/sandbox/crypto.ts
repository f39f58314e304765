/**
 * The sandbox's only door to curve arithmetic: the vector-pinned primitives of lib/crypto (never the client's
 * header or string-to-sign builders; see ARCHITECTURE.md) plus secp256k1 point validation.
 */
import { randomBytes } from 'node:crypto';
import { blsPublicKey, blsSign, blsVerify, bytesToBigint, CURVE_ORDER, decodeG2, mpinClientSecret, mpinServerSecret } from 'n8n-nodes-qredo/core';
import { secp256k1 } from '@noble/curves/secp256k1.js';

export { blsVerify, mpinClientSecret, mpinServerSecret };

/** A uniformly random scalar in [1, r). */
export function randomScalar(): bigint {
	for (;;) {
		const value = bytesToBigint(new Uint8Array(randomBytes(64))) % CURVE_ORDER;
		if (value !== 0n) return value;
	}
}

export interface BlsKeyPair {
	secretKey: bigint;
	publicKey: Buffer;
}

export function newBlsKeyPair(): BlsKeyPair {
	const secretKey = randomScalar();
	return { secretKey, publicKey: Buffer.from(blsPublicKey(secretKey)) };
}

export function signAs(secretKey: bigint, message: Uint8Array): Buffer {
	return Buffer.from(blsSign(secretKey, message));
}

/** True when `bytes` is a valid 192-byte G2 point (AMCL encoding) in the prime-order subgroup. */
export function isValidBlsPublicKey(bytes: Uint8Array): boolean {
	try {
		decodeG2(bytes);
		return true;
	} catch {
		return false;
	}
}

/** True when `bytes` is a 65-byte uncompressed secp256k1 point (04‖X‖Y) on the curve. */
export function isValidEcPublicKey(bytes: Uint8Array): boolean {
	if (bytes.length !== 65 || bytes[0] !== 0x04) return false;
	try {
		secp256k1.Point.fromBytes(bytes).assertValidity();
		return true;
	} catch {
		return false;
	}
}
