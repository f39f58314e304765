/**
 * Server side of the M-Pin one-pass token in `x-api-zkp` (§1.4), re-derived from AMCL's MPIN_SERVER rather than
 * taken from the client code: parse hex → JSON {"ID","ET","U","V"}, check |now − ET| ≤ bound, recompute
 * y = SHA-256(BE32(ET) ‖ U) mod r, and accept iff e(V, G2) · e(U + y·H(ID), s·G2) == 1.
 * (The client built V = −(x + y)·s·H(ID) and U = x·H(ID), so the two pairings cancel only with the master secret s.)
 */
import { createHash } from 'node:crypto';
import { CURVE_ORDER, decodeG1Uncompressed, decodeG2, mpinHashId, pairingProductIsOne, type G2Point } from 'n8n-nodes-qredo/core';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import type { SandboxContext } from '../context';
import { forbidden } from '../http';
import type { Agent } from '../model';
import { header, type SignedParts, unauthorized } from './common';

const FIELDS = ['ID', 'ET', 'U', 'V'];
const MAX_ET = 0x7fffffff;

interface ZkpToken {
	id: Buffer;
	et: number;
	u: Buffer;
	v: Buffer;
}

function decodeStrictBase64(value: unknown, field: string, bytes?: number): Buffer {
	const decoded = typeof value === 'string' ? Buffer.from(value, 'base64') : undefined;
	if (!decoded || decoded.toString('base64') !== value || (bytes !== undefined && decoded.length !== bytes)) {
		throw unauthorized(`x-api-zkp: ${field}: expected standard base64 with padding${bytes === undefined ? '' : ` of ${bytes} bytes`}`);
	}
	return decoded;
}

/** Parses the header; every format error names the part that is wrong. */
export function parseZkpHeader(value: string | undefined): ZkpToken {
	if (!value) throw unauthorized('x-api-zkp: expected the M-Pin one-pass token header');
	if (value.length % 2 !== 0 || !/^[0-9a-f]+$/.test(value)) throw unauthorized('x-api-zkp: expected lowercase hex of a JSON document');
	let json: Record<string, unknown>;
	try {
		json = JSON.parse(Buffer.from(value, 'hex').toString('utf8'));
	} catch {
		throw unauthorized('x-api-zkp: expected hex of a JSON document {"ID","ET","U","V"}');
	}
	if (json === null || typeof json !== 'object' || Array.isArray(json) || Object.keys(json).join(',') !== FIELDS.join(',')) {
		throw unauthorized('x-api-zkp: expected JSON with exactly the keys ID, ET, U, V in that order');
	}
	const et = json.ET;
	if (typeof et !== 'number' || !Number.isSafeInteger(et) || et < 1 || et > MAX_ET) throw unauthorized('x-api-zkp: ET: expected Unix seconds as a JSON number');
	return {
		id: decodeStrictBase64(json.ID, 'ID'),
		et,
		u: decodeStrictBase64(json.U, 'U', 97),
		v: decodeStrictBase64(json.V, 'V', 97),
	};
}

/** y = SHA-256(BE32(ET) ‖ U) mod r. */
function challenge(et: number, u: Buffer): bigint {
	const prefix = Buffer.alloc(4);
	prefix.writeUInt32BE(et);
	const digest = createHash('sha256').update(prefix).update(u).digest('hex');
	return BigInt('0x' + digest) % CURVE_ORDER;
}

/** The server secret s·G2, decoded and checked once per value (it only changes when the sandbox is reset). */
let serverSecret: { bytes: Buffer; point: G2Point } | undefined;
function serverSecretPoint(bytes: Uint8Array): G2Point {
	if (!serverSecret || !serverSecret.bytes.equals(bytes)) serverSecret = { bytes: Buffer.from(bytes), point: decodeG2(bytes, 'serverSecret') };
	return serverSecret.point;
}

export function verifyZkpRequest(ctx: SandboxContext, parts: SignedParts, allowRegistering: boolean): Agent {
	const token = parseZkpHeader(header(parts.headers, 'x-api-zkp'));
	const agent = [...ctx.state.agents.values()].find((a) => a.mpinId.equals(token.id));
	if (!agent) throw unauthorized('x-api-zkp: ID: expected the clientID of an agent registered with /coreclient/init (unknown identity)');
	const now = ctx.nowSeconds();
	const bound = ctx.options.zkpTimeBoundSeconds;
	if (Math.abs(now - token.et) > bound) {
		throw unauthorized(`x-api-zkp: ET: expected within ${bound} s of the server clock (off by ${now - token.et} s); build a fresh token for every request`);
	}
	const replayKey = `${token.id.toString('hex')}:${token.u.toString('base64')}`;
	if (ctx.options.zkpRejectReplay && ctx.zkpSeen.has(replayKey)) {
		throw unauthorized('x-api-zkp: expected a fresh token for every request (this one was already used)');
	}

	let U, V;
	try {
		U = decodeG1Uncompressed(token.u, 'U');
		V = decodeG1Uncompressed(token.v, 'V');
	} catch {
		throw unauthorized('x-api-zkp: U, V: expected uncompressed BLS12-381 G1 points (04 ‖ x ‖ y)');
	}
	const y = challenge(token.et, token.u);
	const hashedId = mpinHashId(token.id);
	const left = y === 0n ? U : U.add(hashedId.multiplyUnsafe(y)); // y is public
	const valid = !left.is0() && pairingProductIsOne(V, bls12_381.G2.Point.BASE, left, serverSecretPoint(ctx.state.mpinServerSecret));
	if (!valid) throw unauthorized('x-api-zkp: the M-Pin proof does not verify; expected U, V computed from this identity\'s client secret for this ET');

	if (ctx.options.zkpRejectReplay) {
		for (const [key, et] of ctx.zkpSeen) if (Math.abs(now - et) > bound) ctx.zkpSeen.delete(key);
		ctx.zkpSeen.set(replayKey, token.et);
	}
	if (agent.status !== 'active' && !allowRegistering) {
		throw forbidden('agent: expected an agent that completed /coreclient/finish (registration is still pending)');
	}
	return agent;
}
