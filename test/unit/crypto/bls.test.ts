import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
	BLS_PUBLIC_KEY_LENGTH,
	BLS_SECRET_KEY_LENGTH,
	BLS_SIGNATURE_LENGTH,
	CURVE_ORDER,
	FIELD_MODULUS,
	blsPublicKey,
	blsSecretKeyToBytes,
	blsSign,
	blsVerify,
	decodeG1Compressed,
	decodeG1Uncompressed,
	decodeG2,
	encodeG1Compressed,
	encodeG1Uncompressed,
	encodeG2,
	hashToG1,
	mapToG1,
	parseBlsSecretKey,
} from '../../../lib/crypto/bls';
import { bigintToBytes, bytesToBase64, bytesToBigint, bytesToHex, concatBytes, hexToBytes, utf8 } from '../../../lib/crypto/bytes';
import { bls12_381 } from '../../../lib/vendor/noble';
import { amclVectors, fixture } from '../../support/paths';
import { assertInputError } from './assertions';

const vectors = amclVectors();
const sa1 = fixture<{ messageHex: string; messageLength: number; sk42Signature: string }>('sa1-approve-message.json');
const { Fp } = bls12_381.fields;

const hex = (text: string) => hexToBytes(text, 'vector');
const TEST_MESSAGE = utf8('test message');

/** Protocol reference §4.3.1 Block 1 (SA1 crypto/bls_test.go golden values). */
const BLOCK1 = {
	sk1: '000000000000000000000000000000000890d425231b7e43a7ff3225e7b2a138ad784a53896159c4303bd006782c6320',
	pk1:
		'0c8d04b3deb7087b27542193717ebdb85651779d25ee3280e6aa551afba23a6b573dd5b735e5962a448d1968c32e833f126d3c576392eeddfba494b327e165be691bf907217b990fd22ffe46a8789d4f8a204a1a5a8c48039a8e92cb2d88dc6e12bf2eec130ee5423131a7358061f5a8bdf97d283e6b68f91c0d4511d96421a0e00fbf1c43a05e83884f2efc71e7d24f153cae46de6032a48e33a819787b551d255444df0fc5bd4cdbe69d0c74ac705b981eed1111072355dc833dede15fe21e',
	sig1: '03108b67f20b138e3080208efae105e31868ac34212bf03d80050d01de13a2c52b8bc3eafa3589045aebf11ec00dcf91f3',
};

/** A point on y² = x³ + 4 that is not in G1: the try-and-increment candidate before cofactor clearing. */
function pointOutsideSubgroup(): { x: bigint; y: bigint } {
	for (let x = 1n; ; x++) {
		const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), 4n);
		if (Fp.eql(Fp.pow(rhs, (FIELD_MODULUS - 1n) / 2n), Fp.ONE)) {
			const point = bls12_381.G1.Point.fromAffine({ x, y: Fp.sqrt(rhs) });
			if (!point.isTorsionFree()) return { x, y: Fp.sqrt(rhs) };
		}
	}
}

/** An x in [0, p) for which x³ + 4 is not a square, so no curve point has this x. */
function xOffCurve(): bigint {
	for (let x = 1n; ; x++) {
		const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), 4n);
		if (!Fp.eql(Fp.pow(rhs, (FIELD_MODULUS - 1n) / 2n), Fp.ONE)) return x;
	}
}

describe('constants', () => {
	test('lengths, r and p of BLS12-381', () => {
		assert.equal(BLS_SECRET_KEY_LENGTH, 48);
		assert.equal(BLS_PUBLIC_KEY_LENGTH, 192);
		assert.equal(BLS_SIGNATURE_LENGTH, 49);
		assert.equal(CURVE_ORDER, 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n);
		assert.equal(
			FIELD_MODULUS,
			0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaabn,
		);
	});
});

