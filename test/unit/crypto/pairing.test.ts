/** The WebAssembly path (mcl) gives exactly noble's answers on every AMCL vector, and rejects what noble rejects. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { blsSign, blsVerify, hashToG1, pairingProductIsOne, parseBlsSecretKey } from '../../../lib/crypto/bls';
import { bls12_381 } from '../../../lib/vendor/noble';
import { bytesToHex, hexToBytes, utf8 } from '../../../lib/crypto/bytes';
import { loadFastPairing, setFastPairingEnabled } from '../../../lib/crypto/pairing';
import { amclVectors } from '../../support/paths';

const vectors = amclVectors();
before(async () => assert.equal(await loadFastPairing(), true, 'mcl loads'));
after(() => setFastPairingEnabled(true));

function bothPaths<T>(run: () => T): { noble: T; fast: T } {
	setFastPairingEnabled(false);
	const noble = run();
	setFastPairingEnabled(true);
	return { noble, fast: run() };
}

test('hash to G1: the same point on both paths, and the AMCL signatures', () => {
	for (const v of vectors.bls) {
		const message = hexToBytes(v.msg, 'msg');
		const { noble, fast } = bothPaths(() => hashToG1(message).toAffine());
		assert.deepEqual(fast, noble);
		assert.equal(bytesToHex(blsSign(parseBlsSecretKey(v.sk), message)), v.sig);
	}
});

test('verify: true for every vector, false for another message, another key or a damaged signature, on both paths', () => {
	const [first, second] = vectors.bls;
	for (const v of vectors.bls) {
		const pk = hexToBytes(v.pk, 'pk');
		const message = hexToBytes(v.msg, 'msg');
		const signature = hexToBytes(v.sig, 'sig');
		const damaged = signature.slice();
		damaged[20] ^= 1;
		const { noble, fast } = bothPaths(() => [
			blsVerify(pk, message, signature),
			blsVerify(pk, utf8('another message'), signature),
			blsVerify(hexToBytes(v === first ? second.pk : first.pk, 'pk'), message, signature),
			blsVerify(pk, message, damaged),
		]);
		assert.deepEqual(noble, [true, false, false, false]);
		assert.deepEqual(fast, noble);
	}
});

test('verify: a signature on the curve but outside G1 is refused on both paths', () => {
	const v = vectors.bls[0];
	// x = 1: 1 + 4 = 5 is a square mod p? try x = 1, 2, … until the curve has a point; it is not in G1 (cofactor ≠ 1)
	for (let x = 1; x < 50; x++) {
		const bytes = new Uint8Array(49);
		bytes[0] = 0x02;
		bytes[48] = x;
		const { noble, fast } = bothPaths(() => blsVerify(hexToBytes(v.pk, 'pk'), hexToBytes(v.msg, 'msg'), bytes));
		assert.equal(noble, false);
		assert.equal(fast, false);
	}
});

test('pairingProductIsOne: e(a·P, Q)·e(−P, a·Q) is one, a wrong factor is not; a term with infinity drops out; both paths', () => {
	const P = bls12_381.G1.Point.BASE.multiply(7n);
	const Q = bls12_381.G2.Point.BASE.multiply(11n);
	const a = 0x1234567890abcdefn;
	const cases = () => [
		pairingProductIsOne(P.multiply(a), Q, P.negate(), Q.multiply(a)),
		pairingProductIsOne(P.multiply(a + 1n), Q, P.negate(), Q.multiply(a)),
		pairingProductIsOne(bls12_381.G1.Point.ZERO, Q, P, bls12_381.G2.Point.ZERO),
		pairingProductIsOne(bls12_381.G1.Point.ZERO, Q, P, Q),
	];
	const { noble, fast } = bothPaths(cases);
	assert.deepEqual(noble, [true, false, true, false]);
	assert.deepEqual(fast, noble);
});
