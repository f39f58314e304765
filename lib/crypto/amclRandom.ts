/**
 * Port of the AMCL CSPRNG (milagro-crypto-c src/rand.c) and BIG_randomnum, needed only to re-derive the BLS
 * secret key that Signing Agent v1 computes from its stored 48-byte `bls_seed` (docs/protocol.md §4.3, §4.3.2).
 * The output must match AMCL bit for bit, so the structure follows rand.c closely.
 * Not a general-purpose random source: fresh randomness comes from node:crypto.
 */
import { QredoInputError } from '../errors';
import { sha256 } from '../vendor/noble';
import { CURVE_ORDER } from './bls';

/** Marsaglia–Zaman subtract-with-borrow parameters (AMCL amcl.h). */
const NK = 21;
const NJ = 6;
const NV = 8;
const WARM_UP_ROUNDS = 10000;
const POOL_SIZE = 32;
/** Generator outputs hashed into each refill of the pool. */
const OUTPUTS_PER_POOL = 128;

export class AmclCsprng {
	private readonly ira = new Uint32Array(NK);
	private rndptr = 0;
	private borrow = 0;
	private pool = new Uint8Array(POOL_SIZE);
	private poolPtr = 0;

	/** AMCL RAND_seed: SHA-256 the seed, stir in its 8 little-endian words, fill the pool. */
	constructor(seed: Uint8Array) {
		if (!(seed instanceof Uint8Array) || seed.length === 0) {
			// AMCL skips seeding for empty input, leaving a fixed, guessable state.
			throw new QredoInputError('seed', 'non-empty bytes');
		}
		const digest = sha256(seed);
		const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
		for (let i = 0; i < 8; i++) this.stir(view.getUint32(4 * i, true));
		this.fillPool();
	}

	/** AMCL RAND_byte. */
	nextByte(): number {
		const value = this.pool[this.poolPtr++];
		if (this.poolPtr >= POOL_SIZE) this.fillPool();
		return value;
	}

	/** AMCL sbrand: the next 32-bit output of the subtract-with-borrow generator. */
	private next(): number {
		const ira = this.ira;
		this.rndptr++;
		if (this.rndptr < NK) return ira[this.rndptr];
		this.rndptr = 0;
		for (let i = 0, k = NK - NJ; i < NK; i++, k++) {
			if (k === NK) k = 0;
			const t = ira[k];
			const difference = (t - ira[i] - this.borrow) >>> 0;
			// Equal values leave the borrow unchanged, as in rand.c.
			if (difference < t) this.borrow = 0;
			if (difference > t) this.borrow = 1;
			ira[i] = difference;
		}
		return ira[0];
	}

	/** AMCL sirand: XORs a 32-bit seed word into the state (so repeated calls accumulate), then warms up. */
	private stir(seedWord: number): void {
		const ira = this.ira;
		let seed = seedWord >>> 0;
		let m = 1;
		this.borrow = 0;
		this.rndptr = 0;
		ira[0] ^= seed;
		for (let i = 1; i < NK; i++) {
			ira[(NV * i) % NK] ^= m;
			const t = m;
			m = (seed - m) >>> 0;
			seed = t;
		}
		for (let i = 0; i < WARM_UP_ROUNDS; i++) this.next();
	}

	/** AMCL fill_pool: SHA-256 over the low byte of each of 128 generator outputs. */
	private fillPool(): void {
		const lowBytes = new Uint8Array(OUTPUTS_PER_POOL);
		for (let i = 0; i < OUTPUTS_PER_POOL; i++) lowBytes[i] = this.next() & 0xff;
		this.pool = sha256(lowBytes);
		this.poolPtr = 0;
	}
}

function bitLength(value: bigint): number {
	return value.toString(2).length;
}

/**
 * AMCL BIG_randomnum: 2·nbits(modulus) random bits, taken from each byte least-significant bit first and
 * shifted into the number from the bottom (so the first bit drawn ends up most significant), reduced mod modulus.
 */
export function randomBelow(rng: AmclCsprng, modulus: bigint): bigint {
	if (modulus <= 0n) throw new QredoInputError('modulus', 'a positive integer');
	const bits = 2 * bitLength(modulus);
	let value = 0n;
	let byte = 0;
	for (let i = 0; i < bits; i++) {
		byte = i % 8 === 0 ? rng.nextByte() : byte >> 1;
		value = (value << 1n) | BigInt(byte & 1);
	}
	return value % modulus;
}

/** Length of a Signing Agent v1 `bls_seed` (AMCLRandomSeedSize). */
export const BLS_SEED_LENGTH = 48;

/** The BLS secret key Signing Agent v1 derives from its seed: CREATE_CSPRNG(seed), then BIG_randomnum(r). */
export function blsSecretKeyFromSeed(seed: Uint8Array): bigint {
	if (!(seed instanceof Uint8Array) || seed.length !== BLS_SEED_LENGTH) {
		throw new QredoInputError('seed', `${BLS_SEED_LENGTH} bytes`, seed instanceof Uint8Array ? `got ${seed.length} bytes` : 'not bytes');
	}
	const sk = randomBelow(new AmclCsprng(seed), CURVE_ORDER);
	// Probability 2^-255; AMCL would go on with a zero key, we refuse.
	if (sk === 0n) throw new QredoInputError('seed', 'a seed that yields a non-zero BLS secret key');
	return sk;
}