describe('AMCL vectors: bls[] (10 entries)', () => {
	assert.equal(vectors.bls.length, 10);
	for (const [index, entry] of vectors.bls.entries()) {
		test(`#${index}: pk from sk, signature from sk and a ${entry.msg.length / 2}-byte message, verify`, () => {
			const sk = parseBlsSecretKey(entry.sk);
			assert.equal(bytesToHex(blsSecretKeyToBytes(sk)), entry.sk);
			assert.equal(bytesToHex(blsPublicKey(sk)), entry.pk);
			const signature = blsSign(sk, hex(entry.msg));
			assert.equal(bytesToHex(signature), entry.sig);
			assert.equal(blsVerify(hex(entry.pk), hex(entry.msg), hex(entry.sig)), true);
		});
	}
});

describe('AMCL vectors: fixed', () => {
	test('sk = 42: public key and signatures on "test message", "" and "abc"', () => {
		const { sk42 } = vectors.fixed;
		const sk = parseBlsSecretKey(sk42.sk);
		assert.equal(sk, 42n);
		assert.equal(bytesToHex(blsPublicKey(sk)), sk42.pk);
		assert.equal(Object.keys(sk42.signatures).length, 3);
		for (const [messageHex, signature] of Object.entries(sk42.signatures)) {
			assert.equal(bytesToHex(blsSign(sk, hex(messageHex))), signature, `message ${messageHex}`);
			assert.equal(blsVerify(hex(sk42.pk), hex(messageHex), hex(signature)), true);
		}
	});

	test('hashToG1_sk1: H(m) compressed equals the signature with sk = 1', () => {
		const entries = Object.entries(vectors.fixed.hashToG1_sk1);
		assert.equal(entries.length, 2);
		for (const [messageHex, expected] of entries) {
			assert.equal(bytesToHex(encodeG1Compressed(hashToG1(hex(messageHex)))), expected);
			assert.equal(bytesToHex(blsSign(1n, hex(messageHex))), expected);
		}
	});

	test('docs/protocol.md §4.3.1 Block 1: sk1 → pk1 → sig1 on "test message"', () => {
		const sk = parseBlsSecretKey(BLOCK1.sk1);
		assert.equal(bytesToHex(blsPublicKey(sk)), BLOCK1.pk1);
		assert.equal(bytesToHex(blsSign(sk, TEST_MESSAGE)), BLOCK1.sig1);
		assert.equal(blsVerify(hex(BLOCK1.pk1), TEST_MESSAGE, hex(BLOCK1.sig1)), true);
	});

	test('the 496-byte Signing Agent v1 approval message, signed with sk = 42', () => {
		const message = hex(sa1.messageHex);
		assert.equal(message.length, 496);
		assert.equal(sa1.sk42Signature, '020035e343dc5fd215e97893e094c80d37629379191a225da743601e9de3553a961f855238f2281eb1e5d2074cebce7e74');
		const signature = blsSign(42n, message);
		assert.equal(bytesToHex(signature), sa1.sk42Signature);
		assert.equal(blsVerify(blsPublicKey(42n), message, signature), true);
	});
});

