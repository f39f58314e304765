/**
 * Registering an approver identity with Qredo, as the Signing Agent does it (protocol §5.4), without running an agent:
 * - v1: generate keys → RSA-signed POST /coreclient/init → x-api-zkp POST /coreclient/finish with the BLS signature
 *   of the IDDoc → agent ID, feed URL, M-Pin identity and client secret.
 * - v2: generate keys → HMAC login → PUT /workspaces/{ws}/apikeys/{key} with the public keys → the returned action is
 *   approved with the NEW BLS key (decideAction), which makes the keys effective.
 * The results hold private keys and the M-Pin client secret: callers store them, never log them.
 */
import type { KeyObject } from 'node:crypto';
import { loadRsaPrivateKey, type NonceSource } from './auth/partnerApi';
import { QredoV2TokenSource } from './transport/v2Tokens';
import { approverFromKeys, decideAction, signVerified, type DecisionRecord } from './actions/decide';
import { zkpHeaderSource } from './auth/agentIdentity';
import { BLS_PUBLIC_KEY_LENGTH, G1_UNCOMPRESSED_LENGTH, blsPublicKey, parseBlsSecretKey } from './crypto/bls';
import { bytesToBase64, bytesToHex, hexToBytes } from './crypto/bytes';
import { EC_PUBLIC_KEY_LENGTH, ecPublicKey, generateKeys, parseEcPrivateKey, type QredoKeyPair } from './crypto/keys';
import { QredoInputError } from './errors';
import { normaliseBaseUrl } from './environments';
import { agentFeedUrl } from './feed/dial';
import type { QredoHttp } from './transport/request';
import { qredoRequest } from './transport/request';
import { QredoTransportError } from './wire/errors';

export type RegistrationStep = 'init' | 'finish' | 'register-keys' | 'approve-keys';

/** A registration that failed part-way; says which step and what the server already holds. Never carries secrets. */
export class RegistrationError extends Error {
	readonly step: RegistrationStep;
	readonly cause: unknown;
	/** v1: the agent init created (left pending, unusable) */
	readonly agentId?: string;
	/** v2: the key-registration action left pending */
	readonly actionId?: string;

	constructor(step: RegistrationStep, cause: unknown, message: string, ids: { agentId?: string; actionId?: string } = {}) {
		super(`${message}: ${(cause as Error)?.message ?? String(cause)}`);
		this.name = 'RegistrationError';
		this.step = step;
		this.cause = cause;
		if (ids.agentId !== undefined) this.agentId = ids.agentId;
		if (ids.actionId !== undefined) this.actionId = ids.actionId;
	}
}

/** Checks a caller-supplied key pair: the public keys must be those of the private keys. */
function checkedKeys(keys: QredoKeyPair | undefined): QredoKeyPair {
	if (keys === undefined) return generateKeys();
	if (typeof keys !== 'object' || keys === null) throw new QredoInputError('keys', 'a key pair {blsPrivateKey, blsPublicKey, ecPrivateKey, ecPublicKey}');
	const bls = bytesToHex(blsPublicKey(parseBlsSecretKey(keys.blsPrivateKey, 'keys.blsPrivateKey')));
	if (typeof keys.blsPublicKey !== 'string' || keys.blsPublicKey.toLowerCase() !== bls) {
		throw new QredoInputError('keys.blsPublicKey', 'the public key of keys.blsPrivateKey (192 bytes, hex)');
	}
	const ec = bytesToHex(ecPublicKey(parseEcPrivateKey(keys.ecPrivateKey, 'keys.ecPrivateKey')));
	if (typeof keys.ecPublicKey !== 'string' || keys.ecPublicKey.toLowerCase() !== ec) {
		throw new QredoInputError('keys.ecPublicKey', 'the uncompressed public key of keys.ecPrivateKey (65 bytes, hex)');
	}
	return { blsPrivateKey: bytesToHex(hexToBytes(keys.blsPrivateKey, 'keys.blsPrivateKey')), blsPublicKey: bls, ecPrivateKey: bytesToHex(hexToBytes(keys.ecPrivateKey, 'keys.ecPrivateKey')), ecPublicKey: ec };
}

function requireText(value: unknown, field: string, expected: string): string {
	if (typeof value !== 'string' || value.trim() === '') throw new QredoInputError(field, expected);
	return value.trim();
}

