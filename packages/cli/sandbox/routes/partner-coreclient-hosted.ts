/**
 * Qredo-hosted core clients on the Partner API (§3.1): create and list them, their actions (list, details, approve,
 * reject: Qredo signs server side with the client's key, so PUT and DELETE carry no body), the wallets they govern,
 * BLS sign / verify, and their action feed (PAS-style frames with `clientID`, §4.1 and §7 item 5).
 *
 * A hosted client is an agent in the core state (so it can be a trusted party and a custody-group member) whose
 * secret key the sandbox keeps. Action details also answer for a self-hosted agent registered with the same Partner
 * API key, so a workflow holding that key can read what its agent is asked to approve.
 */
import { blsVerify, signAs } from '../crypto';
import { type SandboxContext, wsUrlFor } from '../context';
import { badRequest, conflict, decodeLowerHex, forbidden, notFound, ok, requireString } from '../http';
import { newAgent } from '../agents';
import type { Action, HostedClient, PartnerKey } from '../model';
import { actionDetailsView, actionSummaryView, walletPolicies } from '../views';
import { PARTNER_BASE, type Router, type SandboxRequest } from '../router';
import { generateKeys, parseBlsSecretKey } from 'n8n-nodes-qredo/core';

const CLIENTS = `${PARTNER_BASE}/coreclient`;
const feedPath = (clientId: string) => `${CLIENTS}/${encodeURIComponent(clientId)}/feed`;
/** §3.1: message_hash_hex is at most 64 bytes. */
const MAX_MESSAGE_BYTES = 64;

/** The PAS-era hosted feed frame: like §4.1 but with `clientID` in place of `coreClientID`. */
function hostedFrame(action: Action): string {
	return JSON.stringify({ id: action.id, clientID: action.member, type: action.type, status: action.status, timestamp: action.created, expireTime: action.expireTime });
}

