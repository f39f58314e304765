/**
 * The pending action the trigger emits, normalised from both feeds (protocol §4.1 v1 agent feed, §4.2 v2
 * signrequests), plus the optional detail lookups and the bounded de-duplication set.
 *
 * Parsing is tolerant of unknown fields and strict on what a decision depends on (ID, status, type, expiry,
 * messages, payload): a malformed frame becomes a FeedFrameError result the trigger logs and skips, never an
 * exception that could stop the feed loop.
 */
import type { KeyObject } from 'node:crypto';
import { loadRsaPrivateKey, type NonceSource } from '../auth/partnerApi';
import { base64ToBytes, bytesToHex, hexToBytes } from '../crypto/bytes';
import { QredoInputError } from '../errors';
import { type QredoHttp, qredoRequest, type QredoV2Tokens } from '../transport/request';
import { QredoTransportError } from '../wire/errors';

export type ActionProtocol = 'v1' | 'v2';
/** 'unknown' keeps an unrecognised status visible instead of guessing; only 'pending' actions can be decided. */
export type ActionStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'unknown';

/** What the action is about, normalised from the v2 payload or the Partner API action details. Amounts in base units, as sent. */
export interface ActionDetails {
	source: 'v2-payload' | 'partner-api';
	txId?: string;
	/** e.g. transfer, withdraw (v2 payload `type`, Partner API `txType`) */
	type?: string;
	amount?: number | string;
	asset?: string;
	/** decimal places of the asset, when the payload says */
	scale?: number;
	fees?: number | string;
	netAmount?: number | string;
	/** destination address */
	address?: string;
	recipientName?: string;
	recipientWalletId?: string;
	companyId?: string;
	fundId?: string;
	fundName?: string;
	walletId?: string;
	walletName?: string;
	/** initiator's name, else ID */
	initiator?: string;
	initiatorId?: string;
	reference?: string;
	benefitOf?: string;
	accountNo?: string;
	/** EVM chain of a v2 web3 request (`externalExtension.network.chainID`) */
	chainId?: string | number;
	/** transaction expiry, Unix seconds */
	expires?: number;
	/** the decoded document exactly as the server sent it */
	raw: Record<string, unknown>;
}

export interface PendingAction {
	actionId: string;
	protocol: ActionProtocol;
	status: ActionStatus;
	/** v2: the integer status as sent (1 = pending) */
	statusCode?: number;
	/** v1: ApproveTransfer, ApproveWithdraw, …; v2: the integer type as a string (its meanings are unpublished) */
	type: string;
	/** v2: the integer type as sent */
	typeCode?: number;
	/** Unix seconds, when the frame says */
	createdAt?: number;
	/** Unix seconds; after this the action cannot be decided */
	expiresAt: number;
	/** the member asked to decide: v2 `approverID` (API key ID), v1 `coreClientID` (agent ID) */
	approverId?: string;
	/** v1: the agent ID */
	agentId?: string;
	/** v2 `description` */
	description?: string;
	details?: ActionDetails;
	/** lowercase hex of each message to sign, when known (v2 frames carry them; v1 needs a GET) */
	messages?: string[];
	/** the frame as received (JSON object) */
	raw: Record<string, unknown>;
}

/** Why a frame was skipped. `preview` is the start of the frame on one line (frames carry no secrets). */
export class FeedFrameError extends Error {
	readonly protocol: ActionProtocol;
	readonly field?: string;
	readonly preview: string;

	constructor(protocol: ActionProtocol, text: unknown, problem: string, field?: string) {
		super(`${protocol} feed frame skipped: ${field ? `${field}: ` : ''}${problem}`);
		this.name = 'FeedFrameError';
		this.protocol = protocol;
		if (field !== undefined) this.field = field;
		this.preview = typeof text === 'string' ? text.replace(/\s+/g, ' ').slice(0, 120) : `(${typeof text})`;
	}
}

