/**
 * The legacy Apache Milagro (AMCL) BLS scheme on BLS12-381 that Qredo verifies (docs/protocol.md §4.3):
 * signatures in G1 (49 bytes, SEC1-style compression), public keys in G2 (192 bytes, c0 before c1),
 * hash to G1 = SHAKE256 to 48 bytes, then try-and-increment with even y and the full G1 cofactor.
 *
 * This is NOT IETF BLS: noble's sign/hashToCurve/shortSignatures would produce signatures Qredo rejects.
 * Only noble's field arithmetic, point classes and pairing are used here.
 */
import { randomBytes } from 'node:crypto';
import { QredoInputError } from '../errors';
import { bls12_381, shake256 } from '../vendor/noble';
import { bigintToBytes, bytesToBigint, concatBytes, parseBinary } from './bytes';
import { Memo } from './memo';
import { fastPairing, fromG1, scalar, squareRootOf, toG1, toG2 } from './pairing';
import { multiplySecret } from './secretMultiply';

export type G1Point = InstanceType<typeof bls12_381.G1.Point>;
export type G2Point = InstanceType<typeof bls12_381.G2.Point>;

const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
const { Fp, Fp12 } = bls12_381.fields;

/** Bytes of one base-field element (AMCL MODBYTES). */
const FIELD_BYTES = 48;

export const BLS_SECRET_KEY_LENGTH = 48;
export const BLS_PUBLIC_KEY_LENGTH = 192;
export const BLS_SIGNATURE_LENGTH = 49;
/** Length of an uncompressed G1 point, 04‖x‖y (AMCL ECP_toOctet without compression). */
export const G1_UNCOMPRESSED_LENGTH = 97;

/** r, the order of G1, G2 and the scalar field. */
export const CURVE_ORDER: bigint = bls12_381.fields.Fr.ORDER;
/** p, the base field modulus. */
export const FIELD_MODULUS: bigint = Fp.ORDER;
/** The full G1 cofactor (AMCL CURVE_Cof), not the "effective" cofactor 0xd201000000010001 used by IETF. */
export const G1_COFACTOR = 0x396c8c005555e1568c00aaab0000aaabn;

const CURVE_B = 4n;
/** p ≡ 3 (mod 4), so a square root of a residue a is a^((p+1)/4). */
const SQRT_EXPONENT = (FIELD_MODULUS + 1n) / 4n;

/**
 * Returns the square root of `value` whose canonical integer is even, or undefined when `value` is not a
 * non-zero quadratic residue (AMCL's Jacobi test gives 0 for 0, which it treats as "no point"). Only ever called
 * with public values (a hash of the message, a signature's x), so WebAssembly may compute it once loaded.
 */
function evenSqrt(value: bigint): bigint | undefined {
	if (value === 0n) return undefined;
	const fast = fastPairing();
	const root = fast ? squareRootOf(fast, value) : Fp.pow(value, SQRT_EXPONENT);
	if (root === undefined || Fp.sqr(root) !== value) return undefined;
	return root & 1n ? Fp.neg(root) : root;
}

function curveRhs(x: bigint): bigint {
	return Fp.add(Fp.mul(Fp.sqr(x), x), CURVE_B);
}

/**
 * AMCL ECP_mapit: x = w mod p, then try x, x+1, … (x is incremented after every attempt, successful or not),
 * take the even square root, multiply by the full cofactor; start again with the next x if that gives infinity.
 */
export function mapToG1(w: Uint8Array): G1Point {
	if (!(w instanceof Uint8Array) || w.length !== FIELD_BYTES) throw new QredoInputError('w', `${FIELD_BYTES} bytes`);
	let x = Fp.create(bytesToBigint(w));
	for (;;) {
		let candidate: { x: bigint; y: bigint } | undefined;
		while (candidate === undefined) {
			const y = evenSqrt(curveRhs(x));
			if (y !== undefined) candidate = { x, y };
			x = Fp.add(x, 1n);
		}
		// The point is on the curve but generally outside G1, so the plain (non-GLV) multiplication matters here. It is
		// public (a hash of the message), so the faster, variable-time WebAssembly multiplication may do it.
		const fast = fastPairing();
		if (fast) {
			const cleared = fast.mul(toG1(fast, candidate), scalar(fast, G1_COFACTOR));
			if (!cleared.isZero()) return G1.fromAffine(fromG1(cleared));
			continue;
		}
		const point = G1.fromAffine(candidate).multiplyUnsafe(G1_COFACTOR);
		if (!point.is0()) return point;
	}
}

