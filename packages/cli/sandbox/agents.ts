/**
 * A new agent record, as /coreclient/init (a self-hosted Signing Agent, pending until /coreclient/finish) and
 * POST /coreclient (a Qredo-hosted core client, active at once) both create one: its ID doubles as the account code,
 * the M-Pin identity is a JSON text whose raw bytes are the ID (docs/protocol.md §1.4), and the unsigned IDDoc
 * carries both public keys (§4.4).
 */
import { newId } from './ids';
import { identityDocument } from './messages';
import type { Agent } from './model';

export function newAgent(args: { name: string; blsPublicKey: Buffer; ecPublicKey: Buffer; status: Agent['status']; partnerKeyId: string; created: number }): Agent {
	const { name, blsPublicKey, ecPublicKey, status, partnerKeyId, created } = args;
	const id = newId.agent();
	return {
		id,
		accountCode: id,
		name,
		blsPublicKey,
		ecPublicKey,
		mpinId: Buffer.from(JSON.stringify({ id, curve: 'BLS381', created }), 'utf8'),
		idDoc: identityDocument({ agentId: id, name, created, blsPublicKey, ecPublicKey }),
		status,
		partnerKeyId,
		created,
	};
}
