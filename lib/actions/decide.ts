/**
 * Approve, reject or abstain on one Qredo action, for the v1 agent (protocol §4.1) and Qredo API v2 (§4.2), and the
 * audit record the Approve/Reject node outputs.
 *
 * The flow never signs blindly: it re-reads the action from Qredo, refuses when it is not pending or has expired,
 * signs exactly the bytes Qredo returned, verifies every signature against our own public key before sending, and
 * records the SHA-256 of each signed message. "Already decided" is an outcome, not an error. Nothing secret (BLS
 * key, M-Pin secret, x-api-zkp, x-token) ever reaches the record or an error message.
 */
import { createHash } from 'node:crypto';
import { BLS_PUBLIC_KEY_LENGTH, blsPublicKey, blsSignChecked, blsVerify, parseBlsSecretKey } from '../crypto/bls';
import { BLS_SEED_LENGTH, blsSecretKeyFromSeed } from '../crypto/amclRandom';
import { bytesToHex, hexToBytes, parseBinary } from '../crypto/bytes';
import { normaliseBaseUrl } from '../environments';
import { QredoInputError } from '../errors';
import { getV2Action } from './lookups';
import { actionIdProblem, type ActionProtocol, type ActionStatus, type PendingAction, v2Status } from './action';
import { type AuthScheme, type QredoHttp, qredoRequest, type QredoV2Tokens } from '../transport/request';
import { QredoApiError, QredoTransportError } from '../wire/errors';
import { scrubResponse } from '../wire/redaction';
import { parseAgentCredentials, zkpHeaderSource, type AgentCredentials } from '../auth/agentIdentity';

export type Decision = 'approve' | 'reject' | 'abstain';
/**
 * `expired`: the action can no longer be decided (it expired, e.g. while a human was being asked); nothing was sent.
 * It is an outcome, not an error, so a workflow can route it (to an alert, say) like any other.
 */
export type DecisionOutcome = 'approved' | 'rejected' | 'abstained' | 'alreadyDecided' | 'expired';

/** Signs with a BLS key it never reveals: the key lives only in this closure (JSON and logs show the public key). */
export interface ApproverSigner {
	/** 192-byte AMCL G2 public key, lowercase hex */
	readonly publicKey: string;
	sign(message: Uint8Array): Uint8Array;
}

/**
 * The approver from its BLS private key (48 bytes, hex or base64) or from a Signing Agent v1 `bls_seed` (48 bytes,
 * hex or base64), derived through the AMCL CSPRNG exactly as the agent does. Exactly one must be given.
 */
export function approverFromKeys(keys: { blsPrivateKey?: string | Uint8Array; blsSeed?: string | Uint8Array }): ApproverSigner {
	const hasKey = keys?.blsPrivateKey !== undefined && keys.blsPrivateKey !== '';
	const hasSeed = keys?.blsSeed !== undefined && keys.blsSeed !== '';
	if (hasKey === hasSeed) throw new QredoInputError('blsPrivateKey', 'either a BLS private key or a BLS seed (exactly one)');
	let sk: bigint;
	if (hasKey) {
		sk = parseBlsSecretKey(keys.blsPrivateKey as string | Uint8Array, 'blsPrivateKey');
	} else {
		const seed = keys.blsSeed instanceof Uint8Array ? keys.blsSeed : parseBinary(keys.blsSeed as string, 'blsSeed', BLS_SEED_LENGTH);
		sk = blsSecretKeyFromSeed(seed);
	}
	const publicKey = bytesToHex(blsPublicKey(sk));
	const signer = Object.freeze({
		publicKey,
		sign: (message: Uint8Array) => blsSignChecked(sk, message),
		toJSON: () => ({ publicKey }),
	});
	checkedSigners.add(signer);
	return signer;
}

/** Signers from approverFromKeys: each signature is checked as it is made (blsSignChecked), cheaper than a pairing. */
const checkedSigners = new WeakSet<ApproverSigner>();

