/**
 * The one way the Qredo node talks to Qredo. Every operation, list search and option loader calls
 * `qredoApiRequest`; it resolves the credential once per execution, signs through lib/transport (exact bytes,
 * Retry-After, 5xx only when idempotent) and turns every failure into an n8n error that carries Qredo's code, msg and
 * reason but never a header, key or signature.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INode,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { QredoInputError } from '../../lib/errors';
import { qredoRequest } from '../../lib/transport/request';
import { QredoApiError, QredoTransportError } from '../../lib/wire/errors';
import { qredoApiAccess, type QredoApiAccess, type QredoSurface, surfaceAccess, text } from '../shared/qredoApiCredential';

export type QredoContext = IExecuteFunctions | ILoadOptionsFunctions;

export const SURFACE_NAMES: Record<QredoSurface, string> = {
	partnerApi: 'Partner API',
	qapiV1: 'Qredo API v1',
	qapiV2: 'Qredo API v2',
};

export const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 60;
export const DEFAULT_TIMEOUT_SECONDS = 30;

export interface QredoApiCall {
	surface: QredoSurface;
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	/** path below the surface's base URL, built with `apiPath` */
	path: string;
	query?: Record<string, string | number | boolean | undefined>;
	body?: IDataObject;
	/** a POST that may be repeated safely (e.g. a fee quote); GET, PUT and DELETE are idempotent anyway */
	idempotent?: boolean;
	itemIndex?: number;
	/** added to the error description when the call fails */
	failureHint?: string;
	/**
	 * The idempotency key this create sends. On failure it is put on the error (and in the Continue On Fail
	 * output) with advice to retry with the same value, since the create may have happened.
	 */
	partnerTxId?: string;
}

interface ResolvedCredential {
	access: QredoApiAccess;
	/** API v2 IDs the v2 paths need; not secrets, but never echoed in outputs either */
	qapiV2WorkspaceId: string;
	qapiV2ApiKeyId: string;
}

/** One resolved credential per execution (and per option-loading call): one RSA key parse, one v2 login. */
const credentialCache = new WeakMap<object, Promise<ResolvedCredential>>();

async function resolveCredential(context: QredoContext): Promise<ResolvedCredential> {
	const data: ICredentialDataDecryptedObject = await context.getCredentials('qredoApi');
	return {
		access: qredoApiAccess(data),
		qapiV2WorkspaceId: text(data, 'qapiV2WorkspaceId'),
		qapiV2ApiKeyId: text(data, 'qapiV2ApiKeyId'),
	};
}

export function credentialFor(context: QredoContext): Promise<ResolvedCredential> {
	let resolved = credentialCache.get(context);
	if (resolved === undefined) {
		resolved = resolveCredential(context);
		// A failed resolution is not cached: the error surfaces for this item, and the next item may try again.
		resolved.catch(() => credentialCache.delete(context));
		credentialCache.set(context, resolved);
	}
	return resolved;
}

/** A path from segments; every non-literal segment is percent-encoded. */
export function apiPath(...segments: string[]): string {
	return '/' + segments.map((segment) => encodeURIComponent(segment)).join('/');
}

function isExecuteContext(context: QredoContext): context is IExecuteFunctions {
	return typeof (context as IExecuteFunctions).getInputData === 'function';
}

interface RequestSettings {
	maxRateLimitWaitSeconds: number;
	timeoutSeconds: number;
}

function requestSettings(context: QredoContext, itemIndex: number): RequestSettings {
	const options = isExecuteContext(context) ? (context.getNodeParameter('requestOptions', itemIndex, {}) as IDataObject) : {};
	const seconds = (value: unknown, fallback: number, field: string, min: number): number => {
		if (value === undefined || value === null || value === '') return fallback;
		if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
			throw new QredoInputError(field, `a number of seconds, ${min} or more`);
		}
		return value;
	};
	return {
		maxRateLimitWaitSeconds: seconds(options.maxRateLimitWait, DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS, 'Max Wait on Rate Limit (Seconds)', 0),
		timeoutSeconds: seconds(options.timeout, DEFAULT_TIMEOUT_SECONDS, 'Timeout (Seconds)', 1),
	};
}

export async function qredoApiRequest(this: QredoContext, call: QredoApiCall): Promise<IDataObject> {
	const itemIndex = call.itemIndex ?? 0;
	try {
		const { access } = await credentialFor(this);
		const { baseUrl, auth } = surfaceAccess(access, call.surface);
		const settings = requestSettings(this, itemIndex);
		const response = await qredoRequest<unknown>({
			method: call.method,
			url: baseUrl + call.path,
			query: call.query,
			body: call.body,
			auth,
			idempotent: call.idempotent,
			timeoutMs: settings.timeoutSeconds * 1000,
			retry: { maxRetryAfterMs: settings.maxRateLimitWaitSeconds * 1000 },
			signal: isExecuteContext(this) ? this.getExecutionCancelSignal?.() : undefined,
		});
		const body = response.body;
		if (body === undefined) return {};
		// Every documented answer is a JSON object; anything else is kept rather than dropped.
		return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as IDataObject) : { data: body as IDataObject[] };
	} catch (error) {
		const retryAdvice =
			call.partnerTxId === undefined
				? undefined
				: `If you retry, set Partner Transaction ID to ${call.partnerTxId}: Qredo then recognises a request it already received instead of creating a second one.`;
		const nodeError = asNodeError(this.getNode(), error, {
			itemIndex,
			surface: call.surface,
			idempotent: call.idempotent ?? call.method !== 'POST',
			hint: [call.failureHint, retryAdvice].filter(Boolean).join('\n') || undefined,
		});
		if (call.partnerTxId !== undefined) nodeError.context.partnerTxId = call.partnerTxId;
		throw nodeError;
	}
}

