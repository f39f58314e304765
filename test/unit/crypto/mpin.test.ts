import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CURVE_ORDER, decodeG1Uncompressed, decodeG2, encodeG1Uncompressed, type G1Point } from '../../../lib/crypto/bls';
import { base64ToBytes, bigintToBytes, bytesToBase64, bytesToHex, hexToBytes, utf8 } from '../../../lib/crypto/bytes';
import {
	mpinChallenge,
	mpinClientSecret,
	mpinExtractPin,
	mpinHashId,
	mpinOnePass,
	mpinServerSecret,
	zkpHeaderValue,
} from '../../../lib/crypto/mpin';
import { bls12_381 } from '../../../lib/vendor/noble';
import { amclVectors } from '../../support/paths';
import { assertInputError } from './assertions';

interface MpinVector {
	idText: string;
	masterSecret: string;
	serverSecret: string;
	clientSecret: string;
	hid: string;
	x: string;
	ts: number;
	U: string;
	V: string;
}

const vectors = amclVectors().mpin as unknown as MpinVector[];
const hex = (text: string) => hexToBytes(text, 'vector');
const scalar = (text: string) => BigInt('0x' + text);

/** Protocol reference §1.4 (ID from SA1 testdata/lib/registerClientInitResponse.json). */
const DOC = {
	id: '{"id":"5zPWqLZaPqAaNenjyzWy5rcaGm4PuT1bfP74GgrzFUJn","curve":"BLS381","created":1659612821}',
	/** CS, the client secret s·H(ID) (from the same SA1 test file). */
	cs:
		'041913ad8a161f5f8a93dd6ad7cb8cd2a80711dedc45f997bf3d21313c14e7e34cb08d6f39189eab30b35c0b8b8f9388ce09414425a9a84ea947212f1830bdef3cf19901566b14e99ba283f9f1895c5f7579d52ec2dd7b59ef8f76b7f7f377e3c3',
	x: 7n,
	ts: 1700000000,
	hid: '040addd5d220c395b74c3dcd1454821d83ad0b0b3ef6355b732c06444fde690a7a50873721e5c30d4ca0ebabba97a105e911c13c597fe6129d3abbd34c042816589d0a18a471a772c907369898c21863138ff2b482ff361b9c6ff00574d8392082',
	U: '0408cb7c467d08a1d218f1bb2564197efe31441e201c8c820e118ed774895c771a033ec03156f572a0e5d81da02b2c78030a0ab07c04132a72d9cf46389c77eeae0232f97f99f6b266afee30bbf9e18d53c663fa93997a4e0650b78ac88d426ff1',
	y: '1a45baef61c4ebd9d1fa0fc2842132b6ca7bf67d8adb495c253b71854e17b2f0',
	V: '0405b2ed14cc20cb294db6a22f07829282bbf1911017c4b31a44a12eedfbf8079e8afe3301491288353bb285b618d1c7fd13d58afacbc623fc9d8ea8bb2d93c85b4666029d5eed4827077bb887e90c6e1c82f136e3597b7f118d273b4493aab671',
};

/**
 * The one-pass server equation, written here (not in lib/) on purpose: e(V, G2)·e(U + y·H(ID), sQ) == 1.
 */
function onePassVerifies(id: Uint8Array, timestamp: number, U: Uint8Array, V: Uint8Array, serverSecret: Uint8Array): boolean {
	const hashedId: G1Point = mpinHashId(id);
	const y = mpinChallenge(timestamp, U);
	const product = bls12_381.pairingBatch([
		{ g1: decodeG1Uncompressed(V), g2: bls12_381.G2.Point.BASE },
		{ g1: decodeG1Uncompressed(U).add(hashedId.multiply(y)), g2: decodeG2(serverSecret) },
	]);
	return bls12_381.fields.Fp12.eql(product, bls12_381.fields.Fp12.ONE);
}

describe('M-Pin vectors (AMCL, mpin[])', () => {
	assert.ok(vectors.length >= 3);
	for (const [index, v] of vectors.entries()) {
		const id = utf8(v.idText);
		const masterSecret = scalar(v.masterSecret);

		test(`#${index}: H(ID), client secret, server secret`, () => {
			assert.equal(bytesToHex(encodeG1Uncompressed(mpinHashId(id))), v.hid);
			assert.equal(bytesToHex(mpinClientSecret(masterSecret, id)), v.clientSecret);
			assert.equal(bytesToHex(mpinServerSecret(masterSecret)), v.serverSecret);
		});

		test(`#${index}: U and V for the given x and ts; they pass the pairing check and fail for another ts`, () => {
			const { U, V } = mpinOnePass({ id, clientSecret: hex(v.clientSecret), timestamp: v.ts, x: scalar(v.x) });
			assert.equal(bytesToHex(U), v.U);
			assert.equal(bytesToHex(V), v.V);
			const serverSecret = hex(v.serverSecret);
			assert.equal(onePassVerifies(id, v.ts, hex(v.U), hex(v.V), serverSecret), true);
			assert.equal(onePassVerifies(id, v.ts + 1, hex(v.U), hex(v.V), serverSecret), false);
			assert.equal(onePassVerifies(utf8(v.idText + ' '), v.ts, hex(v.U), hex(v.V), serverSecret), false);
		});

		test(`#${index}: x-api-zkp header is hex of {"ID","ET","U","V"}`, () => {
			const header = zkpHeaderValue({ id, clientSecret: hex(v.clientSecret), timestamp: v.ts, x: scalar(v.x) });
			assert.match(header, /^[0-9a-f]+$/);
			const json = Buffer.from(header, 'hex').toString('utf8');
			const expected =
				`{"ID":"${Buffer.from(v.idText).toString('base64')}","ET":${v.ts},` +
				`"U":"${Buffer.from(v.U, 'hex').toString('base64')}","V":"${Buffer.from(v.V, 'hex').toString('base64')}"}`;
			assert.equal(json, expected);
			const parsed = JSON.parse(json) as Record<string, unknown>;
			assert.deepEqual(Object.keys(parsed), ['ID', 'ET', 'U', 'V']);
			assert.equal(typeof parsed.ET, 'number');
			assert.equal(Buffer.from(parsed.ID as string, 'base64').toString('utf8'), v.idText);
		});
	}
});