/** What the trigger item says about the action (PendingAction fits). */
export type TriggerActionInfo = Partial<Pick<PendingAction, 'actionId' | 'protocol' | 'status' | 'expiresAt'>>;

interface DecideCommon {
	actionId: string;
	decision: Decision;
	/** why; recorded as given */
	reason?: string;
	/** required to approve (v1, v2) and to reject on v2, which signs too */
	approver?: ApproverSigner;
	/** the trigger item, for the status and expiry checks */
	action?: TriggerActionInfo;
	/** who decides, for the record (API key ID or agent ID) */
	approverId?: string;
	/** clock in milliseconds for the expiry checks and the record; default Date.now */
	now?: () => number;
	/** HTTP function; default qredoRequest */
	request?: QredoHttp;
	/** how the decision call is retried after a 5xx, 429, timeout or dropped connection */
	retry?: DecisionRetry;
}

/**
 * The decision call (v2 POST, v1 PUT/DELETE) is not blindly repeated by the transport: after every uncertain failure
 * the flow learns whether Qredo applied it (v2 re-reads the action; v1 repeats the call, whose 409 "already <decision>"
 * says it was) before it tries again, so a retry can never decide twice or decide the other way.
 */
export interface DecisionRetry {
	/** decision calls in all, the first included; default 5 */
	attempts?: number;
	/** first pause between attempts, doubled each time with jitter; default 500 */
	backoffBaseMs?: number;
	/** longest pause; default 8000 */
	backoffMaxMs?: number;
}

export interface DecideV2Input extends DecideCommon {
	protocol: 'v2';
	/** Qredo API v2 base, e.g. https://api-v2.qredo.network/api/v2 */
	baseUrl: string;
	tokens: QredoV2Tokens;
}

export interface DecideV1Input extends DecideCommon {
	protocol: 'v1';
	/** Partner API base (the agent endpoints live there), e.g. https://api.qredo.network/api/v1/p */
	baseUrl: string;
	agentId: string;
	mpin: AgentCredentials;
}

export type DecideInput = DecideV1Input | DecideV2Input;

/** The audit record of one decision. Holds only public values. */
export interface DecisionRecord {
	actionId: string;
	protocol: ActionProtocol;
	decision: Decision;
	outcome: DecisionOutcome;
	reason: string;
	/** API key ID (v2) or agent ID (v1), when known */
	approverId: string | null;
	/** 192-byte BLS public key (hex) of the approver, when one was given */
	approverPublicKey: string | null;
	/** the signatures sent, lowercase hex, one per signed message */
	signatures: string[];
	/** SHA-256 (hex) of each signed message, in order: exactly what was signed */
	messageDigests: string[];
	/** the action's status according to Qredo after the call, when it says */
	actionStatus: ActionStatus | null;
	/** HTTP status of the last call (null when nothing was sent) */
	serverStatus: number | null;
	/** body of the last answer, credential-like fields redacted */
	serverResponse: unknown;
	/** e.g. why the action counts as already decided */
	detail: string | null;
	/** the action's expiry (Unix seconds), when known */
	expiresAt: number | null;
	/** decision calls sent (0 when none was needed); more than 1 after uncertain failures */
	attempts: number;
	/** what went wrong on the attempts before the last, e.g. "attempt 1: 503 Service Unavailable" (no secrets) */
	retriedAfter: string[];
	startedAt: string;
	decidedAt: string;
	durationMs: number;
}

const V2_APPROVE = 3;
const V2_REJECT = 4;

