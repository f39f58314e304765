/**
 * Hand-built client requests for the sandbox tests, written from the protocol reference (docs/protocol.md) (node:crypto for RSA and
 * HMAC), not from lib/auth: a test must be able to get one detail wrong on purpose. M-Pin tokens and BLS
 * signatures come from lib/crypto's vector-pinned client functions.
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { blsSign, parseBlsSecretKey } from '../../../lib/crypto/bls';
import { generateKeys, type QredoKeyPair } from '../../../lib/crypto/keys';
import { zkpHeaderValue } from '../../../lib/crypto/mpin';
import { type RawData, WebSocket } from '../../../lib/vendor/ws';
import type { RunningSandbox } from '../../../packages/cli/sandbox/server';

export interface Response {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

/** One HTTP request with full control over headers and body bytes (node:http sets Host from the URL). */
export function send(method: string, url: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Response> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(url, { method, headers: body !== undefined ? { 'content-length': String(Buffer.byteLength(body)), ...headers } : headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json: unknown;
				try {
					json = text ? JSON.parse(text) : undefined;
				} catch {
					json = undefined;
				}
				resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
			});
		});
		req.on('error', reject);
		if (body !== undefined) req.write(body);
		req.end();
	});
}

export const admin = (sb: RunningSandbox, method: string, path: string, body?: unknown) =>
	send(method, `${sb.urls.admin}${path}`, body === undefined ? {} : { 'content-type': 'application/json' }, body === undefined ? undefined : JSON.stringify(body));

// ---- Partner API (§1.3) ----

export interface PartnerIdentity {
	apiKey: string;
	privateKey: KeyObject | string;
}

