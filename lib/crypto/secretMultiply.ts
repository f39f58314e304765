/**
 * sk·P on G1 for a secret sk, in WebAssembly (mcl's field and point arithmetic), with a fixed sequence of operations:
 * the same doublings and additions, in the same order, whatever sk is. mcl's own multiplications (even its `mulCT`,
 * measured) take less time for some scalars than others, so they are kept for public data (lib/crypto/pairing.ts);
 * this ladder is built from its single doublings and additions instead.
 *
 * - GLV split: φ(x, y) = (β·x, y) is λ·P on G1 with λ = z² − 1 and r = λ² + λ + 1, so sk = k1 + k2·λ with
 *   k1 = sk mod λ and k2 = ⌊sk / λ⌋, both below 2^128, and sk·P = k1·P + k2·φ(P): half the doublings.
 * - Each half made odd (+1 or +2, taken back by one final addition of −P or −2P), then written in regular signed
 *   digits of 4 bits (Joye–Tunstall): every digit odd, in ±{1, 3, …, 15}, so no digit is zero and no addition is
 *   skipped or made with the point at infinity.
 * - Tables of ±1·P … ±15·P and their φ images, in affine form; digits pick entries by index (as noble's wNAF does).
 *
 * Every result is checked by the caller (a pairing check of the signature before it is sent; the AMCL vectors).
 */
import type { mcl as McLibrary } from '../vendor/mcl';

type McLib = typeof McLibrary;
type WasmG1 = InstanceType<McLib['G1']>;

/** The raw exports of mcl's WebAssembly module that the ladder calls (pointers into its memory). */
interface RawMcl {
	HEAP32: Int32Array;
	_malloc(bytes: number): number;
	_free(pointer: number): void;
	_mclBnG1_dbl(out: number, x: number): void;
	_mclBnG1_add(out: number, x: number, y: number): void;
	_mclBnG1_neg(out: number, x: number): void;
	_mclBnG1_normalizeVec(out: number, x: number, n: number): void;
	_mclBnFp_mul(out: number, x: number, y: number): void;
}

/** The words of an mcl value (its Montgomery-form limbs; a field the library's typings leave out). */
const words = (value: object): Uint32Array => (value as { a_: Uint32Array }).a_;

/** |z|, the BLS12-381 parameter. */
const Z = 0xd201000000010000n;
/** The eigenvalue of φ on G1 (φ(P) = λ·P); λ² + λ + 1 = r. */
const LAMBDA = Z * Z - 1n;
/** The cube root of unity in Fp for which (β·x, y) = λ·(x, y) (the other root gives λ²). */
const BETA = 0x1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650fb85f9b409427eb4f49fffd8bfd00000000aaacn;
const WINDOW = 4;
const DIGIT_MASK = (1n << BigInt(WINDOW + 1)) - 1n;
const HALF = 1 << WINDOW;
/** Digits per half: 32 windows of 4 bits cover the odd halves (below 2^128 + 3), plus the top digit. */
const DIGITS = 33;
/** Table entries per base point: the odd multiples −15…−1, 1…15. */
const ENTRIES = HALF;

/**
 * The regular signed-digit form of an odd k > 0: digits[i] odd in [−15, 15], k = Σ digits[i]·16^i, least significant
 * first. Throws if k does not fit (a bug: the halves always fit).
 */
export function regularDigits(k: bigint): number[] {
	if ((k & 1n) !== 1n || k <= 0n) throw new Error('regularDigits: k must be odd and positive');
	const digits = new Array<number>(DIGITS);
	for (let i = 0; i < DIGITS - 1; i++) {
		const digit = Number(k & DIGIT_MASK) - HALF;
		digits[i] = digit;
		k = (k - BigInt(digit)) >> BigInt(WINDOW);
	}
	if (k <= 0n || k >= BigInt(HALF)) throw new Error('regularDigits: k does not fit');
	digits[DIGITS - 1] = Number(k);
	return digits;
}

/** sk = k1 + k2·λ with both halves below 2^128. */
export function glvSplit(sk: bigint): [bigint, bigint] {
	return [sk % LAMBDA, sk / LAMBDA];
}

/** β in the library's own (Montgomery) form, converted once per library instance. */
const betaInLibrary = new WeakMap<object, Uint32Array>();
function betaWords(m: McLib): Uint32Array {
	let found = betaInLibrary.get(m);
	if (found === undefined) {
		const element = new m.Fp();
		element.setStr(BETA.toString(16), 16);
		found = words(element).slice();
		betaInLibrary.set(m, found);
	}
	return found;
}

