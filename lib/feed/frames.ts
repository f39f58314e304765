/**
 * Feed frames into pending actions (docs/protocol.md §4.1 v1 agent feed, §4.2 v2 signrequests). Tolerant of unknown
 * fields and strict on what a decision depends on (ID, status, type, expiry, messages, payload): a malformed frame
 * becomes a FeedFrameError result the trigger logs and skips, never an exception that could stop the feed loop.
 */
import { actionIdProblem, type ActionDetails, type ActionProtocol, isRecord, normaliseDetails, type PendingAction, unixSecondsProblem, v1Status, v2Status, withoutUndefined } from '../actions/action';
import { base64ToBytes, bytesToHex } from '../crypto/bytes';

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

/** A local failure with the field that caused it; turned into a FeedFrameError result at the top. */
class FieldProblem extends Error {
	constructor(
		readonly field: string,
		problem: string,
	) {
		super(problem);
	}
}

function requireId(value: unknown, field: string): string {
	const problem = actionIdProblem(value);
	if (problem !== undefined) throw new FieldProblem(field, problem);
	return value as string;
}

function optionalId(value: unknown, field: string): string | undefined {
	return value === undefined || value === null || value === '' ? undefined : requireId(value, field);
}

/** Unix seconds as an integer (or a string of digits); refuses milliseconds and fractions. */
function unixSeconds(value: unknown, field: string): number {
	const result = unixSecondsProblem(value);
	if ('problem' in result) throw new FieldProblem(field, result.problem);
	return result.seconds;
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
			status: v1Status(frame.status),
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
			status: v2Status(statusCode),
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
