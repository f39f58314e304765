/**
 * The `qredo` CLI as users and other tools call it: the shipped bin (packages/cli/dist/qredo.js, built by `npm run build`)
 * run as a child process. Every shared AMCL vector goes through it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { amclVectors, repoRoot } from '../../support/paths';

const bin = join(repoRoot, 'packages/cli/dist/qredo.js');
const vectors = amclVectors();

function qredo(args: string[], input?: string) {
	const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', timeout: 30_000 });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[], input?: string): string {
	const r = qredo(args, input);
	assert.equal(r.code, 0, `qredo ${args.join(' ')} failed: ${r.stderr}`);
	assert.equal(r.stderr, '');
	return r.stdout;
}

/** A failing call: non-zero exit, exactly one line on stderr, nothing on stdout. */
function fails(args: string[], expectedCode: number, pattern: RegExp, input?: string): string {
	const r = qredo(args, input);
	assert.equal(r.code, expectedCode, `expected exit ${expectedCode} from qredo ${args.join(' ')}, got ${r.code}: ${r.stderr}`);
	assert.match(r.stderr, pattern);
	assert.equal(r.stderr.trimEnd().split('\n').length, 1, `stderr should be one line: ${r.stderr}`);
	return r.stderr;
}

const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

describe('qredo keys public', () => {
	test('reproduces the public key of every AMCL vector', () => {
		for (const v of [...vectors.bls, ...vectors.seedKeys, vectors.fixed.sk42]) {
			assert.equal(ok(['keys', 'public', '--bls-private-key', v.sk]), v.pk + '\n');
		}
	});
	test('accepts base64, 0x-prefixed hex and standard input', () => {
		const v = vectors.fixed.sk42;
		assert.equal(ok(['keys', 'public', '--bls-private-key', hexToBase64(v.sk)]), v.pk + '\n');
		assert.equal(ok(['keys', 'public', '--bls-private-key', '0x' + v.sk.toUpperCase()]), v.pk + '\n');
		assert.equal(ok(['keys', 'public', '--bls-private-key', '-'], v.sk + '\n'), v.pk + '\n');
	});
	test('rejects bad keys with one line that names the flag and never echoes the key', () => {
		const r = '73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001'.padStart(96, '0');
		const above = '73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000002'.padStart(96, '0');
		for (const bad of ['00'.repeat(48), r, above, 'ff'.repeat(48), '00'.repeat(47), '00'.repeat(49), 'zz'.repeat(48)]) {
			const err = fails(['keys', 'public', '--bls-private-key', bad], 2, /--bls-private-key: expected/);
			assert.ok(!err.includes(bad), 'the key must not be echoed');
		}
		fails(['keys', 'public'], 2, /--bls-private-key is required/);
	});
});

describe('qredo sign', () => {
	test('reproduces every signature vector', () => {
		for (const v of vectors.bls) {
			assert.equal(ok(['sign', '--bls-private-key', v.sk, '--message', v.msg]), v.sig + '\n');
		}
		for (const [msg, sig] of Object.entries(vectors.fixed.sk42.signatures)) {
			assert.equal(ok(['sign', '--bls-private-key', vectors.fixed.sk42.sk, '--message', msg]), sig + '\n');
		}
	});
	test('with sk = 1 the signature is the encoded hash point', () => {
		const one = '01'.padStart(96, '0');
		for (const [msg, point] of Object.entries(vectors.fixed.hashToG1_sk1)) {
			assert.equal(ok(['sign', '--bls-private-key', one, '--message', msg]), point + '\n');
		}
	});
	test('refuses a message that is not hex, and a missing message', () => {
		fails(['sign', '--bls-private-key', vectors.fixed.sk42.sk, '--message', 'xyz'], 2, /--message: expected/);
		fails(['sign', '--bls-private-key', vectors.fixed.sk42.sk, '--message', 'abc'], 2, /--message: expected/);
		fails(['sign', '--bls-private-key', vectors.fixed.sk42.sk], 2, /--message is required/);
	});
	test('unknown flags are usage errors', () => {
		fails(['sign', '--key', 'x'], 2, /Unknown option '--key'/);
	});
});

describe('qredo verify', () => {
	const v = vectors.bls[3];
	test('valid and tampered signatures', () => {
		assert.equal(ok(['verify', '--bls-public-key', v.pk, '--message', v.msg, '--signature', v.sig]), 'valid\n');
		const tampered = v.sig.slice(0, -2) + (v.sig.endsWith('00') ? '01' : '00');
		const r = qredo(['verify', '--bls-public-key', v.pk, '--message', v.msg, '--signature', tampered]);
		assert.equal(r.code, 1);
		assert.equal(r.stdout, 'invalid\n');
		const other = qredo(['verify', '--bls-public-key', vectors.bls[4].pk, '--message', v.msg, '--signature', v.sig]);
		assert.equal(other.code, 1);
	});
});

