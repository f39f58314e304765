/**
 * Timing of the crypto hot paths on the 496-byte Signing Agent v1 approval message:
 * BLS sign, hash to G1 alone, BLS verify, and building an x-api-zkp header.
 * Run: npx tsc -p tsconfig.test.json && node build/bench/bls.js [iterations]
 */
import { blsPublicKey, blsSign, blsVerify, hashToG1 } from '../lib/crypto/bls';
import { hexToBytes, utf8 } from '../lib/crypto/bytes';
import { zkpHeaderValue } from '../lib/crypto/mpin';
import { amclVectors, fixture } from '../test/support/paths';

const iterations = Number(process.argv[2] ?? 200);
const WARM_UP = 10;

function measure(run: () => unknown): { median: number; p95: number; mean: number } {
	for (let i = 0; i < WARM_UP; i++) run();
	const times: number[] = [];
	for (let i = 0; i < iterations; i++) {
		const start = process.hrtime.bigint();
		run();
		times.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	times.sort((a, b) => a - b);
	const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
	return { median: at(0.5), p95: at(0.95), mean: times.reduce((s, t) => s + t, 0) / times.length };
}

const message = hexToBytes(fixture<{ messageHex: string }>('sa1-approve-message.json').messageHex, 'message');
const sk = 42n;
const publicKey = blsPublicKey(sk);
const signature = blsSign(sk, message);
if (!blsVerify(publicKey, message, signature)) throw new Error('benchmark setup: signature does not verify');
const mpin = amclVectors().mpin[0] as { idText: string; clientSecret: string };
const zkpArgs = { id: utf8(mpin.idText), clientSecret: hexToBytes(mpin.clientSecret, 'clientSecret'), timestamp: 1700000000 };

const rows: Array<[string, () => unknown]> = [
	['blsSign (496-byte message)', () => blsSign(sk, message)],
	['hashToG1 alone', () => hashToG1(message)],
	['blsVerify', () => blsVerify(publicKey, message, signature)],
	['zkpHeaderValue (random x)', () => zkpHeaderValue(zkpArgs)],
];

console.log(`node ${process.version}, ${iterations} iterations each after ${WARM_UP} warm-up runs (ms)`);
console.log(['operation'.padEnd(28), 'median'.padStart(8), 'p95'.padStart(8), 'mean'.padStart(8)].join(' '));
for (const [name, run] of rows) {
	const { median, p95, mean } = measure(run);
	console.log([name.padEnd(28), median.toFixed(2).padStart(8), p95.toFixed(2).padStart(8), mean.toFixed(2).padStart(8)].join(' '));
}
