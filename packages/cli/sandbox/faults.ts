/**
 * Fault switches the admin API flips so clients can be tested against a misbehaving Qredo: forced 5xx/429
 * answers, latency, refused or dropped feed connections, duplicate and malformed feed frames.
 * Durations use real time (not the injectable clock), so a frozen test clock cannot make a fault last forever.
 */
import { QredoHttpError, tooManyRequests } from './http';

export type FaultScope = 'http' | 'feeds' | 'all';

export interface FailNextFault {
	remaining: number;
	status: number;
	retryAfterSeconds?: number;
	scope: FaultScope;
}

/**
 * A fault aimed at matching requests: `before` answers (or drops) instead of routing, so nothing is applied;
 * `after` lets the route apply the request and then answers with the fault or drops the connection, so the client
 * cannot tell whether it happened (the hardest case for a decision).
 */
export interface FaultRule {
	/** HTTP method, upper case; any when absent */
	method?: string;
	/** a regular expression the request path (without query) must match; any when absent */
	path?: string;
	/** how many matching requests it hits, then it is spent */
	count: number;
	/** 'before' (default) or 'after' the route ran */
	when?: 'before' | 'after';
	/** a 5xx or 429 status, 'drop' (the socket is destroyed without an answer) or 'pass' (only the delay) */
	effect: number | 'drop' | 'pass';
	/** waits this long first (a slow Qredo; a window in which a client can die with its request in flight) */
	delayMs?: number;
	retryAfterSeconds?: number;
}

interface ArmedRule extends FaultRule {
	remaining: number;
	pattern?: RegExp;
	hits: number;
}

export interface FaultSettings {
	failNext?: { count: number; status: number; retryAfterSeconds?: number; scope?: FaultScope };
	latencyMs?: number;
	latencyScope?: FaultScope;
	duplicateFrames?: number;
	malformedFrames?: number;
	/** replaces the armed rules (an empty array clears them) */
	rules?: FaultRule[];
}

/** The malformed frames sent in turn: not JSON, a JSON array, an object without an id, a truncated object. */
export const MALFORMED_FRAMES = ['this is not json', '[1,2,3]', '{"status":"pending","type":"ApproveTransfer"}', '{"id":"'];

/** A forced 429 (always with Retry-After) or 5xx (with Retry-After when one is set). */
function forcedError(status: number, retryAfterSeconds: number | undefined, reason: string): QredoHttpError {
	if (status === 429) return tooManyRequests(reason, retryAfterSeconds ?? 1);
	return new QredoHttpError(status, reason, undefined, retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {});
}

export class Faults {
	failNext?: FailNextFault;
	latencyMs = 0;
	latencyScope: FaultScope = 'all';
	/** Feed upgrades are refused until this time (performance.now() milliseconds). */
	refuseFeedsUntil = 0;
	refuseMode: 'status' | 'reset' = 'status';
	/** The next N feed frames are each sent twice. */
	duplicateFrames = 0;
	/** The next N feed frames are each preceded by a malformed frame. */
	malformedFrames = 0;
	private malformedIndex = 0;
	private rules: ArmedRule[] = [];

	apply(settings: FaultSettings): void {
		if (settings.failNext) {
			const { count, status, retryAfterSeconds, scope } = settings.failNext;
			this.failNext = count > 0 ? { remaining: count, status, retryAfterSeconds, scope: scope ?? 'http' } : undefined;
		}
		if (settings.latencyMs !== undefined) this.latencyMs = settings.latencyMs;
		if (settings.latencyScope !== undefined) this.latencyScope = settings.latencyScope;
		if (settings.duplicateFrames !== undefined) this.duplicateFrames = settings.duplicateFrames;
		if (settings.malformedFrames !== undefined) this.malformedFrames = settings.malformedFrames;
		if (settings.rules !== undefined) {
			this.rules = settings.rules.map((rule) => ({ ...rule, remaining: rule.count, hits: 0, pattern: rule.path === undefined ? undefined : new RegExp(rule.path) }));
		}
	}

	/** The first armed rule for this request and phase, counted down; undefined when none applies. */
	takeRule(method: string, path: string, when: 'before' | 'after'): FaultRule | undefined {
		const rule = this.rules.find(
			(r) => r.remaining > 0 && (r.when ?? 'before') === when && (r.method === undefined || r.method === method) && (r.pattern === undefined || r.pattern.test(path)),
		);
		if (!rule) return undefined;
		rule.remaining -= 1;
		rule.hits += 1;
		return rule;
	}

	/** The error a status rule answers with. */
	ruleError(rule: FaultRule): QredoHttpError {
		return forcedError(rule.effect as number, rule.retryAfterSeconds, `sandbox fault injection: a forced ${rule.effect} ${rule.when ?? 'before'} the request was handled`);
	}

	refuseFeeds(seconds: number, mode: 'status' | 'reset' = 'status'): void {
		this.refuseFeedsUntil = performance.now() + seconds * 1000;
		this.refuseMode = mode;
	}

	/** Milliseconds feeds are still refused for (0 when accepted). */
	feedsRefusedFor(): number {
		return Math.max(0, this.refuseFeedsUntil - performance.now());
	}

	clear(): void {
		this.failNext = undefined;
		this.latencyMs = 0;
		this.latencyScope = 'all';
		this.refuseFeedsUntil = 0;
		this.duplicateFrames = 0;
		this.malformedFrames = 0;
		this.rules = [];
	}

	private inScope(scope: FaultScope, kind: 'http' | 'feeds'): boolean {
		return scope === 'all' || scope === kind;
	}

	latencyFor(kind: 'http' | 'feeds'): number {
		return this.inScope(this.latencyScope, kind) ? this.latencyMs : 0;
	}

	/** The forced error for this request, if a failNext fault is armed for its kind; counts it down. */
	takeFailure(kind: 'http' | 'feeds'): QredoHttpError | undefined {
		const fault = this.failNext;
		if (!fault || !this.inScope(fault.scope, kind)) return undefined;
		fault.remaining -= 1;
		if (fault.remaining <= 0) this.failNext = undefined;
		return forcedError(fault.status, fault.retryAfterSeconds, 'sandbox fault injection: this request was answered with a forced error');
	}

	/** The frames to send for one real frame, with duplicate and malformed faults applied. */
	framesFor(text: string): string[] {
		const out: string[] = [];
		if (this.malformedFrames > 0) {
			this.malformedFrames -= 1;
			out.push(MALFORMED_FRAMES[this.malformedIndex++ % MALFORMED_FRAMES.length]);
		}
		out.push(text);
		if (this.duplicateFrames > 0) {
			this.duplicateFrames -= 1;
			out.push(text);
		}
		return out;
	}

	describe() {
		return {
			failNext: this.failNext ?? null,
			latencyMs: this.latencyMs,
			latencyScope: this.latencyScope,
			feedsRefusedForMs: Math.round(this.feedsRefusedFor()),
			refuseMode: this.refuseMode,
			duplicateFrames: this.duplicateFrames,
			malformedFrames: this.malformedFrames,
			rules: this.rules.map(({ method, path, count, when, effect, delayMs, retryAfterSeconds, remaining, hits }) => ({
				delayMs: delayMs ?? 0,
				method: method ?? null,
				path: path ?? null,
				count,
				when: when ?? 'before',
				effect,
				retryAfterSeconds: retryAfterSeconds ?? null,
				remaining,
				hits,
			})),
		};
	}
}
