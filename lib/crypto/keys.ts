/**
 * Approver key pairs derived the way the Qredo Signing Agent derives them (docs/protocol.md §4.3, §4.4):
 * one 48-byte seed gives the BLS secret key (AMCL CSPRNG) and the secp256k1 key (SHA-256 of the seed).
 */
import { randomBytes } from 'node:crypto';
import { QredoInputError } from '../errors';
import { secp256k1, sha256 } from '../vendor/noble';
import { BLS_SEED_LENGTH, blsSecretKeyFromSeed } from './amclRandom';
import { blsPublicKey, blsSecretKeyToBytes } from './bls';
import { bytesToHex, parseBinary } from './bytes';

export interface QredoKeyPair {
	/** 48 bytes, lowercase hex. */
	blsPrivateKey: string;
	/** 192 bytes (AMCL G2 encoding), lowercase hex. */
	blsPublicKey: string;
	/** 32 bytes, lowercase hex. */
	ecPrivateKey: string;
	/** 65 bytes uncompressed (04‖X‖Y), lowercase hex. */
	ecPublicKey: string;
}

export const EC_PRIVATE_KEY_LENGTH = 32;
export const EC_PUBLIC_KEY_LENGTH = 65;

const EC_SCALAR = 'a secp256k1 private key: 32 bytes, an integer in [1, n)';

function requireEcPrivateKey(key: Uint8Array, field: string): Uint8Array {
	if (!(key instanceof Uint8Array) || key.length !== EC_PRIVATE_KEY_LENGTH) {
		throw new QredoInputError(field, EC_SCALAR, key instanceof Uint8Array ? `got ${key.length} bytes` : 'not bytes');
	}
	if (!secp256k1.utils.isValidSecretKey(key)) throw new QredoInputError(field, EC_SCALAR, 'zero or not below n');
	return key;
}

/** 32 bytes as hex or base64; must be a valid secp256k1 scalar. */
export function parseEcPrivateKey(text: string, field = 'ecPrivateKey'): Uint8Array {
	return requireEcPrivateKey(parseBinary(text, field, EC_PRIVATE_KEY_LENGTH), field);
}

/** 65-byte uncompressed public key 04‖X‖Y. */
export function ecPublicKey(ecPrivateKey: Uint8Array): Uint8Array {
	return secp256k1.getPublicKey(requireEcPrivateKey(ecPrivateKey, 'ecPrivateKey'), false);
}

/**
 * SHA-256 of the seed, as the agent passes it to btcec. btcec would silently reduce an out-of-range value;
 * we refuse it instead (probability about 2^-128).
 */
export function ecPrivateKeyFromSeed(seed: Uint8Array): Uint8Array {
	const key = sha256(seed);
	if (!secp256k1.utils.isValidSecretKey(key)) {
		throw new QredoInputError('seed', 'a seed whose SHA-256 is a valid secp256k1 private key');
	}
	return key;
}

/** All four keys from a 48-byte seed (Signing Agent v1 `bls_seed`), exactly as the agent derives them. */
export function keysFromSeed(seed: Uint8Array): QredoKeyPair {
	if (!(seed instanceof Uint8Array) || seed.length !== BLS_SEED_LENGTH) {
		throw new QredoInputError('seed', `${BLS_SEED_LENGTH} bytes`, seed instanceof Uint8Array ? `got ${seed.length} bytes` : 'not bytes');
	}
	const blsSecret = blsSecretKeyFromSeed(seed);
	const ecSecret = ecPrivateKeyFromSeed(seed);
	return {
		blsPrivateKey: bytesToHex(blsSecretKeyToBytes(blsSecret)),
		blsPublicKey: bytesToHex(blsPublicKey(blsSecret)),
		ecPrivateKey: bytesToHex(ecSecret),
		ecPublicKey: bytesToHex(ecPublicKey(ecSecret)),
	};
}

/** A fresh key pair from a random 48-byte seed. */
export function generateKeys(): QredoKeyPair {
	for (;;) {
		const seed = new Uint8Array(randomBytes(BLS_SEED_LENGTH));
		// Draw again in the astronomically unlikely case that SHA-256(seed) is not a valid secp256k1 scalar.
		if (secp256k1.utils.isValidSecretKey(sha256(seed))) return keysFromSeed(seed);
	}
}
