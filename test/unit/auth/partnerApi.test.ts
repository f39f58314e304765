import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRsaPrivateKey, NonceSource, partnerHeaders, partnerSignature } from '../../../lib/auth/partnerApi';
import { QredoInputError } from '../../../lib/errors';
import { repoRoot } from '../../support/paths';
import { partnerVectors } from './vectors';

const fixtureText = (name: string) => readFileSync(join(repoRoot, 'test/fixtures', name), 'utf8');
const PKCS1 = fixtureText('auth-rsa-2048.pkcs1.pem');
const PKCS8 = fixtureText('auth-rsa-2048.pkcs8.pem');
const PUBLIC = fixtureText('auth-rsa-2048.public.pem');

const vectors = partnerVectors();

/** RSASSA-PKCS1-v1_5 / SHA-256 verification straight from node:crypto, independent of the code under test. */
function verifies(publicKey: KeyObject | string, payload: string | Buffer, xSign: string): boolean {
	return verify('sha256', Buffer.from(payload), publicKey, Buffer.from(xSign, 'base64url'));
}

function assertInputError(run: () => unknown, field: string, mustNotContain: string[] = []): QredoInputError {
	let caught: unknown;
	assert.throws(run, (error: unknown) => {
		caught = error;
		return error instanceof QredoInputError;
	});
	const error = caught as QredoInputError;
	assert.equal(error.field, field);
	for (const text of mustNotContain) assert.ok(!error.message.includes(text), 'the message must not contain key material');
	return error;
}

/** A few characters from inside a PEM body: enough to prove no key material leaked into a message. */
const bodySample = (pem: string) => (pem.split('\n').find((line) => line.length === 64) as string).slice(10, 40);

describe('loadRsaPrivateKey', () => {
	const publicFingerprint = createPublicKey(PUBLIC).export({ type: 'spki', format: 'der' });
	const samePair = (key: KeyObject) => assert.deepEqual(createPublicKey(key).export({ type: 'spki', format: 'der' }), publicFingerprint);

	it('loads the PKCS#1 and PKCS#8 fixtures as the same 2048-bit RSA key', () => {
		for (const pem of [PKCS1, PKCS8]) {
			const key = loadRsaPrivateKey(pem);
			assert.equal(key.type, 'private');
			assert.equal(key.asymmetricKeyType, 'rsa');
			assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
			samePair(key);
		}
	});

	it('accepts the whole PEM base64-encoded (Signing Agent /register), wrapped or not', () => {
		samePair(loadRsaPrivateKey(Buffer.from(PKCS1).toString('base64')));
		samePair(loadRsaPrivateKey(Buffer.from(PKCS8).toString('base64').replace(/.{76}/g, '$&\n')));
	});

	it('accepts literal \\n escapes (env files, JSON), CRLF and line breaks flattened to spaces', () => {
		samePair(loadRsaPrivateKey(PKCS1.replace(/\n/g, '\\n')));
		samePair(loadRsaPrivateKey(PKCS8.replace(/\n/g, '\r\n')));
		samePair(loadRsaPrivateKey(`  ${PKCS1.replace(/\n/g, ' ')}  `));
	});

	it('rejects public keys and certificates, naming the field', () => {
		const error = assertInputError(() => loadRsaPrivateKey(PUBLIC, 'credentials.privateKey'), 'credentials.privateKey');
		assert.match(error.message, /PUBLIC KEY/);
		const pkcs1Public = createPublicKey(PUBLIC).export({ type: 'pkcs1', format: 'pem' }) as string;
		assertInputError(() => loadRsaPrivateKey(pkcs1Public), 'rsaPrivateKey');
	});

	it('rejects encrypted keys (PKCS#8 and legacy PKCS#1) and says how to fix it', () => {
		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw-secret' }) as string;
		const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw-secret' }) as string;
		for (const pem of [pkcs8, pkcs1]) {
			const error = assertInputError(() => loadRsaPrivateKey(pem), 'rsaPrivateKey', [bodySample(pem)]);
			assert.match(error.message, /unencrypted/);
		}
	});

	it('rejects non-RSA keys and RSA keys under 2048 bits', () => {
		const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		assert.match(assertInputError(() => loadRsaPrivateKey(ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), 'rsaPrivateKey').message, /type ec/);
		assertInputError(() => loadRsaPrivateKey(ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string), 'rsaPrivateKey');
		const ed = generateKeyPairSync('ed25519');
		assertInputError(() => loadRsaPrivateKey(ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), 'rsaPrivateKey');
		const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
		assertInputError(() => loadRsaPrivateKey(pss.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), 'rsaPrivateKey');
		const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
		const smallPem = small.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
		assert.match(assertInputError(() => loadRsaPrivateKey(smallPem), 'rsaPrivateKey', [bodySample(smallPem)]).message, /2048/);
	});

	it('rejects garbage, damaged PEM and several blocks without echoing the input', () => {
		assertInputError(() => loadRsaPrivateKey(''), 'rsaPrivateKey');
		assertInputError(() => loadRsaPrivateKey('not a key at all'), 'rsaPrivateKey', ['not a key']);
		assertInputError(() => loadRsaPrivateKey(Buffer.from('hello world').toString('base64')), 'rsaPrivateKey');
		const damaged = PKCS1.replace(/^(.{20}).{8}/m, '$1AAAAAAAA').replace(/\n([A-Za-z0-9+/]{64})\n/, '\n$1AAAA\n');
		assertInputError(() => loadRsaPrivateKey(damaged), 'rsaPrivateKey', [bodySample(PKCS1)]);
		assertInputError(() => loadRsaPrivateKey(PKCS1.replace('-----END RSA PRIVATE KEY-----', '')), 'rsaPrivateKey');
		assertInputError(() => loadRsaPrivateKey(`${PKCS1}\n${PKCS8}`), 'rsaPrivateKey', [bodySample(PKCS1)]);
		assertInputError(() => loadRsaPrivateKey(PKCS1.replace(/\n([A-Za-z0-9+/]{64})\n/, '\n$1!\n')), 'rsaPrivateKey');
	});
});

