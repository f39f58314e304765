/**
 * What Qredo says about one action now: the Partner API details of a v1 action (§3.1) and `GET /actions/{id}` of a v2
 * action (§3.3). Used by the trigger to fill in an action and by decideAction to re-read it before and after a decision.
 */
import type { KeyObject } from 'node:crypto';
import { loadRsaPrivateKey, type NonceSource } from '../auth/partnerApi';
import { bytesToHex, hexToBytes } from '../crypto/bytes';
import { normaliseBaseUrl } from '../environments';
import { QredoInputError } from '../errors';
import { type QredoHttp, qredoRequest, type QredoV2Tokens } from '../transport/request';
import { QredoTransportError } from '../wire/errors';
import { isRecord, normaliseDetails, type PendingAction, requireActionId, seconds, v1Status, v2Status } from './action';

export interface PartnerApiAccess {
	/** Partner API base, e.g. https://api.qredo.network/api/v1/p */
	baseUrl: string;
	apiKey: string;
	/** RSA private key: a KeyObject, or PEM text (loadRsaPrivateKey formats) */
	privateKey: KeyObject | string;
	nonce?: NonceSource;
}

export interface EnrichV1Options {
	/** without it the action is returned unchanged (details stay undefined) */
	partner?: PartnerApiAccess;
	agentId: string;
	/** HTTP function; default qredoRequest */
	request?: QredoHttp;
}

function baseUrl(url: string, field: string): string {
	if (typeof url !== 'string') throw new QredoInputError(field, 'an absolute http:// or https:// URL');
	return normaliseBaseUrl(url, field);
}

function sameAction(action: PendingAction, body: Record<string, unknown>, method: string, url: string): void {
	if (body.id !== undefined && body.id !== action.actionId) {
		throw new QredoTransportError('response', method, url, 'the response describes a different action ID');
	}
}

/**
 * v1 frames carry no details (§4.1). With a Partner API key, reads them from
 * `GET /coreclient/{agentId}/action/{actionId}` (§3.1) and returns a new action with `details` and the server's
 * current status and expiry; without one, returns the action unchanged.
 */
export async function enrichV1Action(action: PendingAction, options: EnrichV1Options): Promise<PendingAction> {
	if (action.protocol !== 'v1') throw new QredoInputError('action.protocol', 'a v1 action (use enrichV2Action for v2)');
	if (!options.partner) return action;
	const { partner } = options;
	const agentId = requireActionId(options.agentId ?? action.agentId, 'agentId');
	const url = `${baseUrl(partner.baseUrl, 'partner.baseUrl')}/coreclient/${encodeURIComponent(agentId)}/action/${encodeURIComponent(action.actionId)}`;
	const privateKey = typeof partner.privateKey === 'string' ? loadRsaPrivateKey(partner.privateKey, 'partner.privateKey') : partner.privateKey;
	const response = await (options.request ?? qredoRequest)({
		method: 'GET',
		url,
		auth: { kind: 'partner', apiKey: partner.apiKey, privateKey, nonce: partner.nonce },
	});
	const body = response.body;
	if (!isRecord(body)) throw new QredoTransportError('response', 'GET', url, 'expected a JSON object describing the action');
	sameAction(action, body, 'GET', url);
	const enriched: PendingAction = { ...action };
	if (isRecord(body.details)) enriched.details = normaliseDetails(body.details, 'partner-api');
	if (typeof body.status === 'string') enriched.status = v1Status(body.status);
	const expiresAt = seconds(body.expireTime);
	if (expiresAt !== undefined) enriched.expiresAt = expiresAt;
	return enriched;
}

export interface QredoV2Access {
	/** Qredo API v2 base, e.g. https://api-v2.qredo.network/api/v2 */
	baseUrl: string;
	tokens: QredoV2Tokens;
	/** HTTP function; default qredoRequest */
	request?: QredoHttp;
}

/**
 * A v2 frame normally carries its messages; when it does not, reads `GET /actions/{id}` (§3.3, messages in hex)
 * and returns a new action with them and the server's current status. Actions that have messages are returned as they are.
 */
export async function enrichV2Action(action: PendingAction, client: QredoV2Access): Promise<PendingAction> {
	if (action.protocol !== 'v2') throw new QredoInputError('action.protocol', 'a v2 action (use enrichV1Action for v1)');
	if (action.messages !== undefined && action.messages.length > 0) return action;
	const body = await getV2Action(client, action.actionId);
	const enriched: PendingAction = { ...action, messages: body.messages };
	if (body.statusCode !== undefined) {
		enriched.statusCode = body.statusCode;
		enriched.status = v2Status(body.statusCode);
	}
	if (body.expireTime !== undefined) enriched.expiresAt = body.expireTime;
	return enriched;
}

export interface V2ActionView {
	statusCode?: number;
	messages: string[];
	expireTime?: number;
	/** the body as received */
	body: Record<string, unknown>;
	httpStatus: number;
}

/** GET /actions/{id}: status, messages (hex, validated) and expiry. Shared with decideAction. */
export async function getV2Action(client: QredoV2Access, actionId: string): Promise<V2ActionView> {
	const url = `${baseUrl(client.baseUrl, 'baseUrl')}/actions/${encodeURIComponent(requireActionId(actionId, 'actionId'))}`;
	const response = await (client.request ?? qredoRequest)({ method: 'GET', url, auth: { kind: 'qapiV2', tokens: client.tokens } });
	const body = response.body;
	if (!isRecord(body)) throw new QredoTransportError('response', 'GET', url, 'expected a JSON object describing the action');
	if (body.id !== undefined && body.id !== actionId) throw new QredoTransportError('response', 'GET', url, 'the response describes a different action ID');
	const messages = body.messages === undefined || body.messages === null ? [] : body.messages;
	if (!Array.isArray(messages)) throw new QredoTransportError('response', 'GET', url, 'expected "messages" to be an array of hex strings');
	const hexMessages = messages.map((message, i) => {
		try {
			return bytesToHex(hexToBytes(message as string, `messages[${i}]`));
		} catch {
			throw new QredoTransportError('response', 'GET', url, `expected messages[${i}] to be a hex string`);
		}
	});
	const statusCode = typeof body.status === 'number' && Number.isSafeInteger(body.status) ? body.status : undefined;
	return { statusCode, messages: hexMessages, expireTime: seconds(body.expireTime), body, httpStatus: response.status };
}