export type FrameParseResult = { ok: true; action: PendingAction } | { ok: false; error: FeedFrameError };

const MAX_FRAME_CHARS = 4 * 1024 * 1024;
const MAX_ID_LENGTH = 256;
/** Above this a "seconds" value is really milliseconds. */
const MAX_UNIX_SECONDS = 1e11;
const V1_STATUSES: Record<string, ActionStatus> = { pending: 'pending', approved: 'approved', rejected: 'rejected', expired: 'expired' };
/** §4.2: 1 = pending; 3/4 are the approve/reject codes of POST /actions; 5 is the sandbox's expired (UNCONFIRMED upstream). */
const V2_STATUSES: Record<number, ActionStatus> = { 1: 'pending', 3: 'approved', 4: 'rejected', 5: 'expired' };

/** A local failure with the field that caused it; turned into a FeedFrameError result at the top. */
class FieldProblem extends Error {
	constructor(
		readonly field: string,
		problem: string,
	) {
		super(problem);
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireId(value: unknown, field: string): string {
	if (typeof value !== 'string' || value.trim() === '') throw new FieldProblem(field, 'expected a non-empty string');
	if (value.length > MAX_ID_LENGTH || /[\x00-\x1f\x7f]/.test(value)) throw new FieldProblem(field, `expected an ID of at most ${MAX_ID_LENGTH} printable characters`);
	return value;
}

function optionalId(value: unknown, field: string): string | undefined {
	return value === undefined || value === null || value === '' ? undefined : requireId(value, field);
}

/** Unix seconds as an integer (or a string of digits); refuses milliseconds and fractions. */
function unixSeconds(value: unknown, field: string): number {
	const number = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) throw new FieldProblem(field, 'expected Unix seconds as a positive integer');
	if (number >= MAX_UNIX_SECONDS) throw new FieldProblem(field, 'expected Unix seconds (the value looks like milliseconds)');
	return number;
}

function optionalUnixSeconds(value: unknown, field: string): number | undefined {
	return value === undefined || value === null ? undefined : unixSeconds(value, field);
}

function integerCode(value: unknown, field: string): number {
	const number = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw new FieldProblem(field, 'expected an integer');
	return number;
}

function parseObject(protocol: ActionProtocol, text: unknown): Record<string, unknown> | FeedFrameError {
	if (typeof text !== 'string') return new FeedFrameError(protocol, text, 'expected a text frame');
	if (text.length > MAX_FRAME_CHARS) return new FeedFrameError(protocol, text, `expected a frame under ${MAX_FRAME_CHARS} characters`);
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		return new FeedFrameError(protocol, text, 'expected a JSON object, got text that is not JSON');
	}
	if (!isRecord(json)) return new FeedFrameError(protocol, text, `expected a JSON object, got ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}`);
	return json;
}

function parsed(protocol: ActionProtocol, text: string, build: (frame: Record<string, unknown>) => PendingAction): FrameParseResult {
	const frame = parseObject(protocol, text);
	if (frame instanceof FeedFrameError) return { ok: false, error: frame };
	try {
		return { ok: true, action: build(frame) };
	} catch (error) {
		if (error instanceof FieldProblem) return { ok: false, error: new FeedFrameError(protocol, text, error.message, error.field) };
		return { ok: false, error: new FeedFrameError(protocol, text, (error as Error)?.message ?? String(error)) };
	}
}

/**
 * A §4.1 agent-feed frame: {"id","coreClientID","type","status","timestamp","expireTime"}. The older hosted feed
 * says `clientID` instead of `coreClientID`; both are read.
 */
