import { writeFileSync } from 'node:fs';
import { blsPublicKey, bytesToHex, generateKeys, hexToBytes, keysFromSeed, type QredoKeyPair } from 'n8n-nodes-qredo/core';
import { asCliError, CliError, type Command, type CliIo, parseFlags, readBlsPrivateKey, readSecret } from '../cli';

/** Writes the key pair where the user asked: a 0600 file (public values echoed) or standard output. */
function emitKeys(io: CliIo, keys: QredoKeyPair, json: boolean, out: string | undefined) {
	if (out !== undefined) {
		try {
			writeFileSync(out, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			throw new CliError(`--out: cannot create ${out} (${code === 'EEXIST' ? 'file exists; refusing to overwrite keys' : code})`);
		}
		const shown = { blsPublicKey: keys.blsPublicKey, ecPublicKey: keys.ecPublicKey, privateKeysWrittenTo: out };
		io.stdout(json ? JSON.stringify(shown, null, 2) + '\n' : Object.entries(shown).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
		return;
	}
	io.stdout(json ? JSON.stringify(keys, null, 2) + '\n' : Object.entries(keys).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
}

const generateUsage = 'qredo keys generate [--json] [--out FILE]';
export const keysGenerate: Command = {
	path: ['keys', 'generate'],
	summary: 'Generate a BLS12-381 + secp256k1 approver key pair, derived as the Signing Agent does',
	usage: generateUsage,
	run(argv, io) {
		const { values, switches, help } = parseFlags(argv, { strings: ['out'], booleans: ['json'] }, generateUsage);
		if (help) {
			io.stdout(
				`Usage: ${generateUsage}\n\nGenerates a random 48-byte seed and derives from it, as Qredo's Signing Agent does:\n` +
					'  blsPrivateKey  48 bytes (AMCL CSPRNG over the seed, reduced mod r)\n' +
					'  blsPublicKey   192 bytes, AMCL G2 encoding (x.c0|x.c1|y.c0|y.c1)\n' +
					'  ecPrivateKey   32 bytes, SHA-256 of the seed (secp256k1)\n' +
					'  ecPublicKey    65 bytes, uncompressed (04|X|Y)\n' +
					'All values are lowercase hex.\n\n' +
					'  --json       print one JSON object\n' +
					'  --out FILE   write the four keys to FILE (created with mode 0600, never overwritten) and print only the public keys\n',
			);
			return;
		}
		emitKeys(io, generateKeys(), switches.json, values.out);
	},
};

const publicUsage = 'qredo keys public --bls-private-key <hex|base64|-> | --bls-private-key-file FILE';
export const keysPublic: Command = {
	path: ['keys', 'public'],
	summary: 'Print the 192-byte BLS public key of a BLS private key',
	usage: publicUsage,
	run(argv, io) {
		const { values, help } = parseFlags(
			argv,
			{ strings: ['bls-private-key', 'bls-private-key-file'] },
			publicUsage,
		);
		if (help) {
			io.stdout(
				`Usage: ${publicUsage}\n\nPrints the public key (192 bytes, AMCL G2 encoding) as lowercase hex on one line.\n` +
					'The private key is 48 bytes as hex (96 characters, optional 0x) or base64; use - to read it from standard input.\n',
			);
			return;
		}
		const sk = readBlsPrivateKey(io, values);
		io.stdout(bytesToHex(blsPublicKey(sk)) + '\n');
	},
};

const fromSeedUsage = 'qredo keys from-seed --seed <hex|-> | --seed-file FILE [--out FILE]';
export const keysFromSeedCommand: Command = {
	path: ['keys', 'from-seed'],
	summary: 'Derive the approver keys from a Signing Agent v1 bls_seed',
	usage: fromSeedUsage,
	run(argv, io) {
		const { values, help } = parseFlags(
			argv,
			{ strings: ['seed', 'seed-file', 'out'] },
			fromSeedUsage,
		);
		if (help) {
			io.stdout(
				`Usage: ${fromSeedUsage}\n\nImports a Signing Agent v1 key store entry: the 48-byte bls_seed (hex) goes through the\n` +
					'AMCL CSPRNG exactly as the agent does, giving the same four keys as `qredo keys generate --json` (JSON).\n' +
					'The agent stores the seed base64-encoded; decode it first (base64 -d | xxd -p -c 256).\n',
			);
			return;
		}
		const text = readSecret(io, 'seed', values.seed, values['seed-file']) as string;
		let seed: Uint8Array;
		try {
			seed = hexToBytes(text, 'seed', 48);
		} catch (error) {
			throw asCliError(error, 'seed');
		}
		emitKeys(io, keysFromSeed(seed), true, values.out);
	},
};