describe('partnerSignature', () => {
	it('is RSASSA-PKCS1-v1_5 SHA-256, base64url without padding (verified by node:crypto)', () => {
		const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const payload = '1700000000https://api.qredo.network/api/v1/p/company{"name":"Zürich"}';
		const signature = partnerSignature(privateKey, payload);
		assert.match(signature, /^[A-Za-z0-9_-]{342}$/); // 256 bytes, no padding
		assert.ok(verifies(publicKey, payload, signature));
		assert.ok(verifies(publicKey, Buffer.from(payload, 'utf8'), partnerSignature(privateKey, Buffer.from(payload, 'utf8'))));
		assert.ok(!verifies(publicKey, `${payload} `, signature));
	});

	it('refuses anything but an RSA private KeyObject', () => {
		const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		assertInputError(() => partnerSignature(publicKey, 'x'), 'privateKey');
		assertInputError(() => partnerSignature(PKCS1 as unknown as KeyObject, 'x'), 'privateKey', [bodySample(PKCS1)]);
		assertInputError(() => partnerSignature(generateKeyPairSync('ed25519').privateKey, 'x'), 'privateKey');
	});
});

describe('partnerHeaders', () => {
	const privateKey = loadRsaPrivateKey(PKCS1);

	for (const vector of vectors) {
		it(`matches the OpenSSL vector for ${vector.url} (${vector.nonce !== undefined ? 'x-nonce' : 'x-timestamp'})`, () => {
			const headers = partnerHeaders({ apiKey: `${vector.apiKey}\n`, privateKey, url: vector.url, body: vector.body || undefined, timestamp: vector.timestamp, nonce: vector.nonce });
			const stampHeader = vector.nonce !== undefined ? 'x-nonce' : 'x-timestamp';
			assert.deepEqual(Object.keys(headers).sort(), ['x-api-key', 'x-sign', stampHeader].sort());
			assert.equal(headers['x-api-key'], vector.apiKey);
			assert.equal(headers[stampHeader], vector.nonce ?? vector.timestamp);
			assert.equal(headers['x-sign'], vector.xSign);
			assert.ok(verifies(PUBLIC, `${vector.nonce ?? vector.timestamp}${vector.url}${vector.body}`, headers['x-sign']));
		});
	}

	it('PKCS#8 loading signs identically (the scheme is deterministic)', () => {
		const vector = vectors[0];
		const headers = partnerHeaders({ apiKey: vector.apiKey, privateKey: loadRsaPrivateKey(PKCS8), url: vector.url, body: Buffer.from(vector.body), timestamp: vector.timestamp });
		assert.equal(headers['x-sign'], vector.xSign);
	});

	it('defaults to x-timestamp = now in seconds; nonces may be numbers or bigints', () => {
		const url = 'https://api.qredo.network/api/v1/p/company/abc';
		const headers = partnerHeaders({ apiKey: 'k', privateKey, url });
		assert.ok(Math.abs(Number(headers['x-timestamp']) - Date.now() / 1000) < 5);
		assert.ok(verifies(PUBLIC, `${headers['x-timestamp']}${url}`, headers['x-sign']), 'no method in the payload');
		const withNonce = partnerHeaders({ apiKey: 'k', privateKey, url, nonce: 1700000000123456n });
		assert.equal(withNonce['x-nonce'], '1700000000123456');
		assert.equal(withNonce['x-timestamp'], undefined);
		assert.ok(verifies(PUBLIC, `1700000000123456${url}`, withNonce['x-sign']));
	});

	it('refuses both a timestamp and a nonce, bad nonces and non-normal URLs', () => {
		const url = 'https://api.qredo.network/api/v1/p/company/abc';
		assertInputError(() => partnerHeaders({ apiKey: 'k', privateKey, url, timestamp: 1700000000, nonce: 1 }), 'nonce');
		assertInputError(() => partnerHeaders({ apiKey: 'k', privateKey, url, nonce: -1 }), 'nonce');
		assertInputError(() => partnerHeaders({ apiKey: 'k', privateKey, url, nonce: 2 ** 60 }), 'nonce');
		assertInputError(() => partnerHeaders({ apiKey: 'k', privateKey, url, nonce: '12a' }), 'nonce');
		assertInputError(() => partnerHeaders({ apiKey: 'k', privateKey, url: 'https://api.qredo.network/api/v1/p/company/a b' }), 'url');
		assertInputError(() => partnerHeaders({ apiKey: ' ', privateKey, url }), 'apiKey');
	});
});

