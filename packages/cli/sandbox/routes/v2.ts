/**
 * Qredo API v2 (§1.2, §3.3, §4.2): HMAC login → JWT, refresh, websocket token, API-key BLS/EC registration
 * (effective only once its action is approved with the new key), actions, and the signrequests websocket.
 */
import { issueToken } from '../auth/jwt';
import type { SandboxContext } from '../context';
import { isValidBlsPublicKey, isValidEcPublicKey } from '../crypto';
import { V2_STATUS, V2_TYPE } from '../feeds';
import { badRequest, decodeStdBase64, forbidden, notFound, requireArray } from '../http';
import { type Router, V2_BASE } from '../router';

export const V2_FEED_PATH = `${V2_BASE}/actions/signrequests`;

function requireWorkspace(workspaceId: string, given: string): void {
	if (workspaceId !== given) throw forbidden('workspaceID: expected the workspace of this API key');
}

export function register(router: Router, ctx: SandboxContext): void {
	router.get(`${V2_BASE}/workspaces/:workspaceID/token`, 'v2-login', (req) => {
		requireWorkspace(req.principal.workspaceId, req.params.workspaceID);
		return { token: issueToken(ctx, req.principal, 'access').token };
	});

	router.get(`${V2_BASE}/workspaces/:workspaceID/token/refresh`, 'v2-token', (req) => {
		requireWorkspace(req.principal.workspaceId, req.params.workspaceID);
		return { token: issueToken(ctx, req.principal.apiKey, 'access').token };
	});

	router.post(`${V2_BASE}/websocket/token`, 'v2-token', (req) => ({ wsToken: issueToken(ctx, req.principal.apiKey, 'ws').token }));

	router.put(`${V2_BASE}/workspaces/:workspaceID/apikeys/:keyID`, 'v2-token', (req) => {
		requireWorkspace(req.principal.workspaceId, req.params.workspaceID);
		const target = ctx.state.v2ApiKeys.get(req.params.keyID);
		if (!target || target.workspaceId !== req.principal.workspaceId) throw notFound('keyID: no API key with this ID in this workspace');
		const body = req.json();
		const blsPublicKey = decodeStdBase64(body.blsPublicKey, 'blsPublicKey', 192);
		if (!isValidBlsPublicKey(blsPublicKey)) throw badRequest('blsPublicKey: expected a BLS12-381 G2 point (AMCL encoding x.c0‖x.c1‖y.c0‖y.c1) on the curve');
		const ecPublicKey = decodeStdBase64(body.ecPublicKey, 'ecPublicKey', 65);
		if (!isValidEcPublicKey(ecPublicKey)) throw badRequest('ecPublicKey: expected an uncompressed secp256k1 point (04‖X‖Y) on the curve');
		const action = ctx.state.requestKeyRegistration(target.id, blsPublicKey, ecPublicKey);
		return { actionID: action.id };
	});

	router.get(`${V2_BASE}/workspaces/:workspaceID/apikeys/:keyID`, 'v2-token', (req) => {
		requireWorkspace(req.principal.workspaceId, req.params.workspaceID);
		const key = ctx.state.v2ApiKeys.get(req.params.keyID);
		if (!key || key.workspaceId !== req.principal.workspaceId) throw notFound('keyID: no API key with this ID in this workspace');
		return {
			keyID: key.id,
			name: key.name,
			workspaceID: key.workspaceId,
			blsPublicKey: key.blsPublicKey?.toString('base64') ?? null,
			ecPublicKey: key.ecPublicKey?.toString('base64') ?? null,
			pendingActionID: key.pendingRegistrationActionId ?? null,
			created: key.created,
		};
	});

	router.get(`${V2_BASE}/actions/:actionID`, 'v2-token', (req) => {
		const action = ctx.state.actionOf(req.params.actionID, req.principal.apiKey.id);
		// SA2 decodes these messages as hex (§4.2, §7 item 10), unlike the base64 of the feed frames.
		return {
			id: action.id,
			type: V2_TYPE[action.type],
			status: V2_STATUS[action.status],
			messages: action.messages.map((m) => m.toString('hex')),
			created: action.created,
			expireTime: action.expireTime,
		};
	});

	router.post(`${V2_BASE}/actions/:actionID`, 'v2-token', (req) => {
		const body = req.json();
		if (body.status !== V2_STATUS.approved && body.status !== V2_STATUS.rejected) {
			throw badRequest('status: expected 3 (approve) or 4 (reject) as a JSON number');
		}
		const signatures = requireArray(body, 'signatures');
		const action = ctx.state.decide({
			actionId: req.params.actionID,
			member: req.principal.apiKey.id,
			decision: body.status === V2_STATUS.approved ? 'approve' : 'reject',
			signatures,
		});
		return { id: action.id, status: V2_STATUS[action.status] };
	});

	router.ws(V2_FEED_PATH, 'v2-feed', (socket, req) => ctx.feeds.attach(socket, { kind: 'apikey', id: req.principal.apiKey.id }));
}