describe('hash to G1', () => {
	test('is not the IETF hash (noble hashToCurve) and lands in G1', () => {
		const ours = hashToG1(TEST_MESSAGE);
		ours.assertValidity();
		const ietf = bls12_381.G1.hashToCurve(TEST_MESSAGE);
		assert.equal(ours.equals(ietf), false);
	});

	test('mapToG1 takes exactly 48 bytes and reduces w mod p', () => {
		assertInputError(() => mapToG1(new Uint8Array(32)), 'w');
		assertInputError(() => mapToG1(new Uint8Array(49)), 'w');
		const w = hex('ab'.repeat(48));
		const reduced = bigintToBytes(bytesToBigint(w) % FIELD_MODULUS, 48);
		assert.ok(mapToG1(w).equals(mapToG1(reduced)));
	});

	test('try-and-increment: a non-residue x moves on to x + 1; a residue x is used as is', () => {
		const offX = xOffCurve();
		// x is a non-residue, so the search for w = x moves on to x+1, exactly the first try for w = x+1.
		assert.ok(mapToG1(bigintToBytes(offX, 48)).equals(mapToG1(bigintToBytes(offX + 1n, 48))));
		const { x: onX } = pointOutsideSubgroup();
		assert.ok(!mapToG1(bigintToBytes(onX, 48)).equals(mapToG1(bigintToBytes(onX + 1n, 48))));
	});

	test('uses the even square root and the full cofactor', () => {
		const { x, y } = pointOutsideSubgroup();
		const evenY = y & 1n ? Fp.neg(y) : y;
		const expected = bls12_381.G1.Point.fromAffine({ x, y: evenY }).multiplyUnsafe(0x396c8c005555e1568c00aaab0000aaabn);
		assert.ok(mapToG1(bigintToBytes(x, 48)).equals(expected));
		// noble's effective-cofactor clearing gives a different point: the cofactor choice is observable.
		const effective = bls12_381.G1.Point.fromAffine({ x, y: evenY }).clearCofactor();
		assert.ok(!mapToG1(bigintToBytes(x, 48)).equals(effective));
	});
});

describe('secret key parsing', () => {
	const r = CURVE_ORDER;

	test('accepts 48 bytes as hex, 0x-hex, base64 and raw bytes', () => {
		const sk = parseBlsSecretKey(BLOCK1.sk1);
		assert.equal(parseBlsSecretKey('0x' + BLOCK1.sk1.toUpperCase()), sk);
		assert.equal(parseBlsSecretKey(bytesToBase64(hex(BLOCK1.sk1))), sk);
		assert.equal(parseBlsSecretKey(hex(BLOCK1.sk1)), sk);
		assert.equal(parseBlsSecretKey(bigintToBytes(r - 1n, 48)), r - 1n);
	});

	test('rejects wrong lengths and non-hex input without echoing it', () => {
		assertInputError(() => parseBlsSecretKey(BLOCK1.sk1.slice(2)), 'blsPrivateKey', BLOCK1.sk1.slice(2), '(got 47 bytes)');
		assertInputError(() => parseBlsSecretKey(BLOCK1.sk1 + '00'), 'blsPrivateKey', BLOCK1.sk1, '(got 49 bytes)');
		assertInputError(() => parseBlsSecretKey(BLOCK1.sk1.slice(32)), 'blsPrivateKey', BLOCK1.sk1.slice(32), '(got 32 bytes)');
		const nonHex = 'g' + BLOCK1.sk1.slice(1);
		assertInputError(() => parseBlsSecretKey(nonHex), 'blsPrivateKey', nonHex);
		assertInputError(() => parseBlsSecretKey('%'.repeat(96), 'apiKeySecret'), 'apiKeySecret');
		assertInputError(() => parseBlsSecretKey(new Uint8Array(32)), 'blsPrivateKey', undefined, 'got 32 bytes');
	});

	test('rejects 0, r and values above r', () => {
		assertInputError(() => parseBlsSecretKey('00'.repeat(48)), 'blsPrivateKey', undefined, 'zero');
		const rHex = bytesToHex(bigintToBytes(r, 48));
		assertInputError(() => parseBlsSecretKey(rHex), 'blsPrivateKey', rHex.slice(32), 'not below the curve order r');
		const aboveR = bytesToHex(bigintToBytes(r + 1n, 48));
		assertInputError(() => parseBlsSecretKey(aboveR), 'blsPrivateKey', aboveR.slice(32), 'not below the curve order r');
		assertInputError(() => parseBlsSecretKey('ff'.repeat(48)), 'blsPrivateKey', undefined, 'not below the curve order r');
	});

	test('sign, public key and serialisation refuse scalars outside [1, r)', () => {
		for (const bad of [0n, -1n, r, r + 5n]) {
			assertInputError(() => blsSign(bad, TEST_MESSAGE), 'blsPrivateKey');
			assertInputError(() => blsPublicKey(bad), 'blsPrivateKey');
			assertInputError(() => blsSecretKeyToBytes(bad), 'blsPrivateKey');
		}
	});
});

