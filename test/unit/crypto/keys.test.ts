import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createECDH, createHash } from 'node:crypto';
import { blsPublicKey, blsSign, blsVerify, parseBlsSecretKey } from '../../../lib/crypto/bls';
import { bigintToBytes, bytesToBase64, bytesToHex, hexToBytes, utf8 } from '../../../lib/crypto/bytes';
import {
	EC_PRIVATE_KEY_LENGTH,
	EC_PUBLIC_KEY_LENGTH,
	ecPrivateKeyFromSeed,
	ecPublicKey,
	generateKeys,
	keysFromSeed,
	parseEcPrivateKey,
	type QredoKeyPair,
} from '../../../lib/crypto/keys';
import { amclVectors } from '../../support/paths';
import { assertInputError } from './assertions';

const vectors = amclVectors();
const hex = (text: string) => hexToBytes(text, 'vector');
/** secp256k1 group order n. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const SEED1 = '3370f613c4fe81130b846483c99c032c17dcc1904806cc719ed824351c87b0485c05089aa34ba1e1c6bfb6d72269b150';
const SK1 = '000000000000000000000000000000000890d425231b7e43a7ff3225e7b2a138ad784a53896159c4303bd006782c6320';
const PK1 =
	'0c8d04b3deb7087b27542193717ebdb85651779d25ee3280e6aa551afba23a6b573dd5b735e5962a448d1968c32e833f126d3c576392eeddfba494b327e165be691bf907217b990fd22ffe46a8789d4f8a204a1a5a8c48039a8e92cb2d88dc6e12bf2eec130ee5423131a7358061f5a8bdf97d283e6b68f91c0d4511d96421a0e00fbf1c43a05e83884f2efc71e7d24f153cae46de6032a48e33a819787b551d255444df0fc5bd4cdbe69d0c74ac705b981eed1111072355dc833dede15fe21e';

/** The EC half computed with OpenSSL (node:crypto), independently of noble. */
function opensslEcKeys(seedHex: string): { ecPrivateKey: string; ecPublicKey: string } {
	const privateKey = createHash('sha256').update(Buffer.from(seedHex, 'hex')).digest();
	const ecdh = createECDH('secp256k1');
	ecdh.setPrivateKey(privateKey);
	return { ecPrivateKey: privateKey.toString('hex'), ecPublicKey: ecdh.getPublicKey('hex', 'uncompressed') };
}

function assertKeyPairShape(keys: QredoKeyPair) {
	assert.deepEqual(Object.keys(keys).sort(), ['blsPrivateKey', 'blsPublicKey', 'ecPrivateKey', 'ecPublicKey']);
	assert.match(keys.blsPrivateKey, /^0{32}[0-9a-f]{64}$/);
	assert.match(keys.blsPublicKey, /^[0-9a-f]{384}$/);
	assert.match(keys.ecPrivateKey, /^[0-9a-f]{64}$/);
	assert.match(keys.ecPublicKey, /^04[0-9a-f]{128}$/);
}

describe('keysFromSeed (Signing Agent derivation)', () => {
	test('Block 1 seed: BLS sk1/pk1 via the AMCL CSPRNG, EC key = SHA-256(seed)', () => {
		const keys = keysFromSeed(hex(SEED1));
		assertKeyPairShape(keys);
		assert.equal(keys.blsPrivateKey, SK1);
		assert.equal(keys.blsPublicKey, PK1);
		assert.deepEqual({ ecPrivateKey: keys.ecPrivateKey, ecPublicKey: keys.ecPublicKey }, opensslEcKeys(SEED1));
	});

	test('seedKeys vectors', () => {
		for (const entry of vectors.seedKeys) {
			const keys = keysFromSeed(hex(entry.seed));
			assert.equal(keys.blsPrivateKey, entry.sk);
			assert.equal(keys.blsPublicKey, entry.pk);
			assert.deepEqual({ ecPrivateKey: keys.ecPrivateKey, ecPublicKey: keys.ecPublicKey }, opensslEcKeys(entry.seed));
		}
	});

	test('refuses seeds that are not 48 bytes', () => {
		assertInputError(() => keysFromSeed(new Uint8Array(32)), 'seed', undefined, 'got 32 bytes');
		assertInputError(() => keysFromSeed(new Uint8Array(64)), 'seed', undefined, 'got 64 bytes');
	});

	test('ecPrivateKeyFromSeed is SHA-256 of the seed', () => {
		const seed = hex(SEED1);
		assert.equal(bytesToHex(ecPrivateKeyFromSeed(seed)), createHash('sha256').update(seed).digest('hex'));
	});
});

describe('generateKeys', () => {
	test('gives consistent, distinct key pairs that sign and verify', () => {
		const first = generateKeys();
		const second = generateKeys();
		for (const keys of [first, second]) {
			assertKeyPairShape(keys);
			const sk = parseBlsSecretKey(keys.blsPrivateKey);
			assert.equal(bytesToHex(blsPublicKey(sk)), keys.blsPublicKey);
			assert.equal(bytesToHex(ecPublicKey(hex(keys.ecPrivateKey))), keys.ecPublicKey);
			const message = utf8('approve');
			assert.equal(blsVerify(hex(keys.blsPublicKey), message, blsSign(sk, message)), true);
		}
		assert.notEqual(first.blsPrivateKey, second.blsPrivateKey);
		assert.notEqual(first.ecPrivateKey, second.ecPrivateKey);
	});
});

describe('EC private keys', () => {
	test('parse as hex or base64 and give the 65-byte uncompressed public key', () => {
		const { ecPrivateKey: privateHex, ecPublicKey: publicHex } = opensslEcKeys(SEED1);
		const key = parseEcPrivateKey(privateHex);
		assert.equal(key.length, EC_PRIVATE_KEY_LENGTH);
		assert.deepEqual(parseEcPrivateKey(bytesToBase64(key)), key);
		assert.deepEqual(parseEcPrivateKey('0x' + privateHex), key);
		const publicKey = ecPublicKey(key);
		assert.equal(publicKey.length, EC_PUBLIC_KEY_LENGTH);
		assert.equal(bytesToHex(publicKey), publicHex);
		assert.equal(bytesToHex(ecPublicKey(bigintToBytes(1n, 32))), '04' + '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798' + '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8');
	});

	test('invalid scalars and lengths are refused without echoing the key', () => {
		assertInputError(() => parseEcPrivateKey('00'.repeat(32)), 'ecPrivateKey', undefined, 'zero or not below n');
		const n = bytesToHex(bigintToBytes(SECP256K1_N, 32));
		assertInputError(() => parseEcPrivateKey(n), 'ecPrivateKey', n, 'zero or not below n');
		assertInputError(() => parseEcPrivateKey('ff'.repeat(32), 'ecKey'), 'ecKey', undefined, 'zero or not below n');
		assert.equal(parseEcPrivateKey(bytesToHex(bigintToBytes(SECP256K1_N - 1n, 32))).length, 32);
		assertInputError(() => parseEcPrivateKey('ab'.repeat(31)), 'ecPrivateKey', 'ab'.repeat(31), 'got 31 bytes');
		assertInputError(() => parseEcPrivateKey('ab'.repeat(48)), 'ecPrivateKey', undefined, 'got 48 bytes');
		assertInputError(() => ecPublicKey(new Uint8Array(32)), 'ecPrivateKey');
		assertInputError(() => ecPublicKey(bigintToBytes(SECP256K1_N, 32)), 'ecPrivateKey');
		assertInputError(() => ecPublicKey(new Uint8Array(33).fill(1)), 'ecPrivateKey', undefined, 'got 33 bytes');
	});
});