function responseHex(body: Record<string, unknown>, name: string, url: string, length?: number): string {
	const value = body[name];
	let bytes: Uint8Array | undefined;
	try {
		bytes = hexToBytes(value as string, name, length);
	} catch {
		bytes = undefined;
	}
	if (bytes === undefined || bytes.length === 0) {
		throw new QredoTransportError('response', 'POST', url, `expected "${name}" as ${length === undefined ? 'non-empty hex' : `${length} bytes of hex`}`);
	}
	return bytesToHex(bytes);
}

function responseObject(body: unknown, method: string, url: string): Record<string, unknown> {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new QredoTransportError('response', method, url, 'expected a JSON object');
	return body as Record<string, unknown>;
}

export interface RegisterAgentV1Input {
	/** Partner API base, e.g. https://api.qredo.network/api/v1/p */
	partnerBaseUrl: string;
	/** the agent's name (at most 256 characters) */
	name: string;
	partnerApiKey: string;
	/** the Partner API RSA private key: a KeyObject or PEM text */
	rsaPrivateKey: KeyObject | string;
	/** default: a fresh key pair (generateKeys) */
	keys?: QredoKeyPair;
	nonce?: NonceSource;
	request?: QredoHttp;
}

export interface AgentRegistration {
	/** the agent ID (accountCode): add it as a trusted party and custody-group member */
	agentId: string;
	name: string;
	/** the agent feed (wss://…/coreclient/feed) */
	feedUrl: string;
	partnerBaseUrl: string;
	/** `clientID`: hex of the M-Pin identity (not secret by itself) */
	mpinIdentity: string;
	/** SECRET: hex of the 97-byte M-Pin client secret */
	mpinClientSecret: string;
	/** SECRET: contains the BLS and EC private keys */
	keys: QredoKeyPair;
}

export async function registerAgentV1(input: RegisterAgentV1Input): Promise<AgentRegistration> {
	const base = normaliseBaseUrl(requireText(input.partnerBaseUrl, 'partnerBaseUrl', 'the Partner API base URL'), 'partnerBaseUrl');
	const name = requireText(input.name, 'name', 'the agent name');
	if (name.length > 256) throw new QredoInputError('name', 'an agent name of at most 256 characters');
	const apiKey = requireText(input.partnerApiKey, 'partnerApiKey', 'the Partner API key');
	const privateKey = typeof input.rsaPrivateKey === 'string' ? loadRsaPrivateKey(input.rsaPrivateKey, 'rsaPrivateKey') : input.rsaPrivateKey;
	const keys = checkedKeys(input.keys);
	const approver = approverFromKeys({ blsPrivateKey: keys.blsPrivateKey });
	const request = input.request ?? qredoRequest;

	const initUrl = `${base}/coreclient/init`;
	let init: { agentId: string; mpinIdentity: string; mpinClientSecret: string; idDoc: string };
	try {
		const response = await request({
			method: 'POST',
			url: initUrl,
			body: { name, blsPublicKey: keys.blsPublicKey, ecPublicKey: keys.ecPublicKey },
			auth: { kind: 'partner', apiKey, privateKey, nonce: input.nonce },
		});
		const body = responseObject(response.body, 'POST', initUrl);
		const agentId = body.accountCode ?? body.id;
		if (typeof agentId !== 'string' || agentId === '') throw new QredoTransportError('response', 'POST', initUrl, 'expected "accountCode" (the agent ID)');
		init = {
			agentId,
			mpinIdentity: responseHex(body, 'clientID', initUrl),
			mpinClientSecret: responseHex(body, 'clientSecret', initUrl, G1_UNCOMPRESSED_LENGTH),
			idDoc: responseHex(body, 'idDoc', initUrl),
		};
	} catch (error) {
		throw new RegistrationError('init', error, 'v1 registration failed at POST /coreclient/init');
	}

	const finishUrl = `${base}/coreclient/finish`;
	let feedUrl: string;
	try {
		// The IDDoc is signed as Qredo sent it (hex-decoded bytes), and checked against our key before it leaves.
		const { signature } = signVerified(approver, hexToBytes(init.idDoc, 'idDoc'), 0);
		const response = await request({
			method: 'POST',
			url: finishUrl,
			body: { idDocSignatureHex: signature },
			auth: { kind: 'zkp', header: zkpHeaderSource({ identity: init.mpinIdentity, clientSecret: init.mpinClientSecret }) },
		});
		const feed = responseObject(response.body, 'POST', finishUrl).feed;
		feedUrl = typeof feed === 'string' && /^wss?:\/\/[^/]/i.test(feed) ? feed : agentFeedUrl(base);
	} catch (error) {
		throw new RegistrationError(
			'finish',
			error,
			`v1 registration failed at POST /coreclient/finish (init created agent ${init.agentId}, which stays pending and unusable; register again)`,
			{ agentId: init.agentId },
		);
	}
	return { agentId: init.agentId, name, feedUrl, partnerBaseUrl: base, mpinIdentity: init.mpinIdentity, mpinClientSecret: init.mpinClientSecret, keys };
}

