/**
 * Partner API request signing, protocol §1.3: RSASSA-PKCS1-v1_5 with SHA-256 over
 * (timestamp or nonce) + fullURL + body, no method, base64url without padding in `x-sign`.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes, createPrivateKey, constants, KeyObject, sign } from 'node:crypto';
import { base64ToBytes, bytesToBase64Url } from '../crypto/bytes';
import { QredoInputError } from '../errors';
import { bodyBytes, headerToken, normalisedUrl, nowUnixSeconds, unixSecondsText, type RequestBody } from './requestParts';

const MIN_RSA_BITS = 2048;
const PRIVATE_KEY_EXPECTED = 'an RSA private key PEM (a PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY" block), or that whole PEM file base64-encoded';

/** Env files and JSON often carry the PEM on one line with literal `\n` escapes. */
function unescapeNewlines(text: string): string {
	return text.replace(/\\r\\n|\\n|\\r/g, '\n').trim();
}

/**
 * Loads the Partner API signing key. Accepts PKCS#1 and PKCS#8 PEM, the whole PEM base64-encoded (as the Signing
 * Agent's /register takes it), literal `\n` escapes, and PEM whose line breaks were flattened to spaces.
 * Refuses public keys, certificates, encrypted keys, non-RSA keys and keys under 2048 bits.
 */
export function loadRsaPrivateKey(pem: string, field = 'rsaPrivateKey'): KeyObject {
	if (typeof pem !== 'string' || pem.trim() === '') throw new QredoInputError(field, PRIVATE_KEY_EXPECTED);
	let text = unescapeNewlines(pem);
	if (!text.includes('-----BEGIN')) {
		let decoded: string | undefined;
		try {
			decoded = Buffer.from(base64ToBytes(text.replace(/\s+/g, ''), field)).toString('utf8');
		} catch {
			decoded = undefined;
		}
		if (decoded === undefined) throw new QredoInputError(field, PRIVATE_KEY_EXPECTED, 'the text is neither PEM nor base64');
		if (!decoded.includes('-----BEGIN')) {
			throw new QredoInputError(field, PRIVATE_KEY_EXPECTED, 'the base64 text does not decode to a PEM file');
		}
		text = unescapeNewlines(decoded);
	}

	const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
	if (blocks.length !== 1) {
		throw new QredoInputError(field, PRIVATE_KEY_EXPECTED, `found ${blocks.length} complete PEM blocks, need exactly one`);
	}
	const [, label, body] = blocks[0];
	let type: 'pkcs1' | 'pkcs8';
	if (label === 'RSA PRIVATE KEY') {
		if (/Proc-Type|DEK-Info/.test(body)) {
			throw new QredoInputError(field, 'an unencrypted RSA private key', 'remove the passphrase: openssl rsa -in key.pem -out plain.pem');
		}
		type = 'pkcs1';
	} else if (label === 'PRIVATE KEY') {
		type = 'pkcs8';
	} else if (label === 'ENCRYPTED PRIVATE KEY') {
		throw new QredoInputError(field, 'an unencrypted RSA private key', 'remove the passphrase: openssl pkey -in key.pem -out plain.pem');
	} else if (/PUBLIC KEY|CERTIFICATE/.test(label)) {
		throw new QredoInputError(field, 'the RSA private key', `got a ${label}; the public key is the one uploaded to Qredo`);
	} else {
		throw new QredoInputError(field, PRIVATE_KEY_EXPECTED, `got a ${label}`);
	}

	const base64Body = body.replace(/\s+/g, '');
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64Body)) {
		throw new QredoInputError(field, PRIVATE_KEY_EXPECTED, 'the PEM body is not base64');
	}
	let key: KeyObject | undefined;
	try {
		key = createPrivateKey({ key: Buffer.from(base64Body, 'base64'), format: 'der', type });
	} catch {
		key = undefined; // Node's message adds nothing useful, and we never echo key material
	}
	if (key === undefined) throw new QredoInputError(field, PRIVATE_KEY_EXPECTED, `the ${label} could not be parsed`);
	if (key.asymmetricKeyType !== 'rsa') {
		throw new QredoInputError(field, 'an RSA private key', `got a key of type ${key.asymmetricKeyType ?? 'unknown'}`);
	}
	const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
	if (bits < MIN_RSA_BITS) {
		throw new QredoInputError(field, `an RSA key of at least ${MIN_RSA_BITS} bits`, `got ${bits} bits`);
	}
	return key;
}

function assertRsaPrivateKey(privateKey: KeyObject, field: string): void {
	if (!(privateKey instanceof KeyObject) || privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
		throw new QredoInputError(field, 'an RSA private KeyObject (use loadRsaPrivateKey)');
	}
}

