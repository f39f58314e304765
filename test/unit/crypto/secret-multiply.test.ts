/**
 * The signing ladder in WebAssembly (lib/crypto/secretMultiply.ts) gives noble's sk·P for edge and random scalars,
 * its digit form and GLV split are exact, and signing on both paths reproduces every AMCL signature.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { blsSign, blsSignChecked, CURVE_ORDER, hashToG1, parseBlsSecretKey } from '../../../lib/crypto/bls';
import { bytesToBigint, bytesToHex, hexToBytes, utf8 } from '../../../lib/crypto/bytes';
import { fastPairing, fromG1, loadFastPairing, setFastPairingEnabled, toG1 } from '../../../lib/crypto/pairing';
import { glvSplit, multiplySecret, regularDigits } from '../../../lib/crypto/secretMultiply';
import { amclVectors } from '../../support/paths';

const LAMBDA = 0xd201000000010000n ** 2n - 1n;
const randomScalar = () => (bytesToBigint(new Uint8Array(randomBytes(64))) % (CURVE_ORDER - 1n)) + 1n;

before(async () => assert.equal(await loadFastPairing(), true, 'mcl loads'));

test('GLV split: sk = k1 + k2·λ with both halves below 2^128', () => {
	assert.equal(LAMBDA * LAMBDA + LAMBDA + 1n, CURVE_ORDER, 'λ² + λ + 1 = r');
	for (const sk of [1n, LAMBDA - 1n, LAMBDA, LAMBDA + 1n, CURVE_ORDER - 1n, ...Array.from({ length: 200 }, randomScalar)]) {
		const [k1, k2] = glvSplit(sk);
		assert.equal(k1 + k2 * LAMBDA, sk);
		assert.ok(k1 >= 0n && k1 < 1n << 128n && k2 >= 0n && k2 < 1n << 128n, `halves of ${sk}`);
	}
});

test('regular digits: odd, never zero, within ±15, and summing back to k', () => {
	for (const k of [1n, 3n, (1n << 128n) + 1n, (1n << 128n) + 3n, ...Array.from({ length: 200 }, () => (randomScalar() >> 127n) | 1n)]) {
		const digits = regularDigits(k);
		assert.equal(digits.length, 33);
		for (const d of digits) assert.ok(d % 2 !== 0 && d >= -15 && d <= 15, `digit ${d} of ${k}`);
		assert.equal(digits.reduceRight((sum, d) => sum * 16n + BigInt(d), 0n), k);
	}
	assert.throws(() => regularDigits(2n), /odd/);
	assert.throws(() => regularDigits(1n << 140n | 1n), /does not fit/);
});

test('sk·P: the same point as noble for edge scalars and 300 random ones', () => {
	const fast = fastPairing();
	assert.ok(fast);
	const point = hashToG1(utf8('a message to sign'));
	const wasmPoint = toG1(fast, point.toAffine());
	const edges = [1n, 2n, 3n, 15n, 16n, 17n, LAMBDA - 1n, LAMBDA, LAMBDA + 1n, LAMBDA + 2n, 2n * LAMBDA, CURVE_ORDER - 1n, CURVE_ORDER - 2n, CURVE_ORDER - LAMBDA];
	for (const sk of [...edges, ...Array.from({ length: 300 }, randomScalar)]) {
		assert.deepEqual(fromG1(multiplySecret(fast, wasmPoint, sk)), point.multiply(sk).toAffine(), `sk = ${sk}`);
	}
});

test('blsSign and blsSignChecked give every AMCL signature on both paths', () => {
	try {
		for (const enabled of [false, true]) {
			setFastPairingEnabled(enabled);
			for (const v of amclVectors().bls) {
				const sk = parseBlsSecretKey(v.sk);
				const message = hexToBytes(v.msg, 'msg');
				assert.equal(bytesToHex(blsSign(sk, message)), v.sig, `blsSign, WebAssembly ${enabled}`);
				assert.equal(bytesToHex(blsSignChecked(sk, message)), v.sig, `blsSignChecked, WebAssembly ${enabled}`);
			}
		}
	} finally {
		setFastPairingEnabled(true);
	}
});

test('blsSignChecked refuses a signature when one point addition in WebAssembly goes wrong; blsSign would send it', () => {
	const fast = fastPairing();
	assert.ok(fast);
	const raw = (fast as unknown as { mod: { _mclBnG1_add(out: number, x: number, y: number): void } }).mod;
	const add = raw._mclBnG1_add;
	const v = amclVectors().bls[0];
	const sk = parseBlsSecretKey(v.sk);
	const message = hexToBytes(v.msg, 'msg');
	// A fault in the hardware or the library: one addition (the `at`-th of the next signature) adds y twice.
	const faultAt = (at: number) => {
		let calls = 0;
		raw._mclBnG1_add = (out, x, y) => {
			add.call(raw, out, x, y);
			if (++calls === at) add.call(raw, out, out, y);
		};
	};
	try {
		for (const at of [5, 40, 70]) {
			faultAt(at);
			assert.notEqual(bytesToHex(blsSign(sk, message)), v.sig, `fault at addition ${at} changes the unchecked signature`);
		}
		// Faults in the signature's own multiplication, and (past ~76 additions) in the blinded recomputation.
		for (const at of [5, 40, 70, 100, 150, 220]) {
			faultAt(at);
			assert.throws(
				() => blsSignChecked(sk, message),
				(error: Error) => error.name === 'QredoInputError' && /blsPrivateKey/.test(error.message) && /nothing was sent/.test(error.message) && !error.message.includes(v.sk),
				`fault at addition ${at} is caught`,
			);
		}
	} finally {
		raw._mclBnG1_add = add;
	}
	assert.equal(bytesToHex(blsSignChecked(sk, message)), v.sig, 'without the fault it signs again');
});
