/**
 * The one way the Qredo node talks to Qredo. Every operation, list search and option loader calls
 * `qredoApiRequest`; it resolves the credential once per execution, signs through lib/transport (exact bytes,
 * Retry-After, 5xx only when idempotent) and turns every failure into an n8n error that carries Qredo's code, msg and
 * reason but never a header, key or signature.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { QredoInputError } from '../../lib/errors';
import { qredoRequest } from '../../lib/transport/request';
import { qredoApiAccess, type QredoApiAccess, type QredoSurface, surfaceAccess, text } from '../shared/qredoApiCredential';
import { asNodeError } from '../shared/qredoErrors';

export type QredoContext = IExecuteFunctions | ILoadOptionsFunctions;

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
