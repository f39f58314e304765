import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
	base64ToBytes,
	bigintToBytes,
	bytesToBase64,
	bytesToBase64Url,
	bytesToBigint,
	bytesToHex,
	concatBytes,
	equalBytes,
	hexToBytes,
	parseBinary,
	utf8,
} from '../../../lib/crypto/bytes';
import { assertInputError } from './assertions';

describe('hex', () => {
	test('decodes with and without 0x, any case, and encodes lowercase', () => {
		assert.deepEqual(hexToBytes('00ff10Ab', 'f'), Uint8Array.of(0x00, 0xff, 0x10, 0xab));
		assert.deepEqual(hexToBytes('0x00FF10ab', 'f'), Uint8Array.of(0x00, 0xff, 0x10, 0xab));
		assert.deepEqual(hexToBytes('0X0a', 'f'), Uint8Array.of(0x0a));
		assert.deepEqual(hexToBytes('', 'f'), new Uint8Array(0));
		assert.equal(bytesToHex(Uint8Array.of(0x00, 0xff, 0x10, 0xab)), '00ff10ab');
		const random = new Uint8Array(randomBytes(64));
		assert.equal(bytesToHex(random), Buffer.from(random).toString('hex'));
		assert.deepEqual(hexToBytes(bytesToHex(random), 'f'), random);
	});

	test('rejects odd length, non-hex characters and wrong lengths, naming the field only', () => {
		assertInputError(() => hexToBytes('abc', 'message'), 'message', 'abc', 'odd number');
		assertInputError(() => hexToBytes('zz11', 'message'), 'message', 'zz11', 'not a hex digit');
		assertInputError(() => hexToBytes('0x 11', 'message'), 'message');
		const secret = 'ab'.repeat(47);
		assertInputError(() => hexToBytes(secret, 'seed', 48), 'seed', secret, 'seed: expected 48 bytes as hex (96 characters) (got 47 bytes)');
	});
});

describe('base64', () => {
	test('round-trips every length against Buffer in both alphabets', () => {
		for (let length = 0; length <= 40; length++) {
			const bytes = new Uint8Array(randomBytes(length));
			const standard = bytesToBase64(bytes);
			const url = bytesToBase64Url(bytes);
			assert.equal(standard, Buffer.from(bytes).toString('base64'));
			assert.equal(url, Buffer.from(bytes).toString('base64url'));
			assert.ok(!url.includes('='));
			assert.deepEqual(base64ToBytes(standard, 'f'), bytes);
			assert.deepEqual(base64ToBytes(url, 'f'), bytes);
			assert.deepEqual(base64ToBytes(standard.replace(/=+$/, ''), 'f'), bytes, 'padding is optional');
		}
	});

	test('decodes known values', () => {
		assert.deepEqual(base64ToBytes('+/8=', 'f'), Uint8Array.of(0xfb, 0xff));
		assert.deepEqual(base64ToBytes('-_8', 'f'), Uint8Array.of(0xfb, 0xff));
		assert.equal(bytesToBase64(Uint8Array.of(0xfb, 0xff)), '+/8=');
		assert.equal(bytesToBase64Url(Uint8Array.of(0xfb, 0xff)), '-_8');
		assert.deepEqual(base64ToBytes('e30=', 'f'), utf8('{}'));
	});

	test('is strict', () => {
		assertInputError(() => base64ToBytes('ab$d', 'apiSecret'), 'apiSecret', 'ab$d', 'outside the base64 alphabet');
		assertInputError(() => base64ToBytes('ab d', 'apiSecret'), 'apiSecret');
		assertInputError(() => base64ToBytes('+-AA', 'apiSecret'), 'apiSecret', undefined, 'mixes');
		assertInputError(() => base64ToBytes('A===', 'apiSecret'), 'apiSecret', undefined, 'bad padding');
		assertInputError(() => base64ToBytes('AA=', 'apiSecret'), 'apiSecret', undefined, 'bad padding');
		assertInputError(() => base64ToBytes('AA=A', 'apiSecret'), 'apiSecret');
		assertInputError(() => base64ToBytes('AAAAA', 'apiSecret'), 'apiSecret', undefined, 'impossible length');
		assertInputError(() => base64ToBytes('+/9=', 'apiSecret'), 'apiSecret', undefined, 'unused bits');
		assertInputError(() => base64ToBytes('é', 'apiSecret'), 'apiSecret');
	});
});