describe('verify rejects (returns false, never throws)', () => {
	const sk = parseBlsSecretKey(BLOCK1.sk1);
	const publicKey = hex(BLOCK1.pk1);
	const signature = hex(BLOCK1.sig1);

	test('the untouched signature verifies (control)', () => {
		assert.equal(blsVerify(publicKey, TEST_MESSAGE, signature), true);
	});

	test('a tampered signature', () => {
		for (const position of [1, 20, 48]) {
			const tampered = signature.slice();
			tampered[position] ^= 0x01;
			assert.equal(blsVerify(publicKey, TEST_MESSAGE, tampered), false, `byte ${position}`);
		}
	});

	test('the other y (tag 02 instead of 03): the negated signature', () => {
		const flipped = signature.slice();
		flipped[0] = flipped[0] === 0x02 ? 0x03 : 0x02;
		assert.equal(blsVerify(publicKey, TEST_MESSAGE, flipped), false);
	});

	test('a signature made for another message', () => {
		assert.equal(blsVerify(publicKey, TEST_MESSAGE, blsSign(sk, utf8('test messagf'))), false);
		assert.equal(blsVerify(publicKey, utf8('test message '), signature), false);
		assert.equal(blsVerify(publicKey, new Uint8Array(0), signature), false);
	});

	test('the wrong public key', () => {
		assert.equal(blsVerify(blsPublicKey(42n), TEST_MESSAGE, signature), false);
		assert.equal(blsVerify(hex(vectors.fixed.sk42.pk), TEST_MESSAGE, signature), false);
	});

	test('signatures of 48, 50, 0 and 97 bytes', () => {
		assert.equal(blsVerify(publicKey, TEST_MESSAGE, signature.subarray(0, 48)), false);
		assert.equal(blsVerify(publicKey, TEST_MESSAGE, concatBytes(signature, Uint8Array.of(0))), false);
		assert.equal(blsVerify(publicKey, TEST_MESSAGE, new Uint8Array(0)), false);
		const uncompressed = encodeG1Uncompressed(decodeG1Compressed(signature));
		assert.equal(blsVerify(publicKey, TEST_MESSAGE, uncompressed), false);
	});

	test('a bad tag byte', () => {
		for (const tag of [0x00, 0x01, 0x04, 0x06, 0x82, 0xa3]) {
			const bad = signature.slice();
			bad[0] = tag;
			assert.equal(blsVerify(publicKey, TEST_MESSAGE, bad), false, `tag ${tag}`);
		}
	});

	test('an x that is not on the curve, or not below p', () => {
		const offCurve = concatBytes(Uint8Array.of(0x02), bigintToBytes(xOffCurve(), 48));
		assert.equal(blsVerify(publicKey, TEST_MESSAGE, offCurve), false);
		const tooBig = concatBytes(Uint8Array.of(0x02), bigintToBytes(FIELD_MODULUS + 1n, 48));
		assert.equal(blsVerify(publicKey, TEST_MESSAGE, tooBig), false);
		assert.equal(blsVerify(publicKey, TEST_MESSAGE, concatBytes(Uint8Array.of(0x02), new Uint8Array(48).fill(0xff))), false);
	});

	test('a curve point outside the prime-order subgroup', () => {
		const { x } = pointOutsideSubgroup();
		assert.equal(blsVerify(publicKey, TEST_MESSAGE, concatBytes(Uint8Array.of(0x02), bigintToBytes(x, 48))), false);
	});

	test('malformed public keys', () => {
		assert.equal(blsVerify(publicKey.subarray(0, 191), TEST_MESSAGE, signature), false);
		assert.equal(blsVerify(concatBytes(Uint8Array.of(0x04), publicKey), TEST_MESSAGE, signature), false);
		assert.equal(blsVerify(new Uint8Array(192), TEST_MESSAGE, signature), false);
		const offCurve = publicKey.slice();
		offCurve[191] ^= 0x01;
		assert.equal(blsVerify(offCurve, TEST_MESSAGE, signature), false);
		// ZCash/IETF order (c1 before c0) is a different, invalid point.
		const swapped = concatBytes(publicKey.subarray(48, 96), publicKey.subarray(0, 48), publicKey.subarray(144, 192), publicKey.subarray(96, 144));
		assert.equal(blsVerify(swapped, TEST_MESSAGE, signature), false);
	});

	test('non-byte arguments', () => {
		const loose = blsVerify as (...args: unknown[]) => boolean;
		assert.equal(loose(BLOCK1.pk1, TEST_MESSAGE, signature), false);
		assert.equal(loose(publicKey, 'test message', signature), false);
		assert.equal(loose(publicKey, TEST_MESSAGE, undefined), false);
	});
});