/** AMCL BLS_HASHIT: SHAKE256 of the raw message (48 bytes, no domain separation tag), then mapToG1. */
export function hashToG1(message: Uint8Array): G1Point {
	return mapToG1(shake256(message, { dkLen: FIELD_BYTES }));
}

/** Throws unless 0 < value < r; the error says which bound failed, never the value. */
export function requireScalar(value: bigint, field: string): bigint {
	const expected = 'an integer in [1, r) (r = the BLS12-381 group order)';
	if (typeof value !== 'bigint') throw new QredoInputError(field, expected, 'not a bigint');
	if (value <= 0n) throw new QredoInputError(field, expected, value === 0n ? 'value is zero' : 'value is negative');
	if (value >= CURVE_ORDER) throw new QredoInputError(field, expected, 'value is not below r');
	return value;
}

/** A 48-byte big-endian secret key (hex or base64 text, or raw bytes); 0 and values ≥ r are rejected. */
export function parseBlsSecretKey(input: string | Uint8Array, field = 'blsPrivateKey'): bigint {
	let bytes: Uint8Array;
	if (input instanceof Uint8Array) {
		if (input.length !== BLS_SECRET_KEY_LENGTH) {
			throw new QredoInputError(field, `${BLS_SECRET_KEY_LENGTH} bytes`, `got ${input.length} bytes`);
		}
		bytes = input;
	} else {
		bytes = parseBinary(input, field, BLS_SECRET_KEY_LENGTH);
	}
	const sk = bytesToBigint(bytes);
	const expected = 'a BLS secret key: a 48-byte big-endian integer in [1, r)';
	if (sk === 0n) throw new QredoInputError(field, expected, 'value is zero');
	if (sk >= CURVE_ORDER) throw new QredoInputError(field, expected, 'value is not below the curve order r');
	return sk;
}

export function blsSecretKeyToBytes(sk: bigint): Uint8Array {
	return bigintToBytes(requireScalar(sk, 'blsPrivateKey'), BLS_SECRET_KEY_LENGTH);
}

// ---- point encodings (AMCL ECP_toOctet / ECP2_toOctet) ----

function fieldElementFrom(bytes: Uint8Array, offset: number, field: string): bigint {
	const value = bytesToBigint(bytes.subarray(offset, offset + FIELD_BYTES));
	if (value >= FIELD_MODULUS) throw new QredoInputError(field, 'field elements below the modulus p', 'coordinate ≥ p');
	return value;
}

/**
 * Checks on-curve and subgroup membership; throws QredoInputError naming the field. AMCL checks only that the
 * point is on the curve; the subgroup check is stricter on purpose (our own points always pass it).
 */
function validated<P extends G1Point | G2Point>(point: P, field: string, what: string): P {
	if (point.is0()) throw new QredoInputError(field, what, 'point at infinity');
	if (!isValidPoint(point)) throw new QredoInputError(field, what, 'not a point of the prime-order subgroup on BLS12-381');
	return point;
}

function isValidPoint(point: G1Point | G2Point): boolean {
	try {
		point.assertValidity();
		return true;
	} catch {
		return false;
	}
}

/** 49 bytes: 0x02 (y even) or 0x03 (y odd), then x. */
export function encodeG1Compressed(point: G1Point): Uint8Array {
	if (point.is0()) throw new QredoInputError('point', 'a G1 point other than infinity');
	const { x, y } = point.toAffine();
	return concatBytes(Uint8Array.of(y & 1n ? 0x03 : 0x02), bigintToBytes(x, FIELD_BYTES));
}