export interface PagedListOptions {
	/** the list property of each page (the Partner API ledger says `List`) */
	listKey: string;
	/** the property holding the total count (`Total`) */
	totalKey: string;
	returnAll: boolean;
	/** how many items to return when returnAll is false */
	limit: number;
	pageSize?: number;
}

const DEFAULT_PAGE_SIZE = 100;
/** A runaway guard: a server that ignores `offset` would otherwise be asked for the same page forever. */
const MAX_PAGES = 10_000;

/** Return All / Limit over `offset` + `limit` paging (protocol §3.4: the Partner API ledger). */
export async function qredoApiRequestAllItems(this: QredoContext, call: QredoApiCall, options: PagedListOptions): Promise<IDataObject[]> {
	const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
	const items: IDataObject[] = [];
	for (let page = 0; page < MAX_PAGES; page++) {
		const wanted = options.returnAll ? pageSize : Math.min(pageSize, options.limit - items.length);
		if (wanted <= 0) break;
		const body = await qredoApiRequest.call(this, { ...call, query: { ...call.query, offset: items.length, limit: wanted } });
		const list = listIn(body, options.listKey);
		items.push(...list);
		const total = body[options.totalKey] ?? body[options.totalKey.toLowerCase()];
		if (list.length < wanted || (typeof total === 'number' && items.length >= total)) break;
	}
	return options.returnAll ? items : items.slice(0, options.limit);
}

/** The array under `key` (also its lower-case spelling); an absent or null list is empty. */
export function listIn(body: IDataObject, key: string): IDataObject[] {
	const value = body[key] ?? body[key.toLowerCase()];
	return Array.isArray(value) ? (value as IDataObject[]) : [];
}

/** "401 errPartnerAuth (reason: signature)": status, Qredo's msg, its code when it differs, and the reason. */
export function describeApiError(error: QredoApiError): string {
	const reason = typeof error.detail?.reason === 'string' && error.detail.reason !== '' ? ` (reason: ${error.detail.reason})` : '';
	const code = String(error.code) !== String(error.status) ? ` [code ${error.code}]` : '';
	return `${error.status} ${error.msg || 'error'}${code}${reason}`;
}

function pathOf(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return '';
	}
}

function statusHint(error: QredoApiError, surface: QredoSurface | undefined, idempotent: boolean): string | undefined {
	const section = surface ? `the ${SURFACE_NAMES[surface]} section of the Qredo API credential` : 'the Qredo API credential';
	if (error.status === 401) return `Qredo did not accept the request's authentication: check ${section}, and that this machine's clock is correct.`;
	if (error.status === 403) return 'The API key is not allowed to access this resource.';
	if (error.status === 404) return 'Check the IDs: Qredo found no such resource for this API key.';
	if (error.status === 429) {
		const wait = error.retryAfterSeconds !== undefined ? ` Qredo asked to wait ${error.retryAfterSeconds} s.` : '';
		return `Qredo is rate-limiting these requests.${wait} Raise "Max Wait on Rate Limit" in the node's Request Options, or run the workflow less often.`;
	}
	if (error.status >= 500 && !idempotent) return 'Qredo failed to process the request; it was not repeated automatically because repeating it could act twice.';
	if (error.status >= 500) return 'Qredo failed to process the request, also after retries.';
	return undefined;
}

export interface ErrorContext {
	itemIndex?: number;
	surface?: QredoSurface;
	/** whether the failed call was retried on 5xx (changes the advice) */
	idempotent?: boolean;
	hint?: string;
}

/**
 * Maps anything an operation throws to an n8n error. Qredo's answers become NodeApiError (message
 * "Qredo Partner API: 409 Conflict (reason: …)", httpCode, description with code/msg/detail and the request path);
 * input mistakes become NodeOperationError naming the field. Neither carries request headers.
 */
export function asNodeError(node: INode, error: unknown, context: ErrorContext = {}): NodeApiError | NodeOperationError {
	const { itemIndex } = context;
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (itemIndex !== undefined && error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	const surfaceName = context.surface ? `Qredo ${SURFACE_NAMES[context.surface]}` : 'Qredo';
	if (error instanceof QredoApiError) {
		const detail = error.detail ? JSON.stringify(error.detail) : 'none';
		const description = [
			`code: ${error.code}; msg: ${error.msg || '(none)'}; detail: ${detail}`,
			`Request: ${error.method} ${pathOf(error.url)}`,
			statusHint(error, context.surface, context.idempotent ?? error.method !== 'POST'),
			context.hint,
		]
			.filter((line) => line !== undefined)
			.join('\n');
		const response: JsonObject = { code: error.code, msg: error.msg, httpCode: String(error.status) };
		if (error.detail) response.detail = error.detail as JsonObject;
		return new NodeApiError(node, response, {
			message: `${surfaceName}: ${describeApiError(error)}`,
			description,
			httpCode: String(error.status),
			itemIndex,
		});
	}
	if (error instanceof QredoTransportError) {
		const hint =
			error.kind === 'timeout'
				? 'Raise "Timeout (Seconds)" in the node\'s Request Options if Qredo is slow to answer.'
				: error.kind === 'aborted'
					? 'The execution was cancelled.'
					: `Check that the ${context.surface ? SURFACE_NAMES[context.surface] : 'Qredo'} base URL of the credential's environment is reachable.`;
		return new NodeApiError(
			node,
			{ message: error.message, kind: error.kind },
			{ message: `${surfaceName}: ${error.message}`, description: [hint, context.hint].filter(Boolean).join('\n'), itemIndex },
		);
	}
	if (error instanceof QredoInputError) {
		return new NodeOperationError(node, error.message, { itemIndex, description: context.hint });
	}
	return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
}
