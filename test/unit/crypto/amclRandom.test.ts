import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AmclCsprng, BLS_SEED_LENGTH, blsSecretKeyFromSeed, randomBelow } from '../../../lib/crypto/amclRandom';
import { CURVE_ORDER, blsPublicKey, blsSecretKeyToBytes } from '../../../lib/crypto/bls';
import { bytesToBigint, bytesToHex, hexToBytes } from '../../../lib/crypto/bytes';
import { amclVectors } from '../../support/paths';
import { assertInputError } from './assertions';

const vectors = amclVectors();
const hex = (text: string) => hexToBytes(text, 'vector');

/** Protocol reference §4.3.1 Block 1: SA1's golden seed and the key AMCL derives from it. */
const SEED1 = '3370f613c4fe81130b846483c99c032c17dcc1904806cc719ed824351c87b0485c05089aa34ba1e1c6bfb6d72269b150';
const SK1 = '000000000000000000000000000000000890d425231b7e43a7ff3225e7b2a138ad784a53896159c4303bd006782c6320';

function drawBytes(rng: AmclCsprng, count: number): Uint8Array {
	const out = new Uint8Array(count);
	for (let i = 0; i < count; i++) out[i] = rng.nextByte();
	return out;
}

function reverseBits(byte: number): number {
	let reversed = 0;
	for (let bit = 0; bit < 8; bit++) reversed |= ((byte >> bit) & 1) << (7 - bit);
	return reversed;
}

describe('AMCL CSPRNG key derivation (Signing Agent v1 bls_seed)', () => {
	test('seedKeys vectors: seed → sk → pk', () => {
		assert.ok(vectors.seedKeys.length >= 3);
		for (const entry of vectors.seedKeys) {
			const sk = blsSecretKeyFromSeed(hex(entry.seed));
			assert.equal(bytesToHex(blsSecretKeyToBytes(sk)), entry.sk);
			assert.equal(bytesToHex(blsPublicKey(sk)), entry.pk);
		}
	});

	test('fixed.seed0102to30: seed bytes 01..30 (docs/protocol.md §4.3.1 Block 4)', () => {
		const { seed, sk } = vectors.fixed.seed0102to30;
		assert.equal(seed, Array.from({ length: 48 }, (_, i) => (i + 1).toString(16).padStart(2, '0')).join(''));
		assert.equal(bytesToHex(blsSecretKeyToBytes(blsSecretKeyFromSeed(hex(seed)))), sk);
	});

	test('Block 1: seed1 → sk1 (SA1 crypto/bls_test.go)', () => {
		assert.equal(bytesToHex(blsSecretKeyToBytes(blsSecretKeyFromSeed(hex(SEED1)))), SK1);
	});

	test('seeds must be 48 bytes', () => {
		assert.equal(BLS_SEED_LENGTH, 48);
		assertInputError(() => blsSecretKeyFromSeed(new Uint8Array(47)), 'seed', undefined, 'got 47 bytes');
		assertInputError(() => blsSecretKeyFromSeed(new Uint8Array(49)), 'seed', undefined, 'got 49 bytes');
	});
});

describe('AmclCsprng', () => {
	test('is deterministic per seed and differs across seeds', () => {
		const a = drawBytes(new AmclCsprng(hex(SEED1)), 100);
		const b = drawBytes(new AmclCsprng(hex(SEED1)), 100);
		const c = drawBytes(new AmclCsprng(hex(SEED1.replace(/^33/, '34'))), 100);
		assert.deepEqual(a, b);
		assert.notDeepEqual(a, c);
		assert.ok(a.every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255));
	});

	test('keeps producing fresh pools past the first 32 bytes', () => {
		const bytes = drawBytes(new AmclCsprng(Uint8Array.of(1)), 32 * 4);
		const pools = [0, 1, 2, 3].map((i) => bytesToHex(bytes.subarray(32 * i, 32 * (i + 1))));
		assert.equal(new Set(pools).size, 4);
	});

	test('refuses an empty seed (AMCL would leave the state unseeded)', () => {
		assertInputError(() => new AmclCsprng(new Uint8Array(0)), 'seed');
	});
});

describe('randomBelow (AMCL BIG_randomnum)', () => {
	test('draws 2·nbits(r) = 510 bits from 64 bytes, LSB of each byte first, first bit most significant', () => {
		const seed = hex(SEED1);
		const firstBytes = drawBytes(new AmclCsprng(seed), 65);
		const rng = new AmclCsprng(seed);
		const value = randomBelow(rng, CURVE_ORDER);
		// Independent formulation: bit-reverse every byte, read 64 bytes big-endian, keep the top 510 bits.
		const reversed = Uint8Array.from(firstBytes.subarray(0, 64), reverseBits);
		assert.equal(value, (bytesToBigint(reversed) >> 2n) % CURVE_ORDER);
		assert.equal(rng.nextByte(), firstBytes[64], 'exactly 64 bytes consumed');
	});

	test('small moduli stay in range', () => {
		const rng = new AmclCsprng(Uint8Array.of(7));
		for (let i = 0; i < 200; i++) {
			const value = randomBelow(rng, 10n);
			assert.ok(value >= 0n && value < 10n);
		}
		assert.equal(randomBelow(rng, 1n), 0n);
		assertInputError(() => randomBelow(rng, 0n), 'modulus');
	});
});