/** sk·P for a point P of G1 (not infinity) and 0 < sk < r. */
export function multiplySecret(m: McLib, point: WasmG1, sk: bigint): WasmG1 {
	const raw = (m as unknown as { mod: RawMcl }).mod;
	const g1Words = words(point).length; // x, y, z in Montgomery form
	const g1Bytes = g1Words * 4;
	const fpBytes = g1Bytes / 3;
	// One block: accumulator, P, 2P, two tables, two correction pairs, β.
	const slots = 3 + 2 * ENTRIES + 4;
	const base = raw._malloc(slots * g1Bytes + fpBytes);
	const at = (slot: number) => base + slot * g1Bytes;
	const acc = at(0);
	const p = at(1);
	const twoP = at(2);
	const table1 = (i: number) => at(3 + i);
	const table2 = (i: number) => at(3 + ENTRIES + i);
	const correction1 = (i: number) => at(3 + 2 * ENTRIES + i);
	const correction2 = (i: number) => at(3 + 2 * ENTRIES + 2 + i);
	const beta = base + slots * g1Bytes;
	// Copies one point within the module's memory (HEAP32 is its memory in words; pointers are in bytes).
	const copy = (to: number, from: number) => raw.HEAP32.copyWithin(to / 4, from / 4, from / 4 + g1Words);
	try {
		raw.HEAP32.set(words(point), p / 4);
		raw.HEAP32.set(betaWords(m), beta / 4);

		// Odd multiples 1P, 3P, …, 15P at table1(8…15), their negatives at table1(7…0): index (digit + 15) / 2.
		raw._mclBnG1_dbl(twoP, p);
		copy(table1(ENTRIES / 2), p);
		for (let j = 1; j < ENTRIES / 2; j++) raw._mclBnG1_add(table1(ENTRIES / 2 + j), table1(ENTRIES / 2 + j - 1), twoP);
		raw._mclBnG1_normalizeVec(table1(ENTRIES / 2), table1(ENTRIES / 2), ENTRIES / 2);
		for (let j = 0; j < ENTRIES / 2; j++) raw._mclBnG1_neg(table1(ENTRIES / 2 - 1 - j), table1(ENTRIES / 2 + j));
		// φ images: x times β (y and z = 1 unchanged).
		for (let i = 0; i < ENTRIES; i++) {
			copy(table2(i), table1(i));
			raw._mclBnFp_mul(table2(i), table2(i), beta);
		}
		// Corrections for the halves made odd: −P (the half was even, +1) or −2P (it was odd, +2); the same for φ(P).
		copy(correction1(0), table1(ENTRIES / 2 - 1));
		raw._mclBnG1_neg(correction1(1), twoP);
		copy(correction2(0), table2(ENTRIES / 2 - 1));
		copy(correction2(1), correction1(1));
		raw._mclBnFp_mul(correction2(1), correction2(1), beta);

		const [k1, k2] = glvSplit(sk);
		const parity1 = Number(k1 & 1n);
		const parity2 = Number(k2 & 1n);
		const digits1 = regularDigits(k1 + 1n + BigInt(parity1));
		const digits2 = regularDigits(k2 + 1n + BigInt(parity2));
		const index = (digit: number) => (digit + ENTRIES - 1) >> 1;

		const top = DIGITS - 1;
		raw._mclBnG1_add(acc, table1(index(digits1[top])), table2(index(digits2[top])));
		for (let i = top - 1; i >= 0; i--) {
			for (let d = 0; d < WINDOW; d++) raw._mclBnG1_dbl(acc, acc);
			raw._mclBnG1_add(acc, acc, table1(index(digits1[i])));
			raw._mclBnG1_add(acc, acc, table2(index(digits2[i])));
		}
		raw._mclBnG1_add(acc, acc, correction1(parity1));
		raw._mclBnG1_add(acc, acc, correction2(parity2));

		const result = new m.G1();
		words(result).set(raw.HEAP32.subarray(acc / 4, acc / 4 + g1Words));
		return result;
	} finally {
		// Intermediate multiples of P say something about sk: leave nothing behind in the module's memory.
		raw.HEAP32.fill(0, base / 4, (base + slots * g1Bytes + fpBytes) / 4);
		raw._free(base);
	}
}