export async function decideAction(input: DecideInput): Promise<DecisionRecord> {
	const now = input.now ?? Date.now;
	const startedMs = now();
	const base = checkCommon(input);
	const record = (fields: Partial<DecisionRecord> & Pick<DecisionRecord, 'outcome'>): DecisionRecord => {
		const decidedMs = now();
		return {
			actionId: input.actionId,
			protocol: input.protocol,
			decision: input.decision,
			reason: base.reason,
			approverId: input.approverId ?? (input.protocol === 'v1' ? input.agentId : null) ?? null,
			approverPublicKey: input.approver?.publicKey ?? null,
			signatures: [],
			messageDigests: [],
			actionStatus: null,
			serverStatus: null,
			serverResponse: null,
			detail: null,
			expiresAt: input.action?.expiresAt ?? null,
			attempts: 0,
			retriedAfter: [],
			...fields,
			startedAt: new Date(startedMs).toISOString(),
			decidedAt: new Date(decidedMs).toISOString(),
			durationMs: Math.max(0, decidedMs - startedMs),
		};
	};

	if (input.decision === 'abstain') {
		return record({ outcome: 'abstained', detail: 'no action taken: the decision is left to the other approvers' });
	}
	// The trigger item's view first: a decided action needs no call, an expired one must not be signed.
	const known = triggerCheck(input, now);
	if (known) return record(known);
	return input.protocol === 'v2' ? decideV2(input, now, record) : decideV1(input, record);
}

type RecordFields = Partial<DecisionRecord> & Pick<DecisionRecord, 'outcome'>;

function checkCommon(input: DecideInput): { reason: string } {
	if (typeof input !== 'object' || input === null) throw new QredoInputError('input', 'the decision parameters');
	if (input.protocol !== 'v1' && input.protocol !== 'v2') throw new QredoInputError('protocol', 'v1 or v2');
	if (!['approve', 'reject', 'abstain'].includes(input.decision)) throw new QredoInputError('decision', 'approve, reject or abstain');
	if (actionIdProblem(input.actionId) !== undefined) throw new QredoInputError('actionId', 'the ID of the action to decide (non-empty, printable, at most 256 characters)');
	const action = input.action;
	if (action?.actionId !== undefined && action.actionId !== input.actionId) {
		throw new QredoInputError('action.actionId', 'the same action ID as actionId', 'the trigger item describes another action');
	}
	if (action?.protocol !== undefined && action.protocol !== input.protocol) {
		throw new QredoInputError('action.protocol', `a ${input.protocol} action`, `the trigger item is a ${action.protocol} action`);
	}
	if (input.reason !== undefined && typeof input.reason !== 'string') throw new QredoInputError('reason', 'a string');
	const needsKey = input.decision === 'approve' || (input.decision === 'reject' && input.protocol === 'v2');
	if (needsKey) requireApprover(input.approver, input.decision, input.protocol);
	else if (input.approver !== undefined && input.approver !== null) requireApprover(input.approver, input.decision, input.protocol);
	decisionRetry(input.retry);
	return { reason: input.reason ?? '' };
}

function requireApprover(approver: ApproverSigner | undefined | null, decision: Decision, protocol: ActionProtocol): ApproverSigner {
	const ok =
		typeof approver === 'object' &&
		approver !== null &&
		typeof approver.sign === 'function' &&
		typeof approver.publicKey === 'string' &&
		/^[0-9a-f]+$/.test(approver.publicKey) &&
		approver.publicKey.length === BLS_PUBLIC_KEY_LENGTH * 2;
	if (!ok) throw new QredoInputError('approver', `a BLS approver key (approverFromKeys) to ${decision} a ${protocol} action`);
	return approver as ApproverSigner;
}

function nowSeconds(now: () => number): number {
	return Math.floor(now() / 1000);
}

function expiredDetail(actionId: string, expiresAt: number, now: () => number): string {
	return `action ${actionId} expired at ${new Date(expiresAt * 1000).toISOString()}, ${nowSeconds(now) - expiresAt} s ago`;
}

/** Decided → an alreadyDecided record; expired → an expired record; another status → a refusal; else undefined (go on). */
function triggerCheck(input: DecideInput, now: () => number): RecordFields | undefined {
	const action = input.action;
	if (!action) return undefined;
	if (action.status === 'approved' || action.status === 'rejected') {
		return { outcome: 'alreadyDecided', actionStatus: action.status, detail: `the trigger item says the action is already ${action.status}` };
	}
	if (action.status === 'expired') return { outcome: 'expired', actionStatus: 'expired', detail: `the trigger item says action ${input.actionId} expired` };
	if (action.status !== undefined && action.status !== 'pending') {
		throw new QredoInputError('actionId', 'a pending action', `action ${input.actionId} is ${action.status} according to the trigger item`);
	}
	if (action.expiresAt !== undefined && nowSeconds(now) >= action.expiresAt) {
		return { outcome: 'expired', actionStatus: 'expired', detail: expiredDetail(input.actionId, action.expiresAt, now) };
	}
	return undefined;
}