describe('qredo keys from-seed', () => {
	test('derives Signing Agent v1 keys from bls_seed', () => {
		const cases = [...vectors.seedKeys, { ...vectors.fixed.seed0102to30, pk: undefined }];
		for (const v of cases) {
			const keys = JSON.parse(ok(['keys', 'from-seed', '--seed', v.seed])) as Record<string, string>;
			assert.deepEqual(Object.keys(keys).sort(), ['blsPrivateKey', 'blsPublicKey', 'ecPrivateKey', 'ecPublicKey']);
			assert.equal(keys.blsPrivateKey, v.sk);
			if (v.pk) assert.equal(keys.blsPublicKey, v.pk);
			// §4.4: the EC private key is SHA-256 of the same seed.
			assert.equal(keys.ecPrivateKey, createHash('sha256').update(Buffer.from(v.seed, 'hex')).digest('hex'));
			assert.match(keys.ecPublicKey, /^04[0-9a-f]{128}$/);
		}
	});
	test('rejects a seed of the wrong length', () => {
		fails(['keys', 'from-seed', '--seed', '0102'], 2, /--seed: expected 48 bytes/);
	});
});

describe('qredo keys generate', () => {
	test('prints four consistent lowercase-hex keys, fresh each time', () => {
		const a = JSON.parse(ok(['keys', 'generate', '--json'])) as Record<string, string>;
		const b = JSON.parse(ok(['keys', 'generate', '--json'])) as Record<string, string>;
		assert.match(a.blsPrivateKey, /^[0-9a-f]{96}$/);
		assert.match(a.blsPublicKey, /^[0-9a-f]{384}$/);
		assert.match(a.ecPrivateKey, /^[0-9a-f]{64}$/);
		assert.match(a.ecPublicKey, /^04[0-9a-f]{128}$/);
		assert.notEqual(a.blsPrivateKey, b.blsPrivateKey);
		assert.equal(ok(['keys', 'public', '--bls-private-key', a.blsPrivateKey]), a.blsPublicKey + '\n');
		const text = ok(['keys', 'generate']);
		assert.match(text, /^blsPrivateKey: [0-9a-f]{96}\nblsPublicKey: [0-9a-f]{384}\necPrivateKey: [0-9a-f]{64}\necPublicKey: 04[0-9a-f]{128}\n$/);
	});
	test('--out writes a 0600 file, prints only public keys, and never overwrites', () => {
		const file = join(mkdtempSync(join(tmpdir(), 'qredo-cli-')), 'keys.json');
		const shown = JSON.parse(ok(['keys', 'generate', '--json', '--out', file])) as Record<string, string>;
		const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
		assert.equal(statSync(file).mode & 0o777, 0o600);
		assert.equal(shown.blsPublicKey, stored.blsPublicKey);
		assert.equal(shown.blsPrivateKey, undefined);
		assert.equal(shown.ecPrivateKey, undefined);
		writeFileSync(file + '.keep', 'x');
		fails(['keys', 'generate', '--out', file], 1, /refusing to overwrite/);
	});
});

describe('qredo --help and errors', () => {
	test('every command answers --help with exit 0', () => {
		for (const path of [[], ['keys'], ['keys', 'generate'], ['keys', 'public'], ['keys', 'from-seed'], ['sign'], ['verify']]) {
			const out = ok([...path, '--help']);
			assert.match(out, /Usage: qredo/);
		}
	});
	test('unknown commands are one-line usage errors', () => {
		fails(['frobnicate'], 2, /unknown command "frobnicate"/);
		fails(['keys', 'rotate'], 2, /unknown command "keys rotate"/);
	});
	test('no command: usage on stderr, nothing on stdout, exit 2', () => {
		const r = qredo([]);
		assert.equal(r.code, 2);
		assert.equal(r.stdout, '');
		assert.match(r.stderr, /^Usage: qredo <command>/);
	});
	test('a key typed in the wrong place is never echoed', () => {
		const key = vectors.fixed.sk42.sk;
		const cases: Array<[string[], RegExp]> = [
			[['keys', 'public', key], /unexpected argument \(not shown: it may be a secret\)/],
			[['kyes', key], /unknown command "kyes \(not shown\)"/],
			[[key], /unknown command "\(not shown\)"/],
			[['keys', 'public', '--bls-private-key-file', key], /--bls-private-key-file: cannot read the file given \(ENOENT\)/],
			[['sign', '--message', '00', key], /unexpected argument/],
			[['keys', 'public', `--${key}`], /Unknown option '\(not shown\)'/],
		];
		for (const [args, pattern] of cases) {
			const stderr = fails(args, args.includes('--bls-private-key-file') ? 1 : 2, pattern);
			assert.ok(!stderr.includes(key) && !stderr.includes(key.replace(/^0+/, '')), `qredo ${args.length} args echoed the key: ${stderr}`);
		}
	});
});