describe('point encodings', () => {
	test('G1 compressed and uncompressed round-trip; tag follows the parity of y', () => {
		for (const k of [1n, 2n, 42n, CURVE_ORDER - 1n]) {
			const point = hashToG1(TEST_MESSAGE).multiply(k);
			const compressed = encodeG1Compressed(point);
			assert.equal(compressed.length, 49);
			assert.equal(compressed[0], point.toAffine().y & 1n ? 0x03 : 0x02);
			assert.ok(decodeG1Compressed(compressed).equals(point));
			const uncompressed = encodeG1Uncompressed(point);
			assert.equal(uncompressed.length, 97);
			assert.equal(uncompressed[0], 0x04);
			assert.deepEqual(uncompressed.subarray(1, 49), compressed.subarray(1));
			assert.ok(decodeG1Uncompressed(uncompressed).equals(point));
		}
	});

	test('G2 round-trips with c0 first', () => {
		const point = bls12_381.G2.Point.BASE.multiply(42n);
		const bytes = encodeG2(point);
		assert.equal(bytesToHex(bytes), vectors.fixed.sk42.pk);
		const { x } = point.toAffine();
		assert.deepEqual(bytes.subarray(0, 48), bigintToBytes(x.c0, 48));
		assert.ok(decodeG2(bytes).equals(point));
	});

	test('decoders throw QredoInputError naming the field', () => {
		const sig = hex(BLOCK1.sig1);
		assertInputError(() => decodeG1Compressed(sig.subarray(0, 48), 'signature'), 'signature', undefined, 'got 48 bytes');
		assertInputError(() => decodeG1Compressed(concatBytes(Uint8Array.of(0x04), sig.subarray(1))), 'signature', undefined, 'first byte');
		assertInputError(() => decodeG1Compressed(concatBytes(Uint8Array.of(0x02), bigintToBytes(xOffCurve(), 48))), 'signature', undefined, 'not on the curve');
		const { x, y } = pointOutsideSubgroup();
		const outside = concatBytes(Uint8Array.of(0x04), bigintToBytes(x, 48), bigintToBytes(y, 48));
		assertInputError(() => decodeG1Uncompressed(outside, 'clientSecret'), 'clientSecret', undefined, 'subgroup');
		const badY = outside.slice();
		badY[96] ^= 1;
		assertInputError(() => decodeG1Uncompressed(badY, 'clientSecret'), 'clientSecret');
		assertInputError(() => decodeG1Uncompressed(new Uint8Array(97), 'clientSecret'), 'clientSecret');
		assertInputError(() => decodeG2(new Uint8Array(192)), 'blsPublicKey', undefined, 'infinity');
		assertInputError(() => decodeG2(new Uint8Array(191), 'serverSecret'), 'serverSecret', undefined, 'got 191 bytes');
		assertInputError(() => encodeG1Compressed(bls12_381.G1.Point.ZERO), 'point');
		assertInputError(() => encodeG2(bls12_381.G2.Point.ZERO), 'point');
	});
});
