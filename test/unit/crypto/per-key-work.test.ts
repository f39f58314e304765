/** Work done once per key (public keys, verification keys, M-Pin identity points) never changes a result. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blsPublicKey, blsSign, blsSignChecked, blsVerify, parseBlsSecretKey } from '../../../lib/crypto/bls';
import { bytesToHex, hexToBytes, utf8 } from '../../../lib/crypto/bytes';
import { Memo } from '../../../lib/crypto/memo';
import { mpinOnePass } from '../../../lib/crypto/mpin';
import { amclVectors } from '../../support/paths';

const vectors = amclVectors();

test('blsSignChecked gives the AMCL signature of every vector, as blsSign does', () => {
	for (const v of vectors.bls.slice(0, 6)) {
		const sk = parseBlsSecretKey(v.sk);
		const message = hexToBytes(v.msg, 'msg');
		assert.equal(bytesToHex(blsSignChecked(sk, message)), v.sig);
		assert.equal(bytesToHex(blsSign(sk, message)), v.sig);
	}
});

test('a remembered public key is returned as a copy and stays right; a remembered verification key still rejects', () => {
	const [v] = vectors.bls;
	const sk = parseBlsSecretKey(v.sk);
	const first = blsPublicKey(sk);
	first.fill(0);
	assert.equal(bytesToHex(blsPublicKey(sk)), v.pk);
	const pk = hexToBytes(v.pk, 'pk');
	const message = hexToBytes(v.msg, 'msg');
	const signature = hexToBytes(v.sig, 'sig');
	assert.equal(blsVerify(pk, message, signature), true);
	assert.equal(blsVerify(pk, utf8('another message'), signature), false);
	const damaged = pk.slice();
	damaged[10] ^= 1;
	assert.equal(blsVerify(damaged, message, signature), false, 'a key that does not decode is not remembered as valid');
	assert.equal(blsVerify(damaged, message, signature), false);
	assert.equal(blsVerify(pk, message, signature), true);
});

test('M-Pin tokens with a remembered identity equal the AMCL vectors, call after call', () => {
	for (const v of vectors.mpin as Array<Record<string, string>>) {
		const args = { id: utf8(v.idText), clientSecret: hexToBytes(v.clientSecret, 'clientSecret'), timestamp: Number(v.ts), x: BigInt(`0x${v.x}`) };
		for (let call = 0; call < 2; call++) {
			const { U, V } = mpinOnePass(args);
			assert.equal(bytesToHex(U), v.U);
			assert.equal(bytesToHex(V), v.V);
		}
	}
});

test('Memo: found by content, oldest out first, a failed computation is not remembered', () => {
	const memo = new Memo<number>(2);
	let computed = 0;
	const get = (bytes: number[]) => memo.get([Uint8Array.from(bytes)], () => ++computed);
	assert.equal(get([1]), 1);
	assert.equal(get([1]), 1);
	assert.equal(get([2]), 2);
	assert.equal(get([3]), 3);
	assert.equal(memo.size, 2);
	assert.equal(get([1]), 4, 'the oldest went');
	assert.throws(() => memo.get([Uint8Array.of(9)], () => {
		throw new Error('bad key');
	}));
	assert.equal(memo.size, 2);
	// [1,2] + [3] and [1] + [2,3] are different inputs
	const pairs = new Memo<string>(4);
	assert.equal(pairs.get([Uint8Array.of(1, 2), Uint8Array.of(3)], () => 'a'), 'a');
	assert.equal(pairs.get([Uint8Array.of(1), Uint8Array.of(2, 3)], () => 'b'), 'b');
});