export function decodeG1Compressed(bytes: Uint8Array, field = 'signature'): G1Point {
	const what = `a compressed G1 point (${BLS_SIGNATURE_LENGTH} bytes: 02 or 03, then x)`;
	return validated(G1.fromAffine(curvePointFromCompressed(bytes, field, what)), field, what);
}

/** x and y of a compressed G1 point on the curve; subgroup membership is the caller's to check. */
function curvePointFromCompressed(bytes: Uint8Array, field: string, what: string): { x: bigint; y: bigint } {
	if (!(bytes instanceof Uint8Array) || bytes.length !== BLS_SIGNATURE_LENGTH) {
		throw new QredoInputError(field, what, bytes instanceof Uint8Array ? `got ${bytes.length} bytes` : 'not bytes');
	}
	const tag = bytes[0];
	if (tag !== 0x02 && tag !== 0x03) throw new QredoInputError(field, what, 'first byte is not 02 or 03');
	const x = fieldElementFrom(bytes, 1, field);
	const evenY = evenSqrt(curveRhs(x));
	if (evenY === undefined) throw new QredoInputError(field, what, 'x is not on the curve');
	return { x, y: tag === 0x03 ? Fp.neg(evenY) : evenY };
}

/** 97 bytes: 0x04 ‖ x ‖ y. */
export function encodeG1Uncompressed(point: G1Point): Uint8Array {
	if (point.is0()) throw new QredoInputError('point', 'a G1 point other than infinity');
	const { x, y } = point.toAffine();
	return concatBytes(Uint8Array.of(0x04), bigintToBytes(x, FIELD_BYTES), bigintToBytes(y, FIELD_BYTES));
}

export function decodeG1Uncompressed(bytes: Uint8Array, field = 'point'): G1Point {
	const what = `an uncompressed G1 point (${G1_UNCOMPRESSED_LENGTH} bytes: 04, x, y)`;
	if (!(bytes instanceof Uint8Array) || bytes.length !== G1_UNCOMPRESSED_LENGTH) {
		throw new QredoInputError(field, what, bytes instanceof Uint8Array ? `got ${bytes.length} bytes` : 'not bytes');
	}
	if (bytes[0] !== 0x04) throw new QredoInputError(field, what, 'first byte is not 04');
	const x = fieldElementFrom(bytes, 1, field);
	const y = fieldElementFrom(bytes, 1 + FIELD_BYTES, field);
	return validated(G1.fromAffine({ x, y }), field, what);
}

/** 192 bytes: x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1 (real part first: the reverse of ZCash/IETF), no prefix byte. */
export function encodeG2(point: G2Point): Uint8Array {
	if (point.is0()) throw new QredoInputError('point', 'a G2 point other than infinity');
	const { x, y } = point.toAffine();
	return concatBytes(...[x.c0, x.c1, y.c0, y.c1].map((c) => bigintToBytes(c, FIELD_BYTES)));
}

export function decodeG2(bytes: Uint8Array, field = 'blsPublicKey'): G2Point {
	const what = `a G2 point (${BLS_PUBLIC_KEY_LENGTH} bytes: x.c0, x.c1, y.c0, y.c1)`;
	if (!(bytes instanceof Uint8Array) || bytes.length !== BLS_PUBLIC_KEY_LENGTH) {
		throw new QredoInputError(field, what, bytes instanceof Uint8Array ? `got ${bytes.length} bytes` : 'not bytes');
	}
	const [xc0, xc1, yc0, yc1] = [0, 1, 2, 3].map((i) => fieldElementFrom(bytes, i * FIELD_BYTES, field));
	const point = G2.fromAffine({ x: { c0: xc0, c1: xc1 }, y: { c0: yc0, c1: yc1 } });
	return validated(point, field, what);
}

// ---- keys, sign, verify ----

/** Public keys of the secret keys in use (a G2 multiplication each), found by a digest of the secret key. */
const publicKeys = new Memo<Uint8Array>(64);

/** W = sk·G2, 192 bytes; computed once per secret key in this process. */
export function blsPublicKey(sk: bigint): Uint8Array {
	const bytes = bigintToBytes(requireScalar(sk, 'blsPrivateKey'), BLS_SECRET_KEY_LENGTH);
	return publicKeys.get([bytes], () => encodeG2(G2.BASE.multiply(sk))).slice();
}

