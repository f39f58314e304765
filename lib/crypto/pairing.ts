/**
 * WebAssembly arithmetic (mcl) for BLS: the pairing check of a verification, the full-cofactor multiplication of
 * hash-to-G1, and the point operations of the signing ladder (lib/crypto/secretMultiply.ts). Everything gives exactly
 * what noble gives (the tests compare both paths on every AMCL vector); mcl is only faster. It starts loading when this
 * module is first imported; until it is ready (a few milliseconds, asynchronously) the callers use noble. mcl's own
 * scalar multiplications (`mul`, even `mulCT`) take time that depends on the scalar, so they only ever see public
 * scalars.
 */
import { mcl } from '../vendor/mcl';

type McLib = typeof mcl;
let lib: McLib | undefined;
let loading: Promise<boolean> | undefined;

/** Starts loading mcl (once); resolves true when it can be used, false if it cannot (noble is used then). */
export function loadFastPairing(): Promise<boolean> {
	loading ??= mcl.init(mcl.BLS12_381).then(
		() => {
			// We check subgroup membership ourselves where it matters (on decoding, with noble, once per key).
			mcl.verifyOrderG1(false);
			mcl.verifyOrderG2(false);
			lib = mcl;
			return true;
		},
		() => false,
	);
	return loading;
}
void loadFastPairing();

let enabled = true;

/** The library when loaded and enabled; undefined means: use noble. */
export function fastPairing(): McLib | undefined {
	return enabled ? lib : undefined;
}

/** For tests and the bench: run the noble path even when mcl is loaded (both must give the same answers). */
export function setFastPairingEnabled(value: boolean): void {
	enabled = value;
}

const hex = (value: bigint) => value.toString(16);

export function toG1(m: McLib, point: { x: bigint; y: bigint }): InstanceType<McLib['G1']> {
	const g = new m.G1();
	g.setStr(`1 ${hex(point.x)} ${hex(point.y)}`, 16);
	return g;
}

export function toG2(m: McLib, point: { x: { c0: bigint; c1: bigint }; y: { c0: bigint; c1: bigint } }): InstanceType<McLib['G2']> {
	const g = new m.G2();
	g.setStr(`1 ${hex(point.x.c0)} ${hex(point.x.c1)} ${hex(point.y.c0)} ${hex(point.y.c1)}`, 16);
	return g;
}

/** Affine x, y of a G1 point other than infinity. */
export function fromG1(point: InstanceType<McLib['G1']>): { x: bigint; y: bigint } {
	point.normalize();
	const [, x, y] = point.getStr(16).split(' ');
	return { x: BigInt(`0x${x}`), y: BigInt(`0x${y}`) };
}

/**
 * A square root of a public field element (as an integer), or undefined when there is none; which of the two roots
 * comes back is the caller's to normalise.
 */
export function squareRootOf(m: McLib, value: bigint): bigint | undefined {
	const element = new m.Fp();
	element.setStr(hex(value), 16);
	const [exists, root] = m.squareRoot(element);
	return exists ? BigInt(`0x${root.getStr(16)}`) : undefined;
}

export function scalar(m: McLib, value: bigint): InstanceType<McLib['Fr']> {
	const fr = new m.Fr();
	fr.setStr(hex(value), 16);
	return fr;
}
