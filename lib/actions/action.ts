/**
 * The pending action as the package knows it (docs/protocol.md §4.1 v1 agent feed, §4.2 v2 signrequests): its model,
 * the status codes of both protocols, the ID check every entry point shares, and the details normalised from either
 * source (the v2 payload, the Partner API action). No I/O here.
 */
import { QredoInputError } from '../errors';

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

const MAX_ID_LENGTH = 256;
/** Above this a "seconds" value is really milliseconds. */
const MAX_UNIX_SECONDS = 1e11;
const V1_STATUSES: Record<string, ActionStatus> = { pending: 'pending', approved: 'approved', rejected: 'rejected', expired: 'expired' };
/** §4.2: 1 = pending; 3/4 are the approve/reject codes of POST /actions; 5 is the sandbox's expired (UNCONFIRMED upstream). */
const V2_STATUSES: Record<number, ActionStatus> = { 1: 'pending', 3: 'approved', 4: 'rejected', 5: 'expired' };

/** The status of a v1 action from its text (feed frame or Partner API); anything else is 'unknown'. */
export function v1Status(value: string): ActionStatus {
	return V1_STATUSES[value.toLowerCase()] ?? 'unknown';
}

/** The status of a v2 action from its integer code; anything else is 'unknown'. */
export function v2Status(code: number): ActionStatus {
	return V2_STATUSES[code] ?? 'unknown';
}

/** Why `value` is not an action ID (a non-empty string of at most 256 printable characters), or undefined if it is one. */
export function actionIdProblem(value: unknown): string | undefined {
	if (typeof value !== 'string' || value.trim() === '') return 'expected a non-empty string';
	if (value.length > MAX_ID_LENGTH || /[\x00-\x1f\x7f]/.test(value)) return `expected an ID of at most ${MAX_ID_LENGTH} printable characters`;
	return undefined;
}

/** An action ID (or agent ID) given by a caller; QredoInputError naming `field` otherwise. */
export function requireActionId(value: unknown, field: string): string {
	if (actionIdProblem(value) !== undefined) throw new QredoInputError(field, `a non-empty ID of at most ${MAX_ID_LENGTH} printable characters`);
	return value as string;
}

/** Unix seconds as an integer (or a string of digits), else why not: refuses milliseconds and fractions. */
export function unixSecondsProblem(value: unknown): { seconds: number } | { problem: string } {
	const number = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) return { problem: 'expected Unix seconds as a positive integer' };
	if (number >= MAX_UNIX_SECONDS) return { problem: 'expected Unix seconds (the value looks like milliseconds)' };
	return { seconds: number };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function withoutUndefined<T extends object>(value: T): T {
	for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
	return value;
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

/** Unix seconds, or undefined for anything else (details are informative; a bad value is left out). */
export function seconds(value: unknown): number | undefined {
	const result = unixSecondsProblem(value);
	return 'seconds' in result ? result.seconds : undefined;
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