function apiBase(url: string, field: string): string {
	if (typeof url !== 'string') throw new QredoInputError(field, 'an absolute http:// or https:// URL');
	return normaliseBaseUrl(url, field);
}

/**
 * Signs one message and checks the signature before anything is sent; also used for the v1 IDDoc. Our own signers
 * use blsSignChecked (a second, blinded computation of the signature, and the pairing check against the key's public
 * key for each key's first signature in the process); any other signer is checked with the pairing every time.
 */
export function signVerified(approver: ApproverSigner, message: Uint8Array, index: number): { signature: string; digest: string } {
	const signature = approver.sign(message);
	// Another signer (a test double, an HSM wrapper) is verified with the pairing against its public key.
	const checked = checkedSigners.has(approver) && signature instanceof Uint8Array;
	if (!checked && (!(signature instanceof Uint8Array) || !blsVerify(hexToBytes(approver.publicKey, 'approver.publicKey'), message, signature))) {
		throw new QredoInputError(
			'approver',
			'a BLS key whose signatures verify against its own public key',
			`self-verification of message ${index} failed; nothing was sent`,
		);
	}
	return { signature: bytesToHex(signature), digest: createHash('sha256').update(message).digest('hex') };
}

/**
 * A 409 whose text says the action is already approved/rejected. The protocol publishes no error codes for this
 * (§7), so the text is all there is; a 409 for any other reason (e.g. closed because the transaction was decided
 * by others) stays an error.
 */
function alreadyDecidedStatus(error: unknown): 'approved' | 'rejected' | undefined {
	if (!(error instanceof QredoApiError) || error.status !== 409) return undefined;
	const text = `${error.msg} ${typeof error.detail?.reason === 'string' ? error.detail.reason : ''}`;
	const match = /already\s+(approved|rejected)/i.exec(text);
	return match ? (match[1].toLowerCase() as 'approved' | 'rejected') : undefined;
}

function alreadyDecidedFields(error: QredoApiError, status: 'approved' | 'rejected', sent: Pick<DecisionRecord, 'signatures' | 'messageDigests'>): RecordFields {
	return {
		outcome: 'alreadyDecided',
		actionStatus: status,
		serverStatus: error.status,
		serverResponse: { code: error.code, msg: error.msg, detail: error.detail ?? null },
		detail: `Qredo says the action is already ${status}`,
		...sent,
	};
}

const DEFAULT_DECISION_RETRY: Required<DecisionRetry> = { attempts: 5, backoffBaseMs: 500, backoffMaxMs: 8000 };

function decisionRetry(retry: DecisionRetry | undefined): Required<DecisionRetry> {
	if (retry !== undefined && (typeof retry !== 'object' || retry === null)) throw new QredoInputError('retry', 'an object {attempts, backoffBaseMs, backoffMaxMs}');
	const policy = { ...DEFAULT_DECISION_RETRY, ...retry };
	if (!Number.isSafeInteger(policy.attempts) || policy.attempts < 1 || policy.attempts > 20) throw new QredoInputError('retry.attempts', 'a whole number from 1 to 20');
	for (const field of ['backoffBaseMs', 'backoffMaxMs'] as const) {
		if (typeof policy[field] !== 'number' || !Number.isFinite(policy[field]) || policy[field] < 0) throw new QredoInputError(`retry.${field}`, 'a non-negative number of milliseconds');
	}
	return policy;
}

/**
 * A failure after which Qredo may or may not have applied the call: 5xx, 429 (once the transport's own 429 retries
 * are spent), a timeout, a dropped connection or an unreadable answer. Anything else (4xx) is a definite refusal.
 */
