import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { decodeApiSecret, hmacRequestSignature } from '../../../lib/auth/hmac';
import { qapiV1Headers } from '../../../lib/auth/qredoApiV1';
import { qapiV2LoginHeaders } from '../../../lib/auth/qredoApiV2';
import { QredoInputError } from '../../../lib/errors';
import { hmacVectors } from './vectors';

const { secret: SECRET, secretText: SECRET_TEXT, v1, v2Login } = hmacVectors();
const BALANCE_URL = v1.vectors[0].url;
const TRANSACTION_BODY = v1.vectors[2].body as string;

/** Thrown QredoInputError, checked to name the field and never contain the given secret text. */
function assertInputError(run: () => unknown, field: string, secret?: string): void {
	assert.throws(run, (error: unknown) => {
		assert.ok(error instanceof QredoInputError, `expected QredoInputError, got ${String(error)}`);
		assert.equal(error.field, field);
		if (secret !== undefined) assert.ok(!error.message.includes(secret), 'the message must not contain the value');
		return true;
	});
}

describe('decodeApiSecret', () => {
	it('decodes the §1.1 secret to its bcrypt-like text', () => {
		assert.equal(Buffer.from(decodeApiSecret(SECRET)).toString('latin1'), SECRET_TEXT);
	});

	it('accepts both alphabets, with or without padding, and surrounding whitespace', () => {
		const bytes = Uint8Array.from([0xfb, 0xff, 0xbf, 0x01, 0x02]); // standard '+/', URL-safe '-_'
		const standard = Buffer.from(bytes).toString('base64'); // '+/+/AQI='
		const urlSafe = Buffer.from(bytes).toString('base64url'); // '-_-_AQI'
		assert.notEqual(standard.replace(/=+$/, ''), urlSafe);
		for (const text of [standard, standard.replace(/=+$/, ''), urlSafe, `${urlSafe}=`, `  ${standard}\n`]) {
			assert.deepEqual(decodeApiSecret(text), bytes, text);
		}
	});

	it('rejects empty and non-base64 secrets without echoing them, naming the field', () => {
		assertInputError(() => decodeApiSecret(''), 'apiSecret');
		assertInputError(() => decodeApiSecret('   '), 'apiSecret');
		assertInputError(() => decodeApiSecret('not base64!secret'), 'apiSecret', 'not base64!secret');
		assertInputError(() => decodeApiSecret('abc$def', 'credentials.secret'), 'credentials.secret', 'abc$def');
		assertInputError(() => decodeApiSecret(undefined as unknown as string), 'apiSecret');
	});
});

describe('hmacRequestSignature', () => {
	it('matches an HMAC computed directly from the spec, for string and byte bodies', () => {
		const expected = createHmac('sha256', Buffer.from(SECRET, 'base64'))
			.update(`1700000000POSThttps://api.qredo.network/qapi/v1/transaction${TRANSACTION_BODY}`)
			.digest('base64url');
		const input = { secret: SECRET, timestamp: 1700000000, method: 'post', url: 'https://api.qredo.network/qapi/v1/transaction' };
		assert.equal(hmacRequestSignature({ ...input, body: TRANSACTION_BODY }), expected);
		assert.equal(hmacRequestSignature({ ...input, body: Buffer.from(TRANSACTION_BODY) }), expected);
		assert.equal(hmacRequestSignature({ ...input, secret: decodeApiSecret(SECRET), body: TRANSACTION_BODY }), expected);
		assert.ok(!expected.includes('=') && !expected.includes('+') && !expected.includes('/'));
	});

	it('signs UTF-8 bodies byte for byte', () => {
		const body = '{"note":"Zürich €"}';
		const expected = createHmac('sha256', Buffer.from(SECRET, 'base64'))
			.update('1700000000PUThttps://x.test/a')
			.update(Buffer.from(body, 'utf8'))
			.digest('base64url');
		assert.equal(hmacRequestSignature({ secret: SECRET, timestamp: '1700000000', method: 'PUT', url: 'https://x.test/a', body }), expected);
	});

	it('refuses inputs that would make the signature differ from what is sent', () => {
		const base = { secret: SECRET, timestamp: 1700000000, method: 'GET', url: BALANCE_URL };
		assertInputError(() => hmacRequestSignature({ ...base, timestamp: 1700000000123 }), 'timestamp'); // milliseconds
		assertInputError(() => hmacRequestSignature({ ...base, timestamp: -1 }), 'timestamp');
		assertInputError(() => hmacRequestSignature({ ...base, timestamp: 1.5 }), 'timestamp');
		assertInputError(() => hmacRequestSignature({ ...base, method: 'GET ' }), 'method');
		assertInputError(() => hmacRequestSignature({ ...base, url: '/qapi/v1/balance' }), 'url');
		assertInputError(() => hmacRequestSignature({ ...base, url: 'https://api.qredo.network' }), 'url'); // normal form adds '/'
		assertInputError(() => hmacRequestSignature({ ...base, url: 'https://API.qredo.network/x' }), 'url');
		assertInputError(() => hmacRequestSignature({ ...base, url: 'https://api.qredo.network/a b' }), 'url');
		assertInputError(() => hmacRequestSignature({ ...base, url: 'ftp://api.qredo.network/x' }), 'url');
		assertInputError(() => hmacRequestSignature({ ...base, url: 'https://u:p@api.qredo.network/x' }), 'url');
		assertInputError(() => hmacRequestSignature({ ...base, body: 42 as unknown as string }), 'body');
	});
});