describe('NonceSource', () => {
	let dir: string;
	before(() => {
		dir = mkdtempSync(join(tmpdir(), 'qredo-nonce-'));
	});
	after(() => rmSync(dir, { recursive: true, force: true }));

	it('issues wall-clock microseconds, strictly increasing within and across instances', () => {
		const start = Date.now() * 1000;
		const a = new NonceSource();
		const b = new NonceSource();
		const issued = Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? a : b).next());
		assert.ok(issued[0] >= start);
		for (let i = 1; i < issued.length; i++) assert.ok(issued[i] > issued[i - 1], `nonce ${i} must increase`);
	});

	it('never repeats when the clock steps backwards, in process and (with a file) across restarts', () => {
		let clock = 4_000_000_000_000; // far ahead of every other test's nonces
		const now = () => clock;
		const file = join(dir, 'nonce');
		const first = new NonceSource({ file, now });
		const n1 = first.next();
		assert.equal(n1, clock * 1000);
		clock -= 60_000; // NTP steps back a minute
		const n2 = first.next();
		assert.equal(n2, n1 + 1);
		assert.equal(readFileSync(file, 'utf8').trim(), String(n2));
		assert.equal(statSync(file).mode & 0o777, 0o600);

		// A "restarted process": only the file remembers. Simulate it by writing a higher value, as another
		// process sharing the file would.
		writeFileSync(file, `${n2 + 1000}\n`);
		const restarted = new NonceSource(file);
		assert.equal(restarted.next(), n2 + 1001);
		assert.deepEqual(
			readdirSync(dir).filter((name) => name.endsWith('.tmp')),
			[],
			'no temporary files left behind',
		);
	});

	it('refuses a damaged nonce file instead of starting over', () => {
		const file = join(dir, 'damaged');
		writeFileSync(file, 'garbage');
		assertInputError(() => new NonceSource(file).next(), 'nonceFile');
		assertInputError(() => new NonceSource(join(dir, 'missing-dir', 'nonce')).next(), 'nonceFile');
	});
});
