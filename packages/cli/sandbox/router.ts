/**
 * A small router: each surface module registers its routes with a method, a path pattern (`:name` segments),
 * the auth scheme that guards it, and a handler. The server authenticates before the handler runs and hands it the
 * principal, typed by scheme, so a handler can never forget to check auth.
 *
 *     export function register(router: Router, ctx: SandboxContext): void {
 *         router.get(`${PARTNER_BASE}/company/:company_id`, 'partner', (req) => companyView(ctx.state.company(req.params.company_id)));
 *     }
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { WebSocket } from 'ws';
import type { Agent, PartnerKey, QapiKey, V2ApiKey } from './model';
import { badRequest, type JsonObject, parseJsonObject } from './http';

export const PARTNER_BASE = '/api/v1/p';
export const QAPI_BASE = '/qapi/v1';
export const V2_BASE = '/api/v2';
export const ADMIN_BASE = '/sandbox/admin';

/** A v2 session: the API key behind a valid JWT (x-token) or websocket token (?token=). */
export interface V2Session {
	apiKey: V2ApiKey;
	workspaceId: string;
	/** Unix seconds. */
	expires: number;
}

/** What each auth scheme proves; the handler receives it as `req.principal`. */
export interface Principals {
	/** No auth (the admin API). */
	none: null;
	/** Partner API RSA signature (§1.3). */
	partner: PartnerKey;
	/** Qredo API v1 HMAC headers (§1.1). */
	qapi: QapiKey;
	/** Qredo API v2 HMAC login headers (§1.2 step 1); only the token endpoint uses it. */
	'v2-login': V2ApiKey;
	/** Qredo API v2 `x-token` JWT (§1.2 step 2). */
	'v2-token': V2Session;
	/** The v2 signrequests websocket: `x-token` header or `?token=<wsToken>` (§1.2 step 4). */
	'v2-feed': V2Session;
	/** x-api-zkp M-Pin token of an agent that finished registration (§1.4). */
	zkp: Agent;
	/** x-api-zkp of an agent between /coreclient/init and /coreclient/finish (only finish accepts it). */
	'zkp-registering': Agent;
}

export type AuthScheme = keyof Principals;

export interface SandboxRequest<S extends AuthScheme = AuthScheme> {
	method: string;
	/** The full URL as the client addressed it: scheme, Host header, path and query exactly as sent. */
	url: URL;
	/** `url.href` rebuilt from the raw request line (the bytes clients sign). */
	fullUrl: string;
	path: string;
	params: Record<string, string>;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	/** The exact body bytes; signatures are checked over these. */
	rawBody: Buffer;
	remoteAddress: string;
	principal: Principals[S];
	/** The body as a JSON object (400/415 with the reason when it is not one). */
	json(): JsonObject;
	/** 400 unless the request has no body (e.g. DELETE of an action carries none, §4.1). */
	requireNoBody(): void;
}

export type HttpHandler<S extends AuthScheme> = (req: SandboxRequest<S>) => unknown;
export type WsHandler<S extends AuthScheme> = (socket: WebSocket, req: SandboxRequest<S>) => void;

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

interface Route {
	method: Method | 'WS';
	pattern: string;
	segments: string[];
	auth: AuthScheme;
	handler: HttpHandler<AuthScheme> | WsHandler<AuthScheme>;
}

export interface HttpMatch {
	kind: 'http';
	auth: AuthScheme;
	handler: HttpHandler<AuthScheme>;
	params: Record<string, string>;
}
export interface WsMatch {
	kind: 'ws';
	auth: AuthScheme;
	handler: WsHandler<AuthScheme>;
	params: Record<string, string>;
}

export class Router {
	private readonly routes: Route[] = [];