export function register(router: Router, ctx: SandboxContext): void {
	const { state } = ctx;

	/** A hosted client of this API key; anything else is not confirmed to exist. */
	const hostedOf = (key: PartnerKey, clientId: string): HostedClient => {
		const client = ctx.state.hostedClients.get(clientId);
		if (!client || client.partnerKeyId !== key.keyId) throw notFound('client_id: no Qredo-hosted core client with this ID for this API key');
		return client;
	};

	const clientView = (client: HostedClient, url: URL) => ({ id: client.id, name: client.name, feed: wsUrlFor(url, feedPath(client.id)), timestamp: client.created });

	/** The client's action; another member's action is not confirmed to exist. */
	const actionOf = (clientId: string, actionId: string): Action => {
		const action = state.actions.get(actionId);
		if (!action || action.member !== clientId) throw notFound('action_id: no action with this ID for this core client');
		return action;
	};

	router.post(CLIENTS, 'partner', (req) => {
		const name = requireString(req.json(), 'name', { maxLength: 256 });
		const store = ctx.state;
		if ([...store.hostedClients.values()].some((c) => c.partnerKeyId === req.principal.keyId && c.name === name)) {
			throw conflict('name: this API key already has a hosted core client with this name');
		}
		const keys = generateKeys();
		const created = ctx.nowSeconds();
		// Hosted clients never authenticate with M-Pin; their identity is kept for the shape of an agent.
		const agent = newAgent({
			name,
			blsPublicKey: Buffer.from(keys.blsPublicKey, 'hex'),
			ecPublicKey: Buffer.from(keys.ecPublicKey, 'hex'),
			status: 'active',
			partnerKeyId: req.principal.keyId,
			created,
		});
		const { id } = agent;
		state.addAgent(agent);
		const client: HostedClient = { id, name, partnerKeyId: req.principal.keyId, secretKey: parseBlsSecretKey(keys.blsPrivateKey), created };
		store.hostedClients.set(id, client);
		return clientView(client, req.url);
	});

	router.get(CLIENTS, 'partner', (req) => {
		const clients = [...ctx.state.hostedClients.values()].filter((c) => c.partnerKeyId === req.principal.keyId);
		return { count: clients.length, clients: clients.map((c) => clientView(c, req.url)) };
	});

	router.get(`${CLIENTS}/:client_id/actions`, 'partner', (req) => {
		const client = hostedOf(req.principal, req.params.client_id);
		const actions = [...state.actions.values()].filter((a) => a.member === client.id).map(actionSummaryView);
		return { count: actions.length, actions };
	});

	router.get(`${CLIENTS}/:client_id/action/:action_id`, 'partner', (req) => {
		const clientId = req.params.client_id;
		const hosted = ctx.state.hostedClients.get(clientId);
		const ownAgent = state.agents.get(clientId)?.partnerKeyId === req.principal.keyId;
		if (hosted ? hosted.partnerKeyId !== req.principal.keyId : !ownAgent) throw notFound('client_id: no core client with this ID for this API key');
		return actionDetailsView(state, actionOf(clientId, req.params.action_id));
	});

	const decideHosted = (req: SandboxRequest<'partner'>, decision: 'approve' | 'reject') => {
		// §3.1: the swagger defines no body; Qredo signs for its hosted clients.
		req.requireNoBody();
		const clientId = req.params.client_id;
		if (!ctx.state.hostedClients.has(clientId) && state.agents.get(clientId)?.partnerKeyId === req.principal.keyId) {
			throw forbidden('client_id: a self-hosted core client decides with its own key (PUT or DELETE /coreclient/action/{action_id} with x-api-zkp)');
		}
		const client = hostedOf(req.principal, clientId);
		const action = actionOf(client.id, req.params.action_id);
		// One signature per message to approve, none to reject (§4.1); decide() verifies them like anyone else's.
		const signatures = decision === 'approve' && action.status === 'pending' ? action.messages.map((m) => signAs(client.secretKey, m).toString('hex')) : [];
		state.decide({ actionId: action.id, member: client.id, decision, signatures });
		return ok();
	};
	router.put(`${CLIENTS}/:client_id/action/:action_id`, 'partner', (req) => decideHosted(req, 'approve'));
	router.delete(`${CLIENTS}/:client_id/action/:action_id`, 'partner', (req) => decideHosted(req, 'reject'));

	router.get(`${CLIENTS}/:client_id/wallets`, 'partner', (req) => {
		const client = hostedOf(req.principal, req.params.client_id);
		// The wallets whose custody groups the client sits in; joining one needs no approval in the sandbox.
		const wallets = [...state.wallets.values()].filter((w) => {
			const policies = walletPolicies(state, w);
			return policies.withdraw.group.members.includes(client.id) || policies.tx.group.members.includes(client.id);
		});
		return { wallets: wallets.map((w) => ({ wallet_id: w.id, action_id: '', status: 'approved', expires: 0 })) };
	});

	router.post(`${CLIENTS}/:client_id/sign`, 'partner', (req) => {
		const client = hostedOf(req.principal, req.params.client_id);
		const message = decodeLowerHex(requireString(req.json(), 'message_hash_hex'), 'message_hash_hex');
		if (message.length > MAX_MESSAGE_BYTES) throw badRequest(`message_hash_hex: expected at most ${MAX_MESSAGE_BYTES} bytes of lowercase hex`);
		return { signature_hex: signAs(client.secretKey, message).toString('hex'), signer_id: client.id };
	});

	router.post(`${CLIENTS}/verify`, 'partner', (req) => {
		const body = req.json();
		const message = decodeLowerHex(requireString(body, 'message_hash_hex'), 'message_hash_hex');
		if (message.length > MAX_MESSAGE_BYTES) throw badRequest(`message_hash_hex: expected at most ${MAX_MESSAGE_BYTES} bytes of lowercase hex`);
		const signature = decodeLowerHex(requireString(body, 'signature_hex'), 'signature_hex', 49);
		const signer = state.agents.get(requireString(body, 'signer_id'));
		if (!signer) throw notFound('signer_id: no core client with this ID');
		if (!blsVerify(signer.blsPublicKey, message, signature)) throw forbidden('signature_hex: not a valid BLS signature of message_hash_hex by signer_id');
		return ok();
	});

	router.ws(`${CLIENTS}/:client_id/feed`, 'partner', (socket, req) => {
		const client = ctx.state.hostedClients.get(req.params.client_id);
		// The socket is already open here (the framework authenticates before the handshake, ownership is ours to check).
		if (!client || client.partnerKeyId !== req.principal.keyId) {
			socket.close(4404, 'client_id: no Qredo-hosted core client with this ID for this API key');
			return;
		}
		ctx.feeds.attach(socket, {
			kind: 'custom',
			name: `hosted:${client.id}`,
			render: (event) => (event.kind === 'action' && event.action.member === client.id ? hostedFrame(event.action) : undefined),
		});
		// The hosted feed re-sends every pending action on connect (§4.1); the hub replays only agent and API-key feeds.
		if (ctx.options.feedReplayPending) {
			for (const action of state.actions.values()) {
				if (action.member === client.id && action.status === 'pending') for (const frame of ctx.faults.framesFor(hostedFrame(action))) socket.send(frame);
			}
		}
	});
}
