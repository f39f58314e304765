/**
 * The bytes approvers sign. Real messages are protobuf-encoded Qredochain transactions (§4.1); clients must sign
 * them as opaque bytes. We build protobuf-shaped bytes (valid wire format, fields like those seen in SA1 test
 * data: policy scripts, a short code, an address) that are deterministic per (action, member, index), so two
 * members, two actions or two messages of one action never share bytes: signing the wrong one fails.
 */
import { createHash } from 'node:crypto';

type Field = [number, number | bigint | string | Uint8Array | Field[]];

function varint(value: number | bigint): Buffer {
	let v = BigInt(value);
	const out: number[] = [];
	do {
		let byte = Number(v & 0x7fn);
		v >>= 7n;
		if (v > 0n) byte |= 0x80;
		out.push(byte);
	} while (v > 0n);
	return Buffer.from(out);
}

/** Encodes fields as protobuf: numbers as varints (wire type 0), everything else length-delimited (wire type 2). */
export function protobuf(fields: Field[]): Buffer {
	const parts: Buffer[] = [];
	for (const [number, value] of fields) {
		if (typeof value === 'number' || typeof value === 'bigint') {
			parts.push(varint(number << 3), varint(value));
			continue;
		}
		const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value instanceof Uint8Array ? Buffer.from(value) : protobuf(value);
		parts.push(varint((number << 3) | 2), varint(bytes.length), bytes);
	}
	return Buffer.concat(parts);
}

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest();

export interface MessageSubject {
	actionId: string;
	member: string;
	kind: string;
	txId?: string;
	asset?: string;
	amount?: number;
	address?: string;
	shortCode?: string;
	/** Extra bytes to bind into the message (e.g. public keys being registered). */
	extra?: Uint8Array;
}

/** Policy scripts seen in decoded SA1 messages; one per message index so each message differs in content too. */
const SCRIPTS = ['TransferPush', 'Settle', 't1 > 0'];

/** `count` messages for one action and one member. */
export function actionMessages(subject: MessageSubject, count: number): Buffer[] {
	return Array.from({ length: count }, (_, index) => {
		const seed = digest('qredo-sandbox-message', subject.actionId, subject.member, String(index));
		return protobuf([
			[1, index + 1],
			[2, seed],
			[3, subject.kind],
			[
				4,
				[
					[1, subject.txId ?? ''],
					[2, subject.asset ?? ''],
					[3, BigInt(subject.amount ?? 0)],
					[4, subject.address ?? ''],
					[5, subject.shortCode ?? ''],
				],
			],
			[5, SCRIPTS[index % SCRIPTS.length]],
			[6, subject.member],
			...(subject.extra ? ([[7, subject.extra]] as Field[]) : []),
			[8, digest('qredo-sandbox-nonce', subject.actionId, String(index)).subarray(0, 16)],
		]);
	});
}

/**
 * The unsigned IDDoc returned by /coreclient/init (§4.4): top-level field 9 = "qredo-core-client";
 * field 17 = {1: "qredo-core-client", 4: BLS public key, 6: EC public key}, plus the agent's ID, name and time.
 */
export function identityDocument(args: { agentId: string; name: string; created: number; blsPublicKey: Uint8Array; ecPublicKey: Uint8Array }): Buffer {
	return protobuf([
		[1, args.agentId],
		[2, args.name],
		[3, args.created],
		[9, 'qredo-core-client'],
		[
			17,
			[
				[1, 'qredo-core-client'],
				[4, args.blsPublicKey],
				[6, args.ecPublicKey],
			],
		],
	]);
}