	get<S extends AuthScheme>(pattern: string, auth: S, handler: HttpHandler<S>): void {
		this.add('GET', pattern, auth, handler);
	}
	post<S extends AuthScheme>(pattern: string, auth: S, handler: HttpHandler<S>): void {
		this.add('POST', pattern, auth, handler);
	}
	put<S extends AuthScheme>(pattern: string, auth: S, handler: HttpHandler<S>): void {
		this.add('PUT', pattern, auth, handler);
	}
	delete<S extends AuthScheme>(pattern: string, auth: S, handler: HttpHandler<S>): void {
		this.add('DELETE', pattern, auth, handler);
	}
	patch<S extends AuthScheme>(pattern: string, auth: S, handler: HttpHandler<S>): void {
		this.add('PATCH', pattern, auth, handler);
	}
	/** A websocket endpoint (GET with Upgrade: websocket). */
	ws<S extends AuthScheme>(pattern: string, auth: S, handler: WsHandler<S>): void {
		this.add('WS', pattern, auth, handler as WsHandler<AuthScheme>);
	}

	// Handlers are stored type-erased; the scheme recorded next to each guarantees the principal type at run time.
	private add(method: Route['method'], pattern: string, auth: AuthScheme, handler: unknown): void {
		if (!pattern.startsWith('/')) throw new Error(`route ${pattern}: expected a path starting with /`);
		const segments = pattern.split('/').slice(1);
		const clash = this.routes.find((r) => r.method === method && r.segments.join('/') === segments.join('/'));
		if (clash) throw new Error(`route ${method} ${pattern} is registered twice`);
		this.routes.push({ method, pattern, segments, auth, handler: handler as Route['handler'] });
	}

	/** Every route, for the README check and the admin index. */
	list(): Array<{ method: string; pattern: string; auth: AuthScheme }> {
		return this.routes.map(({ method, pattern, auth }) => ({ method, pattern, auth }));
	}

	/**
	 * Finds the route for a path. Literal segments beat `:params` at the first position they differ, so
	 * `/company/search` wins over `/company/:company_id`. Returns the allowed methods when only the method is wrong.
	 */
	match(method: string, path: string, upgrade: boolean): HttpMatch | WsMatch | { kind: 'method'; allowed: string[] } | undefined {
		const parts = path.split('/').slice(1);
		const candidates: Array<{ route: Route; params: Record<string, string> }> = [];
		for (const route of this.routes) {
			const params = matchSegments(route.segments, parts);
			if (params) candidates.push({ route, params });
		}
		if (candidates.length === 0) return undefined;
		const wanted = upgrade ? 'WS' : method;
		const hits = candidates.filter((c) => c.route.method === wanted).sort((a, b) => specificity(b.route, a.route));
		const hit = hits[0];
		if (!hit) return { kind: 'method', allowed: [...new Set(candidates.map((c) => (c.route.method === 'WS' ? 'GET (websocket)' : c.route.method)))] };
		return hit.route.method === 'WS'
			? { kind: 'ws', auth: hit.route.auth, handler: hit.route.handler as WsHandler<AuthScheme>, params: hit.params }
			: { kind: 'http', auth: hit.route.auth, handler: hit.route.handler as HttpHandler<AuthScheme>, params: hit.params };
	}
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
	if (pattern.length !== parts.length) return undefined;
	const params: Record<string, string> = {};
	for (let i = 0; i < pattern.length; i++) {
		if (pattern[i].startsWith(':')) {
			if (parts[i] === '') return undefined;
			let value: string;
			try {
				value = decodeURIComponent(parts[i]);
			} catch {
				throw badRequest(`path: segment ${i + 1} is not valid percent-encoding`);
			}
			params[pattern[i].slice(1)] = value;
		} else if (pattern[i] !== parts[i]) return undefined;
	}
	return params;
}

/** Positive when `a` is more specific than `b` (a literal where `b` has a parameter, first difference wins). */
function specificity(a: Route, b: Route): number {
	for (let i = 0; i < a.segments.length; i++) {
		const aLiteral = !a.segments[i].startsWith(':');
		const bLiteral = !b.segments[i].startsWith(':');
		if (aLiteral !== bLiteral) return aLiteral ? 1 : -1;
	}
	return 0;
}

/** Builds the `json()` / `requireNoBody()` helpers over the raw bytes. */
export function bodyHelpers(rawBody: Buffer, contentType: string | undefined): Pick<SandboxRequest, 'json' | 'requireNoBody'> {
	return {
		json: () => parseJsonObject(rawBody, contentType),
		requireNoBody: () => {
			if (rawBody.length > 0) throw badRequest('body: expected no body');
		},
	};
}