export interface RegisterApiKeyV2Input {
	/** Qredo API v2 base, e.g. https://api-v2.qredo.network/api/v2 */
	baseUrl: string;
	apiKeyId: string;
	/** base64 API secret */
	apiSecret: string;
	workspaceId: string;
	/** default: a fresh key pair (generateKeys) */
	keys?: QredoKeyPair;
	request?: QredoHttp;
}

export interface ApiKeyRegistration {
	apiKeyId: string;
	workspaceId: string;
	/** the key-registration action, approved with the new BLS key */
	actionId: string;
	/** SECRET: contains the BLS and EC private keys */
	keys: QredoKeyPair;
	/** the audit record of approving the registration action */
	decision: DecisionRecord;
}

export async function registerApiKeyV2(input: RegisterApiKeyV2Input): Promise<ApiKeyRegistration> {
	const base = normaliseBaseUrl(requireText(input.baseUrl, 'baseUrl', 'the Qredo API v2 base URL'), 'baseUrl');
	const apiKeyId = requireText(input.apiKeyId, 'apiKeyId', 'the API key ID');
	const workspaceId = requireText(input.workspaceId, 'workspaceId', 'the workspace ID');
	const keys = checkedKeys(input.keys);
	const approver = approverFromKeys({ blsPrivateKey: keys.blsPrivateKey });
	const tokens = new QredoV2TokenSource({ baseUrl: base, workspaceId, apiKeyId, apiSecret: input.apiSecret, request: input.request });
	const request = input.request ?? qredoRequest;

	const url = `${base}/workspaces/${encodeURIComponent(workspaceId)}/apikeys/${encodeURIComponent(apiKeyId)}`;
	let actionId: string;
	try {
		const response = await request({
			method: 'PUT',
			url,
			body: {
				blsPublicKey: bytesToBase64(hexToBytes(keys.blsPublicKey, 'keys.blsPublicKey', BLS_PUBLIC_KEY_LENGTH)),
				ecPublicKey: bytesToBase64(hexToBytes(keys.ecPublicKey, 'keys.ecPublicKey', EC_PUBLIC_KEY_LENGTH)),
			},
			auth: { kind: 'qapiV2', tokens },
		});
		const id = responseObject(response.body, 'PUT', url).actionID;
		if (typeof id !== 'string' || id === '') throw new QredoTransportError('response', 'PUT', url, 'expected "actionID" (the key-registration action)');
		actionId = id;
	} catch (error) {
		throw new RegistrationError('register-keys', error, 'v2 registration failed at PUT /workspaces/{workspaceID}/apikeys/{keyID}');
	}

	let decision: DecisionRecord;
	try {
		decision = await decideAction({
			protocol: 'v2',
			actionId,
			decision: 'approve',
			reason: `register the new BLS and EC public keys of API key ${apiKeyId}`,
			approver,
			approverId: apiKeyId,
			baseUrl: base,
			tokens,
			request: input.request,
		});
	} catch (error) {
		throw new RegistrationError('approve-keys', error, `v2 registration failed approving key-registration action ${actionId}`, { actionId });
	}
	if (decision.outcome !== 'approved') {
		throw new RegistrationError('approve-keys', new Error(decision.detail ?? decision.outcome), `v2 registration: action ${actionId} was not approved with the new key`, { actionId });
	}
	return { apiKeyId, workspaceId, actionId, keys, decision };
}