export function isUncertainFailure(error: unknown): boolean {
	if (error instanceof QredoApiError) return error.status >= 500 || error.status === 429;
	if (error instanceof QredoTransportError) return error.kind === 'network' || error.kind === 'timeout' || error.kind === 'response';
	return false;
}

/** "attempt 2: 503 Service Unavailable" — the kind of failure only, never headers or bodies. */
function failureSummary(attempt: number, error: unknown): string {
	if (error instanceof QredoApiError) return `attempt ${attempt}: HTTP ${error.status}${error.msg ? ` (${error.msg.slice(0, 120)})` : ''}`;
	if (error instanceof QredoTransportError) return `attempt ${attempt}: ${error.kind}${error.code ? ` ${error.code}` : ''}`;
	return `attempt ${attempt}: ${(error as Error)?.name ?? 'error'}`;
}

function retryPause(policy: Required<DecisionRetry>, retry: number): Promise<void> {
	const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** retry);
	return new Promise((resolve) => setTimeout(resolve, ceiling / 2 + (Math.random() * ceiling) / 2));
}

/** What the record says about the decision calls: how many, what was retried, and a note when it took more than one. */
function callFields(attempts: number, failures: string[]): Pick<DecisionRecord, 'attempts' | 'retriedAfter' | 'detail'> {
	const note = failures.length > 0 ? `applied on attempt ${attempts} after ${failures.length} uncertain failure${failures.length === 1 ? '' : 's'}` : null;
	return { attempts, retriedAfter: failures, detail: note };
}

/**
 * A 409 "already <status>" on the decision call. After an uncertain failure, the status we asked for means our earlier
 * attempt was applied (the action belongs to this approver alone); otherwise someone else decided it.
 */
function conflictFields(
	decision: Decision,
	error: QredoApiError,
	already: 'approved' | 'rejected',
	sent: Pick<DecisionRecord, 'signatures' | 'messageDigests'>,
	attempts: number,
	failures: string[],
): RecordFields {
	const appliedByUs = failures.length > 0 && already === (decision === 'approve' ? 'approved' : 'rejected');
	return {
		...alreadyDecidedFields(error, already, sent),
		...(appliedByUs ? { outcome: already, detail: `Qredo applied the ${decision} on an earlier attempt whose answer was lost` } : {}),
		attempts,
		retriedAfter: failures,
	};
}

/** The call could not be confirmed: Qredo may still apply it, so the error says so and never claims a decision. */
function unconfirmed(input: DecideInput, method: string, url: string, attempts: number, failures: string[], last: unknown): QredoTransportError {
	const lastText = last instanceof Error ? `; last: ${last.message}` : '';
	return new QredoTransportError(
		last instanceof QredoTransportError ? last.kind : 'response',
		method,
		url,
		`the ${input.decision} of action ${input.actionId} was not confirmed after ${attempts} attempt${attempts === 1 ? '' : 's'} (${failures.join('; ')})${lastText}. Qredo still shows it pending or could not be asked; the action can be offered again`,
		last instanceof QredoTransportError ? last.code : undefined,
	);
}