describe('qapiV1Headers (protocol §1.1 vectors)', () => {
	assert.equal(v1.vectors.length, 3);
	for (const { name, method, url, timestamp, body, signature } of v1.vectors) {
		it(name, () => {
			const headers = qapiV1Headers({ apiKey: ` ${v1.apiKey} `, secret: SECRET, method, url, timestamp, body });
			assert.deepEqual(headers, { 'qredo-api-key': v1.apiKey, 'qredo-api-ts': String(timestamp), 'qredo-api-sig': signature });
		});
	}

	it('a different secret gives a different signature', () => {
		const wrongSecret = Buffer.from('$2a$04$ethku.q5kCreAahqXVysfuiSDrwlNU8He64NHiG4Z.1za/YJ/yHLX').toString('base64');
		const headers = qapiV1Headers({ apiKey: 'k', secret: wrongSecret, method: 'GET', url: BALANCE_URL, timestamp: 1644591813 });
		assert.notEqual(headers['qredo-api-sig'], v1.vectors[0].signature);
		assert.equal(qapiV1Headers({ apiKey: 'k', secret: SECRET, method: 'GET', url: BALANCE_URL, timestamp: 1644591813 })['qredo-api-sig'], v1.vectors[0].signature);
	});

	it('defaults the timestamp to now, in seconds', () => {
		const before = Math.floor(Date.now() / 1000);
		const headers = qapiV1Headers({ apiKey: 'k', secret: SECRET, method: 'GET', url: BALANCE_URL });
		const ts = Number(headers['qredo-api-ts']);
		assert.ok(ts >= before && ts <= Math.floor(Date.now() / 1000), 'timestamp is current Unix seconds');
		const expected = createHmac('sha256', Buffer.from(SECRET, 'base64')).update(`${ts}GET${BALANCE_URL}`).digest('base64url');
		assert.equal(headers['qredo-api-sig'], expected);
	});

	it('rejects a missing or header-unsafe API key without echoing it', () => {
		assertInputError(() => qapiV1Headers({ apiKey: '', secret: SECRET, method: 'GET', url: BALANCE_URL }), 'apiKey');
		assertInputError(() => qapiV1Headers({ apiKey: 'a\r\nx-evil: 1', secret: SECRET, method: 'GET', url: BALANCE_URL }), 'apiKey', 'x-evil');
	});
});

describe('qapiV2LoginHeaders (protocol §1.2 vector)', () => {
	it('signs GET {base}/workspaces/{ws}/token with the v2 header names', () => {
		const headers = qapiV2LoginHeaders({ apiKey: v2Login.apiKey, secret: SECRET, url: v2Login.url, timestamp: v2Login.timestamp });
		assert.deepEqual(headers, {
			'qredo-api-key': v2Login.apiKey,
			'qredo-api-timestamp': String(v2Login.timestamp),
			'qredo-api-signature': v2Login.signature,
		});
		assert.deepEqual(qapiV2LoginHeaders({ apiKey: v2Login.apiKey, secret: SECRET, url: v2Login.url, timestamp: v2Login.timestamp, method: 'GET' }), headers);
	});
});
