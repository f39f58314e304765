import { blsPublicKey, blsSign, blsVerify, bytesToHex, hexToBytes } from 'n8n-nodes-qredo/core';
import { asCliError, CliError, type Command, parseFlags, readBlsPrivateKey } from '../cli';

function parseMessage(text: string | undefined): Uint8Array {
	if (text === undefined) throw new CliError('--message is required (the bytes to sign, as hex; "" for an empty message)', 2);
	try {
		return hexToBytes(text, 'message');
	} catch (error) {
		throw asCliError(error, 'message');
	}
}

const signUsage = 'qredo sign --bls-private-key <hex|base64|-> | --bls-private-key-file FILE --message <hex>';
export const sign: Command = {
	path: ['sign'],
	summary: 'BLS-sign a message (hex) the way Qredo approvals are signed',
	usage: signUsage,
	run(argv, io) {
		const { values, help } = parseFlags(
			argv,
			{ strings: ['bls-private-key', 'bls-private-key-file', 'message'] },
			signUsage,
		);
		if (help) {
			io.stdout(
				`Usage: ${signUsage}\n\nSigns the raw message bytes with the legacy Milagro (AMCL) BLS scheme Qredo verifies\n` +
					'(SHAKE256 try-and-increment hash to G1; not IETF BLS) and prints the 49-byte signature as lowercase hex.\n' +
					'The signature is checked against the key\'s own public key before it is printed.\n',
			);
			return;
		}
		const message = parseMessage(values.message);
		const sk = readBlsPrivateKey(io, values);
		const signature = blsSign(sk, message);
		// A signature that does not verify would be rejected by Qredo; never hand one out.
		if (!blsVerify(blsPublicKey(sk), message, signature)) throw new CliError('internal error: the signature did not verify');
		io.stdout(bytesToHex(signature) + '\n');
	},
};

const verifyUsage = 'qredo verify --bls-public-key <hex> --message <hex> --signature <hex>';
export const verify: Command = {
	path: ['verify'],
	summary: 'Check a BLS signature against a 192-byte public key',
	usage: verifyUsage,
	run(argv, io) {
		const { values, help } = parseFlags(
			argv,
			{ strings: ['bls-public-key', 'message', 'signature'] },
			verifyUsage,
		);
		if (help) {
			io.stdout(`Usage: ${verifyUsage}\n\nPrints "valid" and exits 0, or prints "invalid" and exits 1.\n`);
			return;
		}
		const message = parseMessage(values.message);
		const decode = (flag: string, value: string | undefined, length: number) => {
			if (value === undefined) throw new CliError(`--${flag} is required`, 2);
			try {
				return hexToBytes(value, flag, length);
			} catch (error) {
				throw asCliError(error, flag);
			}
		};
		const publicKey = decode('bls-public-key', values['bls-public-key'], 192);
		const signature = decode('signature', values.signature, 49);
		if (!blsVerify(publicKey, message, signature)) {
			io.stdout('invalid\n');
			throw new CliError('signature does not verify for this public key and message', 1);
		}
		io.stdout('valid\n');
	},
};