async function decideV2(input: DecideV2Input, now: () => number, record: (fields: RecordFields) => DecisionRecord): Promise<DecisionRecord> {
	const base = apiBase(input.baseUrl, 'baseUrl');
	if (typeof input.tokens?.getToken !== 'function') throw new QredoInputError('tokens', 'a Qredo API v2 token source (QredoV2TokenSource)');
	const approver = requireApprover(input.approver, input.decision, 'v2');
	const policy = decisionRetry(input.retry);
	const client = { baseUrl: base, tokens: input.tokens, request: input.request };
	const ours: ActionStatus = input.decision === 'approve' ? 'approved' : 'rejected';
	const url = `${base}/actions/${encodeURIComponent(input.actionId)}`;
	const failures: string[] = [];
	let attempts = 0;
	let sent: Pick<DecisionRecord, 'signatures' | 'messageDigests'> | undefined;

	for (;;) {
		// Read before the first call and again after every uncertain failure: the action's state is the only truth.
		const view = await getV2Action(client, input.actionId).catch((error: unknown) => {
			if (attempts === 0) throw error;
			throw unconfirmed(input, 'POST', url, attempts, failures, error);
		});
		const status = view.statusCode === undefined ? undefined : v2Status(view.statusCode);
		const expiresAt = earliest(view.expireTime, input.action?.expiresAt);
		if (view.statusCode === V2_APPROVE || view.statusCode === V2_REJECT) {
			const appliedByUs = attempts > 0 && status === ours;
			return record({
				outcome: appliedByUs ? ours : 'alreadyDecided',
				actionStatus: status ?? null,
				serverStatus: view.httpStatus,
				serverResponse: scrubResponse(view.body),
				detail: appliedByUs
					? `Qredo applied the ${input.decision}: the answer to ${failures.length === 1 ? 'the call' : 'a call'} was lost, and re-reading the action shows it ${status}`
					: `Qredo says the action is already ${status} (status ${view.statusCode})`,
				expiresAt: expiresAt ?? null,
				attempts,
				retriedAfter: failures,
				...(sent ?? {}),
			});
		}
		const expired =
			status === 'expired'
				? `Qredo says action ${input.actionId} is expired (status ${view.statusCode})`
				: view.statusCode === 1 && expiresAt !== undefined && nowSeconds(now) >= expiresAt
					? expiredDetail(input.actionId, expiresAt, now)
					: undefined;
		if (expired) {
			return record({ outcome: 'expired', actionStatus: 'expired', serverStatus: view.httpStatus, serverResponse: scrubResponse(view.body), detail: expired, expiresAt: expiresAt ?? null, attempts, retriedAfter: failures });
		}
		if (view.statusCode !== 1) {
			const shown = view.statusCode === undefined ? 'has no status' : `has status ${view.statusCode}${status && status !== 'unknown' ? ` (${status})` : ''}`;
			throw new QredoInputError('actionId', 'a pending action (status 1)', `Qredo says action ${input.actionId} ${shown}`);
		}
		if (view.messages.length === 0) {
			throw new QredoTransportError('response', 'GET', `${base}/actions/${encodeURIComponent(input.actionId)}`, 'the pending action has no messages to sign');
		}
		if (attempts >= policy.attempts) throw unconfirmed(input, 'POST', url, attempts, failures, undefined);
		// v2 signs only messages[0], for approve and reject alike (§4.2); BLS signatures are deterministic.
		if (!sent) {
			const { signature, digest } = signVerified(approver, hexToBytes(view.messages[0], 'messages[0]'), 0);
			sent = { signatures: [signature], messageDigests: [digest] };
		}
		const statusCode = input.decision === 'approve' ? V2_APPROVE : V2_REJECT;
		attempts++;
		try {
			const response = await (input.request ?? qredoRequest)({
				method: 'POST',
				url,
				body: { status: statusCode, signatures: sent.signatures },
				auth: { kind: 'qapiV2', tokens: input.tokens },
				idempotent: false,
			});
			const body = response.body;
			const answered = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).status : undefined;
			return record({
				outcome: ours === 'approved' ? 'approved' : 'rejected',
				actionStatus: typeof answered === 'number' ? v2Status(answered) : ours,
				serverStatus: response.status,
				serverResponse: scrubResponse(body),
				expiresAt: expiresAt ?? null,
				...callFields(attempts, failures),
				...sent,
			});
		} catch (error) {
			const already = alreadyDecidedStatus(error);
			if (already) return record({ ...conflictFields(input.decision, error as QredoApiError, already, sent, attempts, failures), expiresAt: expiresAt ?? null });
			if (!isUncertainFailure(error)) throw error;
			failures.push(failureSummary(attempts, error));
			await retryPause(policy, attempts - 1);
		}
	}
}