export function newRsaKeyPair() {
	return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** Registers a fresh RSA key with the sandbox (admin API) and returns the identity to sign with. */
export async function newPartnerIdentity(sb: RunningSandbox): Promise<PartnerIdentity> {
	const { publicKey, privateKey } = newRsaKeyPair();
	const res = await admin(sb, 'POST', '/partner-keys', { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
	return { apiKey: res.json.apiKey, privateKey };
}

export interface PartnerSignOptions {
	timestamp?: number | string;
	nonce?: number | bigint | string;
	/** Sign this instead of the URL requested (to get the URL wrong on purpose). */
	signedUrl?: string;
	/** Sign this instead of the body sent. */
	signedBody?: string;
	/** Sign with this key instead of the identity's. */
	signingKey?: KeyObject | string;
	/** Extra or overriding headers. */
	headers?: Record<string, string>;
}

/** x-api-key, x-sign and x-timestamp|x-nonce: sign = base64url-nopad(RSA-SHA256(ts|nonce + fullURL + body)). */
export function partnerHeaders(identity: PartnerIdentity, url: string, body: string, opts: PartnerSignOptions = {}): Record<string, string> {
	const useNonce = opts.nonce !== undefined;
	const stamp = String(useNonce ? opts.nonce : (opts.timestamp ?? Math.floor(Date.now() / 1000)));
	const payload = Buffer.from(stamp + (opts.signedUrl ?? url) + (opts.signedBody ?? body), 'utf8');
	const signature = sign('sha256', payload, opts.signingKey ?? identity.privateKey).toString('base64url');
	return {
		accept: 'application/json',
		'x-api-key': identity.apiKey,
		'x-sign': signature,
		[useNonce ? 'x-nonce' : 'x-timestamp']: stamp,
		...(body ? { 'content-type': 'application/json' } : {}),
		...opts.headers,
	};
}

export function partnerSend(identity: PartnerIdentity, method: string, url: string, body = '', opts: PartnerSignOptions = {}): Promise<Response> {
	return send(method, url, partnerHeaders(identity, url, body, opts), body === '' ? undefined : body);
}

// ---- Qredo API HMAC (§1.1, §1.2) ----

/** base64url-nopad(HMAC-SHA256(base64decode(secret), ts + METHOD + fullURL + body)). */
export function hmacSign(secret: string, ts: string, method: string, url: string, body = ''): string {
	return createHmac('sha256', Buffer.from(secret, 'base64')).update(ts + method + url + body).digest('base64url');
}

export function qapiHeaders(keyId: string, secret: string, method: string, url: string, body = '', ts = String(Math.floor(Date.now() / 1000))) {
	return { 'qredo-api-key': keyId, 'qredo-api-ts': ts, 'qredo-api-sig': hmacSign(secret, ts, method, url, body), accept: 'application/json' };
}

export function v2LoginHeaders(keyId: string, secret: string, url: string, ts = String(Math.floor(Date.now() / 1000))) {
	return { 'qredo-api-key': keyId, 'qredo-api-timestamp': ts, 'qredo-api-signature': hmacSign(secret, ts, 'GET', url) };
}

// ---- agents (§1.4, §3.1, §4.1) ----

export interface AgentIdentity {
	id: string;
	clientID: string;
	clientSecret: string;
	keys: QredoKeyPair;
	idDoc: string;
}

export function zkp(agent: Pick<AgentIdentity, 'clientID' | 'clientSecret'>, timestamp = Math.floor(Date.now() / 1000)): string {
	return zkpHeaderValue({ id: Buffer.from(agent.clientID, 'hex'), clientSecret: Buffer.from(agent.clientSecret, 'hex'), timestamp });
}

export function blsSignHex(blsPrivateKeyHex: string, message: Uint8Array): string {
	return Buffer.from(blsSign(parseBlsSecretKey(blsPrivateKeyHex), message)).toString('hex');
}

/** POST /coreclient/init (RSA) then /coreclient/finish (x-api-zkp, IDDoc signed with the new BLS key). */
export async function registerAgent(sb: RunningSandbox, partner: PartnerIdentity, name = 'test-agent', finish = true): Promise<AgentIdentity> {
	const keys = generateKeys();
	const body = JSON.stringify({ name, blsPublicKey: keys.blsPublicKey, ecPublicKey: keys.ecPublicKey });
	const init = await partnerSend(partner, 'POST', `${sb.urls.partner}/coreclient/init`, body);
	if (init.status !== 200) throw new Error(`init failed: ${init.status} ${init.text}`);
	const agent: AgentIdentity = { id: init.json.id, clientID: init.json.clientID, clientSecret: init.json.clientSecret, keys, idDoc: init.json.idDoc };
	if (finish) {
		const res = await finishAgent(sb, agent);
		if (res.status !== 200) throw new Error(`finish failed: ${res.status} ${res.text}`);
	}
	return agent;
}

export function finishAgent(sb: RunningSandbox, agent: AgentIdentity, signature = blsSignHex(agent.keys.blsPrivateKey, Buffer.from(agent.idDoc, 'hex'))) {
	return send('POST', `${sb.urls.partner}/coreclient/finish`, { 'x-api-zkp': zkp(agent), 'content-type': 'application/json' }, JSON.stringify({ idDocSignatureHex: signature }));
}

// ---- v2 (§1.2, §3.3) ----

export interface V2Identity {
	keyId: string;
	secret: string;
	workspaceId: string;
	keys: QredoKeyPair;
	token: string;
}

export async function v2Login(sb: RunningSandbox, keyId: string, secret: string, workspaceId: string): Promise<string> {
	const url = `${sb.urls.v2}/workspaces/${workspaceId}/token`;
	const res = await send('GET', url, v2LoginHeaders(keyId, secret, url));
	if (res.status !== 200) throw new Error(`v2 login failed: ${res.status} ${res.text}`);
	return res.json.token;
}

/** A new v2 API key (admin), logged in, with BLS/EC keys registered and the registration approved with the new key. */
export async function newV2Identity(sb: RunningSandbox, workspaceId?: string): Promise<V2Identity> {
	const created = (await admin(sb, 'POST', '/v2-apikeys', workspaceId ? { workspaceId } : {})).json;
	const token = await v2Login(sb, created.keyId, created.secret, created.workspaceId);
	const keys = generateKeys();
	const put = await send(
		'PUT',
		`${sb.urls.v2}/workspaces/${created.workspaceId}/apikeys/${created.keyId}`,
		{ 'x-token': token, 'content-type': 'application/json' },
		JSON.stringify({ blsPublicKey: Buffer.from(keys.blsPublicKey, 'hex').toString('base64'), ecPublicKey: Buffer.from(keys.ecPublicKey, 'hex').toString('base64') }),
	);
	if (put.status !== 200) throw new Error(`apikeys PUT failed: ${put.status} ${put.text}`);
	const identity = { keyId: created.keyId, secret: created.secret, workspaceId: created.workspaceId, keys, token };
	const approved = await v2Decide(sb, identity, put.json.actionID, 3);
	if (approved.status !== 200) throw new Error(`key registration approval failed: ${approved.status} ${approved.text}`);
	return identity;
}

/** GET /actions/{id}, sign messages[0] (hex) with the identity's BLS key, POST {status, signatures}. */
export async function v2Decide(sb: RunningSandbox, identity: Pick<V2Identity, 'token' | 'keys'>, actionId: string, status: 3 | 4, signWith = identity.keys.blsPrivateKey): Promise<Response> {
	const got = await send('GET', `${sb.urls.v2}/actions/${actionId}`, { 'x-token': identity.token });
	if (got.status !== 200) return got;
	const signature = blsSignHex(signWith, Buffer.from(got.json.messages[0], 'hex'));
	return send('POST', `${sb.urls.v2}/actions/${actionId}`, { 'x-token': identity.token, 'content-type': 'application/json' }, JSON.stringify({ status, signatures: [signature] }));
}

// ---- websockets ----

export class Feed {
	readonly frames: string[] = [];
	private waiters: Array<() => void> = [];
	closed?: { code: number };

	constructor(readonly ws: WebSocket) {
		ws.on('message', (data: RawData) => {
			this.frames.push(data.toString());
			this.waiters.splice(0).forEach((w) => w());
		});
		ws.on('close', (code: number) => {
			this.closed = { code };
			this.waiters.splice(0).forEach((w) => w());
		});
	}

	/** The next unread frame (text), waiting up to `timeoutMs`. */
	async next(timeoutMs = 3000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		while (this.frames.length === 0) {
			if (this.closed) throw new Error(`feed closed (${this.closed.code}) while waiting for a frame`);
			const left = deadline - Date.now();
			if (left <= 0) throw new Error('timed out waiting for a feed frame');
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, left);
				this.waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
		return this.frames.shift() as string;
	}

	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	async nextJson(timeoutMs?: number): Promise<any> {
		return JSON.parse(await this.next(timeoutMs));
	}

	/** Resolves when the socket closes. */
	async waitClosed(timeoutMs = 3000): Promise<{ code: number }> {
		const deadline = Date.now() + timeoutMs;
		while (!this.closed) {
			if (Date.now() > deadline) throw new Error('timed out waiting for the feed to close');
			await new Promise((r) => setTimeout(r, 20));
		}
		return this.closed;
	}

	close(): void {
		this.ws.terminate();
	}
}

/** Connects; resolves on open, rejects with `{status, body}` when the server refuses the upgrade. */
export function openFeed(url: string, headers: Record<string, string> = {}): Promise<Feed> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url, { headers });
		const feed = new Feed(ws);
		ws.once('open', () => resolve(feed));
		ws.once('unexpected-response', (_req, res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const body = Buffer.concat(chunks).toString('utf8');
				reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), { status: res.statusCode, body, headers: res.headers }));
			});
		});
		ws.once('error', (error) => reject(error));
	});
}