/**
 * σ = sk·H(m), 49 bytes. sk is secret, so the multiplication runs a fixed sequence of operations whatever sk is:
 * lib/crypto/secretMultiply.ts in WebAssembly once that has loaded, noble's constant-time multiplication until then.
 */
export function blsSign(sk: bigint, message: Uint8Array): Uint8Array {
	requireScalar(sk, 'blsPrivateKey');
	if (!(message instanceof Uint8Array)) throw new QredoInputError('message', 'bytes');
	return signHashed(sk, hashToG1(message)).signature;
}

function signHashed(sk: bigint, hashed: G1Point): { signature: Uint8Array; fast?: { lib: FastLib; hashed: FastG1 } } {
	const fast = fastPairing();
	if (!fast) return { signature: encodeG1Compressed(hashed.multiply(sk)) };
	const wasmHashed = toG1(fast, hashed.toAffine());
	const signature = encodeG1Compressed(G1.fromAffine(fromG1(multiplySecret(fast, wasmHashed, sk))));
	return { signature, fast: { lib: fast, hashed: wasmHashed } };
}

/** A random scalar in [1, r) for blinding. */
function randomScalar(): bigint {
	return (bytesToBigint(new Uint8Array(randomBytes(64))) % (CURVE_ORDER - 1n)) + 1n;
}

/** Keys whose signatures have passed the pairing check in this process (by digest; the value is always true). */
const pairingCheckedKeys = new Memo<true>(64);

/**
 * σ = sk·H(m) as blsSign, checked before it leaves: the bytes are decoded again and compared with sk·H(m) computed a
 * second, independent way, (sk − b)·H(m) + b·H(m) for a fresh random b (other scalars, other ladder steps, the same
 * fixed-sequence multiplication), which catches a faulty multiplication or encoding. With WebAssembly, the first
 * signature of each key in a process also gets the pairing check Qredo makes, e(−σ, G2)·e(H(m), W) == 1, against the
 * key's public key. No check can catch a wrong H(m), since each recomputes the same H(m); the AMCL vectors pin that.
 * Throws QredoInputError when a check fails.
 */
export function blsSignChecked(sk: bigint, message: Uint8Array): Uint8Array {
	requireScalar(sk, 'blsPrivateKey');
	if (!(message instanceof Uint8Array)) throw new QredoInputError('message', 'bytes');
	const hashed = hashToG1(message);
	const { signature, fast } = signHashed(sk, hashed);
	const b = randomScalar();
	const blindedPart = (((sk - b) % CURVE_ORDER) + CURVE_ORDER) % CURVE_ORDER;
	let consistent: boolean;
	if (fast) {
		const { lib, hashed: point } = fast;
		const second = blindedPart === 0n ? multiplySecret(lib, point, b) : lib.add(multiplySecret(lib, point, blindedPart), multiplySecret(lib, point, b));
		consistent = toG1(lib, curvePointFromCompressed(signature, 'signature', 'a compressed G1 point')).isEqual(second);
		if (consistent) {
			try {
				pairingCheckedKeys.get([blsSecretKeyToBytes(sk)], () => {
					if (!fastPairingCheck(lib, signature, point, blsPublicKey(sk))) throw new Error('pairing check failed');
					return true;
				});
			} catch {
				consistent = false;
			}
		}
	} else {
		const second = blindedPart === 0n ? hashed.multiply(b) : hashed.multiply(blindedPart).add(hashed.multiply(b));
		consistent = decodeG1Compressed(signature).equals(second);
	}
	if (!consistent) {
		throw new QredoInputError('blsPrivateKey', 'a key whose signatures compute consistently', 'the signature check failed; nothing was sent');
	}
	return signature;
}

/** Miller-loop line coefficients of the G2 generator: every verification pairs with it, so compute them once. */
let generatorLines: ReturnType<typeof bls12_381.utils.calcPairingPrecomputes> | undefined;
/** Decoded, checked public keys with their Miller-loop lines: the approver's own and Qredo's few, per process. */
const verificationKeys = new Memo<ReturnType<typeof bls12_381.utils.calcPairingPrecomputes>>(64);