export function parseV1Frame(text: string): FrameParseResult {
	return parsed('v1', text, (frame) => {
		const actionId = requireId(frame.id, 'id');
		if (typeof frame.type !== 'string' || frame.type.trim() === '') throw new FieldProblem('type', 'expected a non-empty string such as ApproveTransfer');
		if (typeof frame.status !== 'string') throw new FieldProblem('status', 'expected a string such as "pending"');
		const agentId = optionalId(frame.coreClientID, 'coreClientID') ?? optionalId(frame.clientID, 'clientID');
		const action: PendingAction = {
			actionId,
			protocol: 'v1',
			status: V1_STATUSES[frame.status.toLowerCase()] ?? 'unknown',
			type: frame.type,
			createdAt: optionalUnixSeconds(frame.timestamp, 'timestamp'),
			expiresAt: unixSeconds(frame.expireTime, 'expireTime'),
			raw: frame,
		};
		if (agentId !== undefined) action.approverId = action.agentId = agentId;
		return withoutUndefined(action);
	});
}

/**
 * A §4.2 signrequests frame. `messages` (standard base64) become hex; `payload` (standard base64 of JSON) becomes
 * `details`. A payload or message that does not decode makes the frame malformed: acting on half a frame is worse
 * than skipping it.
 */
export function parseV2Frame(text: string): FrameParseResult {
	return parsed('v2', text, (frame) => {
		const actionId = requireId(frame.id, 'id');
		const statusCode = integerCode(frame.status, 'status');
		const typeCode = integerCode(frame.type, 'type');
		const action: PendingAction = {
			actionId,
			protocol: 'v2',
			status: V2_STATUSES[statusCode] ?? 'unknown',
			statusCode,
			type: String(typeCode),
			typeCode,
			createdAt: optionalUnixSeconds(frame.created, 'created') ?? optionalUnixSeconds(frame.timestamp, 'timestamp'),
			expiresAt: unixSeconds(frame.expireTime, 'expireTime'),
			approverId: optionalId(frame.approverID, 'approverID'),
			description: typeof frame.description === 'string' && frame.description !== '' ? frame.description : undefined,
			messages: frameMessages(frame.messages),
			details: payloadDetails(frame.payload),
			raw: frame,
		};
		return withoutUndefined(action);
	});
}

function frameMessages(value: unknown): string[] | undefined {
	if (value === undefined || value === null) return undefined;
	if (!Array.isArray(value)) throw new FieldProblem('messages', 'expected an array of base64 strings or null');
	if (value.length === 0) return undefined;
	return value.map((message, i) => {
		try {
			const bytes = base64ToBytes(message as string, `messages[${i}]`);
			if (bytes.length === 0) throw new Error('empty');
			return bytesToHex(bytes);
		} catch {
			throw new FieldProblem(`messages[${i}]`, 'expected a non-empty standard base64 string');
		}
	});
}

function payloadDetails(value: unknown): ActionDetails | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	let document: unknown;
	try {
		document = JSON.parse(Buffer.from(base64ToBytes(value as string, 'payload')).toString('utf8'));
	} catch {
		throw new FieldProblem('payload', 'expected standard base64 of a JSON object');
	}
	if (!isRecord(document)) throw new FieldProblem('payload', 'expected standard base64 of a JSON object');
	return normaliseDetails(document, 'v2-payload');
}

// ---- details ----

function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value === '' ? undefined : value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** Amounts stay as sent: base units may exceed 2^53 (wei), so a numeric string is never converted. */
function amount(value: unknown): number | string | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return value.trim();
	return undefined;
}

function first<T>(read: (value: unknown) => T | undefined, ...values: unknown[]): T | undefined {
	for (const value of values) {
		const result = read(value);
		if (result !== undefined) return result;
	}
	return undefined;
}

function seconds(value: unknown): number | undefined {
	try {
		return optionalUnixSeconds(value, 'expires');
	} catch {
		return undefined;
	}
}

function child(document: Record<string, unknown>, ...path: string[]): unknown {
	let value: unknown = document;
	for (const key of path) value = isRecord(value) ? value[key] : undefined;
	return value;
}