/** Expects the upgrade to be refused; returns the status and parsed error body. */
export async function refusedFeed(url: string, headers: Record<string, string> = {}): Promise<{ status: number; json: { code: number; msg: string; detail: { reason: string } } | undefined; headers: Record<string, unknown> }> {
	try {
		const feed = await openFeed(url, headers);
		feed.close();
	} catch (error) {
		const e = error as { status?: number; body?: string; headers?: Record<string, unknown> };
		if (e.status === undefined) throw error;
		return { status: e.status, json: e.body ? JSON.parse(e.body) : undefined, headers: e.headers ?? {} };
	}
	throw new Error('expected the upgrade to be refused, but it was accepted');
}

/** A test clock that only moves when told to. */
export function testClock(start = Date.now()) {
	let now = start;
	return {
		now: () => now,
		advance(ms: number) {
			now += ms;
		},
		seconds: () => Math.floor(now / 1000),
	};
}

/** A fund in `company` whose custody group (transfers and withdrawals) is `members` with `threshold`, with one funded wallet per asset. */
export async function newFund(sb: RunningSandbox, companyId: string, members: string[], threshold: number, assets: Array<{ asset: string; balance: number }> = [{ asset: 'ETH', balance: 10_000_000_000 }]) {
	const res = await admin(sb, 'POST', '/funds', {
		companyId,
		name: 'Test fund',
		custodygroupTx: { threshold, members },
		custodygroupWithdraw: { threshold, members },
		wallets: assets,
	});
	if (res.status !== 201) throw new Error(`fund creation failed: ${res.status} ${res.text}`);
	return res.json as { fundId: string; wallets: Array<{ walletId: string; asset: string; address: string; shortCode: string }> };
}

/** Error bodies must have Qredo's shape. */
/** The answer is Qredo's error shape with this status, and its reason names `field` first. */
export function assertQredoError(res: Response, status: number, field: string): void {
	assert.equal(res.status, status, res.text);
	assert.ok(isQredoError(res.json, status), `not Qredo's error shape: ${res.text}`);
	assert.ok(res.json.detail.reason.startsWith(field), `reason should name ${field}: ${res.json.detail.reason}`);
}

export function isQredoError(json: unknown, code: number): boolean {
	const body = json as { code?: unknown; msg?: unknown; detail?: { reason?: unknown } };
	return body?.code === code && typeof body.msg === 'string' && typeof body.detail?.reason === 'string' && Object.keys(body).sort().join() === 'code,detail,msg';
}
