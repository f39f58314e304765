/**
 * Small bounded memo tables for work that depends only on key material (a public key from its secret key, an M-Pin
 * identity's hash point, a public key's pairing precomputation): done once per credential instead of once per
 * execution. Entries are found by a SHA-256 digest of their inputs, so secret material is never a map key; the
 * oldest entry goes first when the table is full.
 */
import { sha256 } from '../vendor/noble';
import { bytesToHex, concatBytes } from './bytes';

export class Memo<T> {
	private readonly entries = new Map<string, T>();

	/** `onEvict` releases what an entry holds outside the JS heap (e.g. WebAssembly memory). */
	constructor(
		private readonly limit: number,
		private readonly onEvict?: (value: T) => void,
	) {}

	get(inputs: Uint8Array[], compute: () => T): T {
		const key = bytesToHex(sha256(concatBytes(...inputs.flatMap((input) => [lengthPrefix(input.length), input]))));
		const found = this.entries.get(key);
		if (found !== undefined) {
			// most recently used last
			this.entries.delete(key);
			this.entries.set(key, found);
			return found;
		}
		const value = compute();
		this.entries.set(key, value);
		if (this.entries.size > this.limit) {
			const oldest = this.entries.keys().next().value as string;
			const evicted = this.entries.get(oldest) as T;
			this.entries.delete(oldest);
			this.onEvict?.(evicted);
		}
		return value;
	}

	get size(): number {
		return this.entries.size;
	}
}

function lengthPrefix(length: number): Uint8Array {
	const prefix = new Uint8Array(4);
	new DataView(prefix.buffer).setUint32(0, length);
	return prefix;
}