/**
 * One normaliser for both sources: the v2 payload (as the sandbox renders it, plus the EVM chain ID of §6) and the
 * Partner API action details of §3.1 (`txType`, `txID`, `recipientAddress`, `initiatorName`, …). Fields that are
 * absent stay absent; `raw` keeps everything.
 */
export function normaliseDetails(document: Record<string, unknown>, source: ActionDetails['source']): ActionDetails {
	const d = document;
	const recipient = d.recipient;
	const initiator = d.initiator;
	const details: ActionDetails = {
		source,
		txId: first(text, d.txID, d.txId, d.tx_id),
		type: first(text, d.type, d.txType),
		amount: amount(d.amount),
		asset: first(text, d.asset),
		scale: typeof d.scale === 'number' && Number.isSafeInteger(d.scale) ? d.scale : undefined,
		fees: amount(d.fees),
		netAmount: amount(d.netAmount),
		address: first(text, child(d, 'recipient', 'address'), d.recipientAddress, typeof recipient === 'string' ? recipient : undefined, d.address),
		recipientName: first(text, child(d, 'recipient', 'name'), d.recipientAddressName, d.recipientName),
		recipientWalletId: first(text, child(d, 'recipient', 'walletID'), d.recipientID),
		companyId: first(text, child(d, 'company', 'id'), d.companyID),
		fundId: first(text, child(d, 'fund', 'id'), d.fundID),
		fundName: first(text, child(d, 'fund', 'name'), d.fundName),
		walletId: first(text, child(d, 'wallet', 'id'), d.walletID),
		walletName: first(text, child(d, 'wallet', 'name'), d.walletName),
		initiator: first(text, child(d, 'initiator', 'name'), d.initiatorName, typeof initiator === 'string' ? initiator : undefined, child(d, 'initiator', 'id'), d.initiatedBy),
		initiatorId: first(text, child(d, 'initiator', 'id'), d.initiatedBy),
		reference: first(text, d.reference),
		benefitOf: first(text, d.benefitOf),
		accountNo: first(text, d.accountNo),
		chainId: first((v) => (typeof v === 'number' || typeof v === 'string' ? v : undefined), child(d, 'externalExtension', 'network', 'chainID'), d.chainID),
		expires: first(seconds, d.expires),
		raw: document,
	};
	return withoutUndefined(details);
}

function withoutUndefined<T extends object>(value: T): T {
	for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
	return value;
}

// ---- enrichment ----


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
	if (typeof url !== 'string' || !/^https?:\/\//i.test(url.trim())) throw new QredoInputError(field, 'an absolute http(s) base URL');
	return url.trim().replace(/\/+$/, '');
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
	const agentId = requireInputId(options.agentId ?? action.agentId, 'agentId');
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
	if (typeof body.status === 'string') enriched.status = V1_STATUSES[body.status.toLowerCase()] ?? 'unknown';
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
		enriched.status = V2_STATUSES[body.statusCode] ?? 'unknown';
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
	const url = `${baseUrl(client.baseUrl, 'baseUrl')}/actions/${encodeURIComponent(requireInputId(actionId, 'actionId'))}`;
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

function requireInputId(value: unknown, field: string): string {
	if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ID_LENGTH || /[\x00-\x1f\x7f]/.test(value)) {
		throw new QredoInputError(field, `a non-empty ID of at most ${MAX_ID_LENGTH} printable characters`);
	}
	return value;
}

// ---- de-duplication ----

/** [actionId, expiresAt (Unix seconds)]: the serialised form, compact because n8n stores it with the workflow. */
export type SeenEntry = [string, number];

export interface SeenActionsOptions {
	/** most IDs kept; the oldest are evicted first; default 5000 */
	maxSize?: number;
	/** an ID is kept this long past its action's expiry (clock skew, late replays); default 600 */
	marginSeconds?: number;
	/** clock in milliseconds; default Date.now */
	now?: () => number;
}

