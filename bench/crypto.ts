/**
 * Crypto micro-benchmarks of the decision hot paths, on the 496-byte Signing Agent v1 approval message: median and
 * p95 of many runs after a warm-up. With QREDO_AMCL_BENCH naming an executable that prints the same measurements of
 * the Milagro AMCL C library as one JSON line ({"sign":ms,"verify":ms,"mpin":ms,"publicKey":ms}, medians), each row
 * gets the ratio to it, measured in the same run (bench/README.md says how to build one).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { blsPublicKey, blsSign, blsSignChecked, blsVerify, CURVE_ORDER } from '../lib/crypto/bls';
import { bytesToBigint, hexToBytes, utf8 } from '../lib/crypto/bytes';
import { zkpHeaderValue } from '../lib/crypto/mpin';
import { amclVectors, fixture } from '../test/support/paths';

export interface CryptoRow {
	name: string;
	medianMs: number;
	p95Ms: number;
	/** the same operation in AMCL C, median, when QREDO_AMCL_BENCH is set */
	amclMedianMs?: number;
	/** medianMs / amclMedianMs */
	ratio?: number;
}

function measure(iterations: number, run: () => unknown): { medianMs: number; p95Ms: number } {
	for (let i = 0; i < Math.min(10, iterations); i++) run();
	const times: number[] = [];
	for (let i = 0; i < iterations; i++) {
		const start = process.hrtime.bigint();
		run();
		times.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	times.sort((a, b) => a - b);
	const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
	return { medianMs: at(0.5), p95Ms: at(0.95) };
}

const freshSecretKey = () => (bytesToBigint(new Uint8Array(randomBytes(64))) % (CURVE_ORDER - 1n)) + 1n;

/** AMCL C's medians from the external executable, or undefined when none is configured. */
function amclMedians(iterations: number): Record<string, number> | undefined {
	const program = process.env.QREDO_AMCL_BENCH;
	if (!program) return undefined;
	const run = spawnSync(program, [String(iterations)], { encoding: 'utf8', timeout: 600_000 });
	if (run.status !== 0) throw new Error(`QREDO_AMCL_BENCH (${program}) failed: ${run.stderr || run.error?.message}`);
	return JSON.parse(run.stdout.trim().split('\n').pop() as string) as Record<string, number>;
}

export function cryptoBench(iterations: number): CryptoRow[] {
	const message = hexToBytes(fixture<{ messageHex: string }>('sa1-approve-message.json').messageHex, 'message');
	const sk = freshSecretKey();
	const publicKey = blsPublicKey(sk);
	const signature = blsSign(sk, message);
	if (!blsVerify(publicKey, message, signature)) throw new Error('benchmark set-up: the signature does not verify');
	const mpin = amclVectors().mpin[0] as { idText: string; clientSecret: string };
	const zkpArgs = { id: utf8(mpin.idText), clientSecret: hexToBytes(mpin.clientSecret, 'clientSecret'), timestamp: 1700000000 };

	const rows: Array<[string, string | undefined, () => unknown]> = [
		['BLS sign, 496-byte message', 'sign', () => blsSign(sk, message)],
		['BLS sign, checked (what a decision does)', undefined, () => blsSignChecked(sk, message)],
		['BLS verify', 'verify', () => blsVerify(publicKey, message, signature)],
		['M-Pin x-api-zkp token', 'mpin', () => zkpHeaderValue(zkpArgs)],
		// a new key each time: what the first execution with a credential pays (later ones find it remembered)
		['public key from secret key', 'publicKey', () => blsPublicKey(freshSecretKey())],
	];
	const amcl = amclMedians(iterations);
	return rows.map(([name, amclName, run]) => {
		const row: CryptoRow = { name, ...measure(iterations, run) };
		const reference = amclName === undefined ? undefined : amcl?.[amclName];
		if (reference !== undefined) Object.assign(row, { amclMedianMs: reference, ratio: row.medianMs / reference });
		return row;
	});
}
