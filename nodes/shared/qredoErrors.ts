/**
 * How every Qredo node turns a failure into an n8n error: Qredo's answers become NodeApiError (message
 * "Qredo Partner API: 409 Conflict (reason: …)", httpCode, a description with code/msg/detail, the request path and
 * advice), transport failures NodeApiError with what to check, input mistakes NodeOperationError naming the field.
 * None of them carries a request header, key or signature (lib/wire/errors scrubs what Qredo echoes).
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { QredoInputError } from '../../lib/errors';
import { SURFACE_NAMES } from '../../lib/environments';
import { QredoApiError, QredoTransportError } from '../../lib/wire/errors';
import type { QredoSurface } from './qredoApiCredential';

export { SURFACE_NAMES };

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

function statusHint(error: QredoApiError, context: ErrorContext, idempotent: boolean): string | undefined {
	const credential = context.credential ?? 'Qredo API';
	const section = context.surface ? `the ${SURFACE_NAMES[context.surface]} section of the ${credential} credential` : `the ${credential} credential`;
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
	/** the credential type's display name, for advice on a 401 (default "Qredo API") */
	credential?: string;
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
			statusHint(error, context, context.idempotent ?? error.method !== 'POST'),
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
		const hints: Record<QredoTransportError['kind'], string> = {
			timeout: 'Raise "Timeout (Seconds)" in the node\'s Request Options if Qredo is slow to answer.',
			aborted: 'The execution was cancelled.',
			response: 'Qredo answered with something other than what its API documents; nothing further was sent.',
			request: 'The request could not be built from the given values.',
			network: `Check that the ${context.surface ? SURFACE_NAMES[context.surface] : 'Qredo'} base URL of the ${context.credential ?? 'Qredo API'} credential's environment is reachable (through HTTPS_PROXY when one is set).`,
			egress: "Allow the Qredo host in n8n's outbound network policy (N8N_SSRF_ALLOWED_HOSTNAMES or N8N_SSRF_ALLOWED_IP_RANGES).",
		};
		const hint = hints[error.kind];
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