/**
 * Action IDs already emitted, each kept until its action's expireTime + margin: the feed re-sends pending actions
 * on every reconnect (and may duplicate frames), so an ID must be remembered for as long as the action can be
 * decided, not for a few seconds (peers.md §1: the agent's 6 s window). Bounded: beyond maxSize the oldest go first.
 */
export class SeenActions {
	private readonly entries = new Map<string, number>();
	private readonly maxSize: number;
	private readonly marginSeconds: number;
	private readonly now: () => number;

	constructor(options: SeenActionsOptions = {}) {
		this.maxSize = options.maxSize ?? 5000;
		this.marginSeconds = options.marginSeconds ?? 600;
		this.now = options.now ?? Date.now;
		if (!Number.isSafeInteger(this.maxSize) || this.maxSize < 1) throw new QredoInputError('maxSize', 'a positive integer');
		if (!Number.isFinite(this.marginSeconds) || this.marginSeconds < 0) throw new QredoInputError('marginSeconds', 'a non-negative number of seconds');
	}

	/** Restores a set saved with toJSON(). Entries that are malformed or long expired are dropped, never fatal. */
	static fromJSON(value: unknown, options: SeenActionsOptions = {}): SeenActions {
		const seen = new SeenActions(options);
		if (!Array.isArray(value)) return seen;
		for (const entry of value) {
			if (!Array.isArray(entry) || entry.length !== 2) continue;
			const [id, expiresAt] = entry as unknown[];
			if (typeof id !== 'string' || id === '' || typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) continue;
			seen.entries.set(id, Math.max(expiresAt, seen.entries.get(id) ?? 0));
		}
		seen.prune();
		seen.evictOldest();
		return seen;
	}

	get size(): number {
		return this.entries.size;
	}

	/** True when the ID was recorded and its action (plus margin) has not expired. */
	has(actionId: string): boolean {
		const expiresAt = this.entries.get(actionId);
		return expiresAt !== undefined && !this.isExpired(expiresAt);
	}

	/**
	 * Records the ID; true when it was not already recorded (the first sighting, to emit). A repeat keeps its place
	 * in the eviction order and its later expiry.
	 */
	add(actionId: string, expiresAt: number): boolean {
		if (typeof actionId !== 'string' || actionId === '') throw new QredoInputError('actionId', 'a non-empty string');
		if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) throw new QredoInputError('expiresAt', 'Unix seconds');
		const known = this.has(actionId);
		const previous = this.entries.get(actionId);
		if (previous !== undefined && !known) this.entries.delete(actionId); // expired: a new sighting starts afresh
		this.entries.set(actionId, Math.max(expiresAt, known ? (previous as number) : 0));
		if (this.entries.size > this.maxSize) {
			this.prune();
			this.evictOldest();
		}
		return !known;
	}

	/** Convenience for the trigger: records a parsed action; true on its first sighting. */
	firstSighting(action: Pick<PendingAction, 'actionId' | 'expiresAt'>): boolean {
		return this.add(action.actionId, action.expiresAt);
	}

	/** Forgets expired IDs; returns how many. */
	prune(): number {
		let removed = 0;
		for (const [id, expiresAt] of this.entries) {
			if (this.isExpired(expiresAt)) {
				this.entries.delete(id);
				removed++;
			}
		}
		return removed;
	}

	/** A new array each time (n8n static data must be reassigned, not mutated), oldest first. */
	toJSON(): SeenEntry[] {
		this.prune();
		return [...this.entries].map(([id, expiresAt]): SeenEntry => [id, expiresAt]);
	}

	private isExpired(expiresAt: number): boolean {
		return (expiresAt + this.marginSeconds) * 1000 <= this.now();
	}

	private evictOldest(): void {
		for (const id of this.entries.keys()) {
			if (this.entries.size <= this.maxSize) break;
			this.entries.delete(id);
		}
	}
}