/** RSASSA-PKCS1-v1_5 / SHA-256 signature of the payload, base64url without padding. */
export function partnerSignature(privateKey: KeyObject, payload: string | Uint8Array): string {
	assertRsaPrivateKey(privateKey, 'privateKey');
	const signature = sign('sha256', bodyBytes(payload, 'payload'), { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
	return bytesToBase64Url(signature);
}

export interface PartnerHeaderInput {
	/** the API key string from the web app (opaque; sent trimmed) */
	apiKey: string;
	privateKey: KeyObject;
	/** full URL in normal form, including `/api/v1/p` and any query string */
	url: string;
	body?: RequestBody;
	/** Unix seconds; the default when no nonce is given */
	timestamp?: number | string;
	/** an ever-increasing integer, sent as `x-nonce` instead of `x-timestamp` */
	nonce?: number | bigint | string;
}

function nonceText(nonce: number | bigint | string): string {
	const text = typeof nonce === 'string' ? nonce.trim() : String(nonce);
	if (!/^\d{1,30}$/.test(text) || (typeof nonce === 'number' && !Number.isSafeInteger(nonce))) {
		throw new QredoInputError('nonce', 'a non-negative integer');
	}
	return text;
}

/** `x-api-key`, `x-sign` and exactly one of `x-timestamp` / `x-nonce`. */
export function partnerHeaders(input: PartnerHeaderInput): Record<string, string> {
	if (input.timestamp !== undefined && input.nonce !== undefined) {
		throw new QredoInputError('nonce', 'either a timestamp or a nonce, not both');
	}
	const apiKey = headerToken(input.apiKey, 'apiKey');
	const url = normalisedUrl(input.url);
	const [stampHeader, stamp] =
		input.nonce !== undefined
			? ['x-nonce', nonceText(input.nonce)]
			: ['x-timestamp', unixSecondsText(input.timestamp ?? nowUnixSeconds(), 'timestamp')];
	const payload = Buffer.concat([Buffer.from(stamp + url, 'utf8'), bodyBytes(input.body)]);
	return { 'x-api-key': apiKey, [stampHeader]: stamp, 'x-sign': partnerSignature(input.privateKey, payload) };
}

/** The highest nonce issued by any NonceSource in this process. */
let lastNonceInProcess = 0;

export interface NonceSourceOptions {
	/** file that keeps the last nonce across restarts (created with mode 0600) */
	file?: string;
	/** clock in milliseconds; injectable for tests */
	now?: () => number;
}

/**
 * Strictly increasing `x-nonce` values: wall-clock microseconds, or one more than the last value issued when that is
 * higher. All instances in a process share the last value; with `file`, the last value also survives restarts, so a
 * clock stepping backwards cannot repeat a nonce. The file is read before and written after every nonce.
 */
export class NonceSource {
	private readonly file?: string;
	private readonly now: () => number;

	constructor(options: NonceSourceOptions | string = {}) {
		const resolved = typeof options === 'string' ? { file: options } : options;
		this.file = resolved.file;
		this.now = resolved.now ?? Date.now;
	}

	next(): number {
		const floor = Math.max(lastNonceInProcess, this.file !== undefined ? this.readPersisted() : 0);
		const nonce = Math.max(floor + 1, Math.floor(this.now() * 1000));
		if (!Number.isSafeInteger(nonce)) throw new QredoInputError('nonce', 'a nonce below 2^53', 'the clock or the nonce file is out of range');
		lastNonceInProcess = nonce;
		if (this.file !== undefined) this.persist(nonce);
		return nonce;
	}

	private readPersisted(): number {
		let text: string | undefined;
		let failure: string | undefined;
		try {
			text = readFileSync(this.file as string, 'utf8').trim();
		} catch (error) {
			failure = (error as NodeJS.ErrnoException).code ?? 'read failed';
		}
		if (failure === 'ENOENT') return 0;
		if (text === undefined) throw new QredoInputError('nonceFile', 'a readable file for the last nonce', failure);
		// A damaged file must stop us: starting again from the clock could repeat a nonce.
		if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) {
			throw new QredoInputError('nonceFile', 'a file holding the last nonce as a decimal integer', 'fix or delete it');
		}
		return Number(text);
	}

	/** Write-then-rename so a crash never leaves a torn file. */
	private persist(nonce: number): void {
		const file = this.file as string;
		const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
		let failure: string | undefined;
		try {
			const fd = openSync(temporary, 'wx', 0o600);
			try {
				writeSync(fd, `${nonce}\n`);
				fsyncSync(fd);
			} finally {
				closeSync(fd);
			}
			renameSync(temporary, file);
		} catch (error) {
			failure = (error as NodeJS.ErrnoException).code ?? 'write failed';
			rmSync(temporary, { force: true });
		}
		if (failure !== undefined) throw new QredoInputError('nonceFile', 'a writable location for the last nonce', failure);
	}
}