async function decideV1(input: DecideV1Input, record: (fields: RecordFields) => DecisionRecord): Promise<DecisionRecord> {
	const base = apiBase(input.baseUrl, 'baseUrl');
	if (typeof input.agentId !== 'string' || input.agentId.trim() === '') throw new QredoInputError('agentId', 'the agent ID (accountCode)');
	const credentials = parseAgentCredentials(input.mpin, 'mpin');
	const policy = decisionRetry(input.retry);
	const secrets = [bytesToHex(credentials.clientSecret)];
	// A fresh x-api-zkp for every request and every retry (§1.4).
	const auth: AuthScheme = { kind: 'zkp', header: zkpHeaderSource(credentials) };
	const request = input.request ?? qredoRequest;
	const url = `${base}/coreclient/action/${encodeURIComponent(input.actionId)}`;
	const ours: ActionStatus = input.decision === 'approve' ? 'approved' : 'rejected';

	let sent: Pick<DecisionRecord, 'signatures' | 'messageDigests'> = { signatures: [], messageDigests: [] };
	if (input.decision === 'approve') {
		const approver = requireApprover(input.approver, 'approve', 'v1');
		try {
			const messages = await v1Messages(request, url, auth);
			const signed = messages.map((message, i) => signVerified(approver, message, i));
			sent = { signatures: signed.map((s) => s.signature), messageDigests: signed.map((s) => s.digest) };
		} catch (error) {
			const already = alreadyDecidedStatus(error);
			if (already) return record(alreadyDecidedFields(error as QredoApiError, already, sent));
			throw error;
		}
	}
	// v1 has no status read for the agent: the call itself is repeated, and its 409 "already <decision>" after an
	// uncertain failure says our earlier attempt was applied (the action belongs to this agent alone).
	const failures: string[] = [];
	let attempts = 0;
	for (;;) {
		attempts++;
		try {
			const response =
				input.decision === 'approve'
					? await request({ method: 'PUT', url, body: { signatures: sent.signatures }, auth, idempotent: false })
					: // A v1 reject signs nothing and sends no body (§4.1).
						await request({ method: 'DELETE', url, auth, idempotent: false });
			return record({
				outcome: ours === 'approved' ? 'approved' : 'rejected',
				actionStatus: ours,
				serverStatus: response.status,
				serverResponse: scrubResponse(response.body, secrets),
				...callFields(attempts, failures),
				...sent,
			});
		} catch (error) {
			const already = alreadyDecidedStatus(error);
			if (already) return record(conflictFields(input.decision, error as QredoApiError, already, sent, attempts, failures));
			if (error instanceof QredoApiError && error.status === 410) {
				return record({ outcome: 'expired', actionStatus: 'expired', serverStatus: 410, serverResponse: { code: error.code, msg: error.msg }, detail: `Qredo says action ${input.actionId} expired (410)`, attempts, retriedAfter: failures, ...sent });
			}
			if (!isUncertainFailure(error)) throw error;
			failures.push(failureSummary(attempts, error));
			if (attempts >= policy.attempts) throw unconfirmed(input, input.decision === 'approve' ? 'PUT' : 'DELETE', url, attempts, failures, error);
			await retryPause(policy, attempts - 1);
		}
	}
}

/** GET /coreclient/action/{id} → the messages to sign, hex-decoded, in order (§4.1). */
async function v1Messages(request: QredoHttp, url: string, auth: AuthScheme): Promise<Uint8Array[]> {
	const response = await request({ method: 'GET', url, auth });
	const body = response.body;
	const messages = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).messages : undefined;
	if (!Array.isArray(messages) || messages.length === 0) {
		throw new QredoTransportError('response', 'GET', url, 'expected a non-empty "messages" array to sign');
	}
	return messages.map((message, i) => {
		let bytes: Uint8Array | undefined;
		try {
			bytes = hexToBytes(message as string, `messages[${i}]`);
		} catch {
			bytes = undefined;
		}
		if (bytes === undefined || bytes.length === 0) throw new QredoTransportError('response', 'GET', url, `expected messages[${i}] to be a non-empty hex string`);
		return bytes;
	});
}

function earliest(...values: Array<number | undefined>): number | undefined {
	const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
	return known.length === 0 ? undefined : Math.min(...known);
}

