/**
 * Qredo API v2 session tokens (§1.2): the sandbox issues HS256 JWTs with an `exp` claim (SA2 reads it to refresh
 * at TTL/2). Access tokens travel in `x-token`; websocket tokens (POST /websocket/token) only in `?token=` on the
 * signrequests websocket. Each kind is refused where the other belongs.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SandboxContext } from '../context';
import type { V2Session } from '../router';
import type { V2ApiKey } from '../model';
import { header, type SignedParts, unauthorized } from './common';

export type TokenKind = 'access' | 'ws';

interface Claims {
	iss: string;
	sub: string;
	wsid: string;
	typ: TokenKind;
	iat: number;
	exp: number;
	jti: string;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function mac(ctx: SandboxContext, signingInput: string): Buffer {
	return createHmac('sha256', ctx.jwtKey).update(signingInput).digest();
}

export function issueToken(ctx: SandboxContext, apiKey: V2ApiKey, kind: TokenKind): { token: string; expires: number } {
	const iat = ctx.nowSeconds();
	const exp = iat + (kind === 'access' ? ctx.options.jwtTtlSeconds : ctx.options.wsTokenTtlSeconds);
	const claims: Claims = { iss: 'qredo-sandbox', sub: apiKey.id, wsid: apiKey.workspaceId, typ: kind, iat, exp, jti: randomUUID() };
	const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
	return { token: `${signingInput}.${mac(ctx, signingInput).toString('base64url')}`, expires: exp };
}

/** Verifies signature, algorithm, kind and expiry; returns the session. `name` is the header or parameter it came in. */
export function verifyToken(ctx: SandboxContext, token: string, kind: TokenKind, name: string): V2Session {
	const parts = token.split('.');
	if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) throw unauthorized(`${name}: expected a JWT (three base64url parts)`);
	let header: { alg?: unknown };
	let claims: Partial<Claims>;
	try {
		header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
		claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
	} catch {
		throw unauthorized(`${name}: expected a JWT with JSON header and claims`);
	}
	if (header.alg !== 'HS256') throw unauthorized(`${name}: expected a token issued by Qredo (alg HS256)`);
	const expected = mac(ctx, `${parts[0]}.${parts[1]}`);
	const sent = Buffer.from(parts[2], 'base64url');
	if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) throw unauthorized(`${name}: expected a token issued by Qredo (signature does not verify)`);
	if (claims.typ !== kind) {
		throw unauthorized(kind === 'ws' ? `${name}: expected a websocket token from POST /websocket/token` : `${name}: expected an access token from GET /workspaces/{id}/token (a websocket token only works as ?token=)`);
	}
	if (typeof claims.exp !== 'number' || claims.exp <= ctx.nowSeconds()) throw unauthorized(`${name}: token expired; expected a current token (refresh or log in again)`);
	const apiKey = typeof claims.sub === 'string' ? ctx.state.v2ApiKeys.get(claims.sub) : undefined;
	if (!apiKey || apiKey.workspaceId !== claims.wsid) throw unauthorized(`${name}: expected a token of an existing API key`);
	return { apiKey, workspaceId: apiKey.workspaceId, expires: claims.exp };
}

/** `x-token: <JWT>` (§1.2 step 2). */
export function verifyAccessToken(ctx: SandboxContext, parts: SignedParts): V2Session {
	const token = header(parts.headers, 'x-token');
	if (!token) throw unauthorized('x-token: expected the JWT from GET /workspaces/{id}/token');
	return verifyToken(ctx, token, 'access', 'x-token');
}

/** The signrequests websocket: `x-token` header, or `?token=<wsToken>` when the client cannot set headers (§1.2 step 4). */
export function verifyFeedToken(ctx: SandboxContext, parts: SignedParts): V2Session {
	const queryToken = parts.query.get('token');
	const headerToken = header(parts.headers, 'x-token');
	if (queryToken !== null && headerToken !== undefined) throw unauthorized('x-token / token: expected one credential, not both');
	if (headerToken !== undefined) return verifyToken(ctx, headerToken, 'access', 'x-token');
	if (queryToken) return verifyToken(ctx, queryToken, 'ws', 'token');
	throw unauthorized('x-token: expected the x-token header or a ?token= websocket token');
}
