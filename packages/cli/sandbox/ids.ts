/**
 * Identifiers that look like Qredo's (random, URL-safe, fixed length) so clients that validate or display them
 * behave as they would in production. Each kind has its own shape, so an action ID can never pass for a tx ID.
 */
import { createHash, randomBytes } from 'node:crypto';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomText(alphabet: string, length: number): string {
	let out = '';
	// Rejection sampling keeps every character uniform.
	const limit = 256 - (256 % alphabet.length);
	while (out.length < length) {
		for (const byte of randomBytes(length * 2)) {
			if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
		}
	}
	return out;
}

export const newId = {
	/** Company, fund, wallet, transaction IDs: 27 base62 characters (the shape seen in Qredo docs, e.g. `1zXsNdFHk3CI7jaEVMkWRvDAiGB`). */
	entity: () => randomText(BASE62, 27),
	/** Action IDs: 28 characters, a different length from tx IDs on purpose (the two must never be confused). */
	action: () => randomText(BASE62, 28),
	/** Core-client (agent) IDs: 44 base58 characters, like SA1's `5zPWqLZaPqAaNenjyzWy5rcaGm4PuT1bfP74GgrzFUJn`. */
	agent: () => randomText(BASE58, 44),
	/** Qredo API v1 key IDs: 14 base64url characters, like `_lJCqc-T3cnNpw`. */
	qapiKey: () => randomBytes(11).toString('base64url').slice(0, 14),
	/** Qredo API v2 key IDs: `a.` + 22 characters, like the SA2 swagger's `a.HLRrw3PSiS45QL…`. */
	v2ApiKey: () => 'a.' + randomText(BASE62, 22),
	workspace: () => randomText(BASE62, 20),
	/** Wallet short codes, shown to humans and accepted as transfer destinations. */
	shortCode: () => randomText(BASE58, 10),
	human: () => 'user-' + randomText(BASE62, 16),
};

/**
 * A Qredo API secret: standard base64 of ASCII text shaped like a bcrypt hash (§1.1: known secrets decode to
 * `$2a$04$` + 53 characters of the bcrypt alphabet), so a client must base64-decode it before using it as the key.
 */
export function newApiSecret(): string {
	const bcryptAlphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Buffer.from('$2a$04$' + randomText(bcryptAlphabet, 53), 'ascii').toString('base64');
}

/** A deterministic on-chain-looking address for a wallet, derived from its ID. */
export function walletAddress(asset: string, walletId: string): string {
	const digest = createHash('sha256').update(`${asset}:${walletId}`).digest();
	if (asset.startsWith('BTC')) return 'tb1q' + digest.subarray(0, 20).toString('hex');
	return '0x' + digest.subarray(0, 20).toString('hex');
}

// Deterministic IDs and hashes derived from their parts (custody groups, chain transactions).

function digest(...parts: string[]): Buffer {
	return createHash('sha256').update(parts.join('\u0000')).digest();
}

/** A stable ID shaped like an entity ID (27 base62 characters), for things the state keeps no ID for. */
export function derivedId(...parts: string[]): string {
	let value = BigInt('0x' + digest('qredo-sandbox-id', ...parts).toString('hex'));
	let out = '';
	for (let i = 0; i < 27; i++) {
		out += BASE62[Number(value % 62n)];
		value /= 62n;
	}
	return out;
}

/** A stand-in on-chain transaction hash for a settled movement (0x-prefixed for EVM assets). */
export function chainHash(asset: string, ...parts: string[]): string {
	const hex = digest('qredo-sandbox-chain', asset, ...parts).toString('hex');
	return isBitcoinAsset(asset) ? hex : '0x' + hex;
}

export function isBitcoinAsset(asset: string): boolean {
	return asset.startsWith('BTC');
}

/** The custody group IDs Qredo returns in place of the group (a fund's, or a wallet's own override). */
export function custodyGroupId(ownerId: string, kind: 'withdraw' | 'tx'): string {
	return derivedId('custodygroup', ownerId, kind);
}
