/**
 * Self-hosted agent (Signing Agent v1) endpoints on the Partner API host (§3.1 second table, §4.1):
 * RSA-signed init issues the M-Pin identity and client secret; everything after it is x-api-zkp.
 */
import { blsVerify, isValidBlsPublicKey, isValidEcPublicKey, mpinClientSecret } from '../crypto';
import { type SandboxContext, wsUrlFor } from '../context';
import { badRequest, conflict, decodeLowerHex, ok, requireArray, requireString } from '../http';
import { newAgent } from '../agents';
import { PARTNER_BASE, type Router } from '../router';

export const AGENT_FEED_PATH = `${PARTNER_BASE}/coreclient/feed`;

export function register(router: Router, ctx: SandboxContext): void {
	router.post(`${PARTNER_BASE}/coreclient/init`, 'partner', (req) => {
		const body = req.json();
		const name = requireString(body, 'name', { maxLength: 256 });
		const blsPublicKey = decodeLowerHex(body.blsPublicKey, 'blsPublicKey', 192);
		if (!isValidBlsPublicKey(blsPublicKey)) throw badRequest('blsPublicKey: expected a BLS12-381 G2 point (AMCL encoding x.c0‖x.c1‖y.c0‖y.c1) on the curve');
		const ecPublicKey = decodeLowerHex(body.ecPublicKey, 'ecPublicKey', 65);
		if (!isValidEcPublicKey(ecPublicKey)) throw badRequest('ecPublicKey: expected an uncompressed secp256k1 point (04‖X‖Y) on the curve');
		if ([...ctx.state.agents.values()].some((a) => a.blsPublicKey.equals(blsPublicKey))) {
			throw conflict('blsPublicKey: already registered to another agent; generate a new key pair');
		}

		const agent = newAgent({ name, blsPublicKey, ecPublicKey, status: 'pending', partnerKeyId: req.principal.keyId, created: ctx.nowSeconds() });
		const { id, mpinId, created } = agent;
		ctx.state.addAgent(agent);
		ctx.log.info('agent init', { agent: id });
		return {
			id,
			clientID: mpinId.toString('hex'),
			clientSecret: Buffer.from(mpinClientSecret(ctx.state.mpinMasterSecret, mpinId)).toString('hex'),
			accountCode: agent.accountCode,
			idDoc: agent.idDoc.toString('hex'),
			timestamp: created,
		};
	});

	router.post(`${PARTNER_BASE}/coreclient/finish`, 'zkp-registering', (req) => {
		const agent = req.principal;
		const body = req.json();
		if (agent.status === 'active') throw conflict('agent: registration already finished');
		const signature = decodeLowerHex(body.idDocSignatureHex, 'idDocSignatureHex', 49);
		if (!blsVerify(agent.blsPublicKey, agent.idDoc, signature)) {
			throw badRequest('idDocSignatureHex: expected a BLS signature of the hex-decoded idDoc by the blsPublicKey given at init (verification failed)');
		}
		agent.status = 'active';
		ctx.log.info('agent finish', { agent: agent.id });
		return { feed: wsUrlFor(req.url, AGENT_FEED_PATH) };
	});

	router.get(`${PARTNER_BASE}/coreclient/action/:action_id`, 'zkp', (req) => {
		const action = ctx.state.actionOf(req.params.action_id, req.principal.id);
		return { messages: action.messages.map((m) => m.toString('hex')) };
	});

	router.put(`${PARTNER_BASE}/coreclient/action/:action_id`, 'zkp', (req) => {
		const signatures = requireArray(req.json(), 'signatures');
		ctx.state.decide({ actionId: req.params.action_id, member: req.principal.id, decision: 'approve', signatures });
		return ok();
	});

	router.delete(`${PARTNER_BASE}/coreclient/action/:action_id`, 'zkp', (req) => {
		// A v1 reject signs nothing and carries no body (§4.1).
		req.requireNoBody();
		ctx.state.decide({ actionId: req.params.action_id, member: req.principal.id, decision: 'reject', signatures: [] });
		return ok();
	});

	router.ws(AGENT_FEED_PATH, 'zkp', (socket, req) => ctx.feeds.attach(socket, { kind: 'agent', id: req.principal.id }));
}