describe('M-Pin: docs/protocol.md §1.4 vector', () => {
	const id = utf8(DOC.id);

	test('H(ID), U, y and V for x = 7, ts = 1700000000, pin 0', () => {
		assert.equal(bytesToHex(encodeG1Uncompressed(mpinHashId(id))), DOC.hid);
		const { U, V } = mpinOnePass({ id, clientSecret: hex(DOC.cs), timestamp: DOC.ts, x: DOC.x, pin: 0 });
		assert.equal(bytesToHex(U), DOC.U);
		assert.equal(mpinChallenge(DOC.ts, U), scalar(DOC.y));
		// AMCL holds y as 48 bytes: 16 leading zero bytes, then the 32 shown in the reference.
		assert.equal(bytesToHex(bigintToBytes(mpinChallenge(DOC.ts, U), 48)), '00'.repeat(16) + DOC.y);
		assert.equal(bytesToHex(V), DOC.V);
	});
});

describe('M-Pin: PIN, randomness and input checks', () => {
	const v = vectors[0];
	const id = utf8(v.idText);
	const clientSecret = hex(v.clientSecret);
	const serverSecret = hex(v.serverSecret);

	test('a token with the PIN extracted gives the same U and V when the PIN is supplied (mod 10000)', () => {
		const x = scalar(v.x);
		const token = mpinExtractPin(id, 1234, clientSecret);
		assert.notEqual(bytesToHex(token), v.clientSecret);
		for (const pin of [1234, 11234]) {
			const { U, V } = mpinOnePass({ id, clientSecret: token, pin, timestamp: v.ts, x });
			assert.equal(bytesToHex(U), v.U);
			assert.equal(bytesToHex(V), v.V);
		}
		const wrongPin = mpinOnePass({ id, clientSecret: token, pin: 1235, timestamp: v.ts, x });
		assert.notEqual(bytesToHex(wrongPin.V), v.V);
		assert.equal(onePassVerifies(id, v.ts, wrongPin.U, wrongPin.V, serverSecret), false);
		assert.equal(bytesToHex(mpinExtractPin(id, 10000, clientSecret)), v.clientSecret, 'PIN 10000 ≡ 0');
	});

	test('without x, a fresh random x each time; both tokens verify', () => {
		const first = mpinOnePass({ id, clientSecret, timestamp: 1750000000 });
		const second = mpinOnePass({ id, clientSecret, timestamp: 1750000000 });
		assert.notEqual(bytesToHex(first.U), bytesToHex(second.U));
		for (const { U, V } of [first, second]) {
			assert.equal(U.length, 97);
			assert.equal(V.length, 97);
			assert.equal(onePassVerifies(id, 1750000000, U, V, serverSecret), true);
		}
		const header = JSON.parse(Buffer.from(zkpHeaderValue({ id, clientSecret, timestamp: 1750000000 }), 'hex').toString('utf8'));
		assert.equal(onePassVerifies(id, header.ET, base64ToBytes(header.U, 'U'), base64ToBytes(header.V, 'V'), serverSecret), true);
		assert.equal(header.ID, bytesToBase64(id));
	});

	test('bad inputs are refused with the field named', () => {
		const args = { id, clientSecret, timestamp: v.ts, x: scalar(v.x) };
		assertInputError(() => mpinOnePass({ ...args, clientSecret: clientSecret.subarray(0, 96) }), 'clientSecret', undefined, 'got 96 bytes');
		const offCurve = clientSecret.slice();
		offCurve[96] ^= 1;
		assertInputError(() => mpinOnePass({ ...args, clientSecret: offCurve }), 'clientSecret');
		for (const timestamp of [0, -1, 1.5, 2 ** 31, Number.NaN]) {
			assertInputError(() => mpinOnePass({ ...args, timestamp }), 'timestamp');
		}
		for (const x of [0n, CURVE_ORDER, -3n]) assertInputError(() => mpinOnePass({ ...args, x }), 'x');
		for (const pin of [-1, 1.5]) assertInputError(() => mpinOnePass({ ...args, pin }), 'pin');
		assertInputError(() => mpinClientSecret(0n, id), 'masterSecret');
		assertInputError(() => mpinServerSecret(CURVE_ORDER), 'masterSecret');
		assertInputError(() => mpinChallenge(0, hex(v.U)), 'timestamp');
	});
});