describe('parseBinary', () => {
	const bytes48 = new Uint8Array(randomBytes(48));

	test('accepts hex (with or without 0x) and base64 (either alphabet, padding optional)', () => {
		const hex = bytesToHex(bytes48);
		for (const text of [hex, hex.toUpperCase(), '0x' + hex, ` ${hex}\n`, bytesToBase64(bytes48), bytesToBase64Url(bytes48)]) {
			assert.deepEqual(parseBinary(text, 'blsPrivateKey', 48), bytes48);
		}
		const bytes32 = bytes48.subarray(0, 32);
		assert.deepEqual(parseBinary(bytesToBase64(bytes32), 'ecPrivateKey', 32), bytes32);
		assert.deepEqual(parseBinary(bytesToBase64(bytes32).replace(/=+$/, ''), 'ecPrivateKey', 32), bytes32);
	});

	test('reports the byte count it got, never the value', () => {
		const hex47 = bytesToHex(bytes48.subarray(0, 47));
		const expected = 'blsPrivateKey: expected 48 bytes as hex (96 characters) or base64 (got 47 bytes)';
		assert.throws(() => parseBinary(hex47, 'blsPrivateKey', 48), { name: 'QredoInputError', message: expected });
		const b64of47 = bytesToBase64(bytes48.subarray(0, 47));
		assert.throws(() => parseBinary(b64of47, 'blsPrivateKey', 48), { name: 'QredoInputError', message: expected });
		assertInputError(() => parseBinary(hex47 + 'a', 'blsPrivateKey', 48), 'blsPrivateKey', hex47, 'odd number of hex digits');
		assertInputError(() => parseBinary('not a key!', 'blsPrivateKey', 48), 'blsPrivateKey', 'not a key', 'neither hex nor valid base64');
		assertInputError(() => parseBinary('', 'blsPrivateKey', 48), 'blsPrivateKey', undefined, 'empty');
	});

	test('a 32-byte hex value offered for a 48-byte field is not reread as base64', () => {
		// 64 hex digits are also 64 valid base64 characters (48 bytes); reading them as base64 would silently
		// turn an EC key pasted into the BLS field into a different BLS key.
		const hex32 = bytesToHex(bytes48.subarray(0, 32));
		assert.throws(() => parseBinary(hex32, 'blsPrivateKey', 48), /got 32 bytes/);
	});
});

describe('integers and helpers', () => {
	test('bigint <-> big-endian bytes', () => {
		assert.deepEqual(bigintToBytes(0x0102n, 4), Uint8Array.of(0, 0, 1, 2));
		assert.equal(bytesToBigint(Uint8Array.of(0, 0, 1, 2)), 0x0102n);
		assert.equal(bytesToBigint(new Uint8Array(0)), 0n);
		const value = (1n << 383n) + 12345n;
		assert.equal(bytesToBigint(bigintToBytes(value, 48)), value);
		assert.throws(() => bigintToBytes(1n << 384n, 48), RangeError);
		assert.throws(() => bigintToBytes(-1n, 48), RangeError);
	});

	test('concat, utf8, equality', () => {
		assert.deepEqual(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3)), Uint8Array.of(1, 2, 3));
		assert.deepEqual(utf8('é{}'), Uint8Array.of(0xc3, 0xa9, 0x7b, 0x7d));
		assert.equal(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), true);
		assert.equal(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3)), false);
		assert.equal(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1)), false);
	});
});