type FastLib = NonNullable<ReturnType<typeof fastPairing>>;
type FastLines = InstanceType<FastLib['PrecomputedG2']>;
type FastG1 = InstanceType<FastLib['G1']>;
let fastGeneratorLines: FastLines | undefined;
/** The same in WebAssembly memory, released when an entry leaves. */
const fastVerificationKeys = new Memo<FastLines>(64, (lines) => lines.destroy());

/**
 * e(−σ, G2)·e(H(m), W) == 1 in WebAssembly, σ decoded from its bytes and checked to be in G1 (there too: the same
 * membership test, several times faster). Throws on a malformed σ or public key; callers turn that into "false".
 */
function fastPairingCheck(fast: FastLib, signature: Uint8Array, hashed: FastG1, publicKey: Uint8Array): boolean {
	const sigma = toG1(fast, curvePointFromCompressed(signature, 'signature', 'a compressed G1 point'));
	if (sigma.isZero() || !sigma.isValidOrder()) return false;
	// A public key that fails to decode throws here and is not remembered.
	const keyLines = fastVerificationKeys.get([publicKey], () => new fast.PrecomputedG2(toG2(fast, decodeG2(publicKey).toAffine())));
	fastGeneratorLines ??= new fast.PrecomputedG2(toG2(fast, G2.BASE.toAffine()));
	return fast.finalExp(fast.precomputedMillerLoop2(fast.neg(sigma), fastGeneratorLines, hashed, keyLines)).isOne();
}

/**
 * e(p1, q1)·e(p2, q2) == 1 for public points (a verifier's check, e.g. the server side of an M-Pin token): one double
 * Miller loop and one final exponentiation, in WebAssembly once loaded. The caller has checked the points.
 */
export function pairingProductIsOne(p1: G1Point, q1: G2Point, p2: G1Point, q2: G2Point): boolean {
	// e(0, Q) = e(P, 0) = 1: such a term drops out.
	const terms = [{ g1: p1, g2: q1 }, { g1: p2, g2: q2 }].filter((t) => !t.g1.is0() && !t.g2.is0());
	if (terms.length === 0) return true;
	const fast = fastPairing();
	if (fast) {
		const loops = terms.map((t) => fast.millerLoop(toG1(fast, t.g1.toAffine()), toG2(fast, t.g2.toAffine())));
		return fast.finalExp(loops.length === 1 ? loops[0] : fast.mul(loops[0], loops[1])).isOne();
	}
	return Fp12.eql(bls12_381.pairingBatch(terms), Fp12.ONE);
}

/**
 * AMCL BLS_VERIFY: e(−σ, G2)·e(H(m), W) == 1, one double Miller loop and one final exponentiation.
 * Returns false for anything malformed (wrong length, bad tag, off-curve or off-subgroup points); never throws.
 * The pairing and the signature's subgroup check run in WebAssembly once that has loaded, with noble until then.
 */
export function blsVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
	try {
		if (!(message instanceof Uint8Array) || !(publicKey instanceof Uint8Array)) return false;
		// Both points are checked (on curve, in the subgroup, not infinity); H(m) is in G1 by construction.
		const fast = fastPairing();
		if (fast) return fastPairingCheck(fast, signature, toG1(fast, hashToG1(message).toAffine()), publicKey);
		const negatedSignature = decodeG1Compressed(signature).negate().toAffine();
		const keyLines = verificationKeys.get([publicKey], () => bls12_381.utils.calcPairingPrecomputes(decodeG2(publicKey)));
		const hashed = hashToG1(message).toAffine();
		generatorLines ??= bls12_381.utils.calcPairingPrecomputes(G2.BASE);
		const miller = bls12_381.millerLoopBatch([
			[generatorLines, negatedSignature.x, negatedSignature.y],
			[keyLines, hashed.x, hashed.y],
		]);
		return Fp12.eql(Fp12.finalExponentiate(miller), Fp12.ONE);
	} catch {
		return false;
	}
}
