/**
 * What every route module receives: options, state, the clock, feeds, faults and the shared helpers that must
 * behave the same on every surface (rate limits, URLs).
 */
import type { Faults } from './faults';
import type { FeedHub } from './feeds';
import { tooManyRequests } from './http';
import type { ResolvedOptions, SandboxLogger } from './options';
import type { SandboxState } from './governance';

export interface SandboxContext {
	options: ResolvedOptions;
	state: SandboxState;
	log: SandboxLogger;
	faults: Faults;
	feeds: FeedHub;
	/** HS256 key for v2 JWTs; lives as long as the server. */
	jwtKey: Buffer;
	/** Sandbox clock, milliseconds. */
	now(): number;
	/** Sandbox clock, Unix seconds. */
	nowSeconds(): number;
	/** Puts the sandbox clock this many milliseconds ahead of real time (negative: behind). */
	setClockOffset(ms: number): void;
	clockOffsetMs(): number;
	/** x-api-zkp tokens seen (ID + U) with the ET they carried, for replay refusal inside the time bound. */
	zkpSeen: Map<string, number>;
}

/**
 * Qredo limits fund creation ("1 request per 15 s on funds", §3.4, UNCONFIRMED); the sandbox enforces it per
 * company with `fundCreationIntervalMs`. The Partner API fund-creation route must call this before creating.
 */
export function enforceFundCreationRate(ctx: SandboxContext, companyId: string): void {
	const waitMs = ctx.state.takeRateSlot(`fund-create:${companyId}`, ctx.options.fundCreationIntervalMs);
	if (waitMs > 0) {
		throw tooManyRequests(`fund: at most one fund creation per ${ctx.options.fundCreationIntervalMs / 1000} s per company; retry after ${Math.ceil(waitMs / 1000)} s`, waitMs / 1000);
	}
}

/** The base URL a client used (scheme and Host), e.g. http://127.0.0.1:8080, from a request's full URL. */
export function originOf(url: URL): string {
	return `${url.protocol}//${url.host}`;
}

/** The websocket URL of a path on the host the client used (http → ws). */
export function wsUrlFor(url: URL, path: string): string {
	return `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}${path}`;
}
