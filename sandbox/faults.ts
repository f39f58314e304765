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

export interface FaultSettings {
	failNext?: { count: number; status: number; retryAfterSeconds?: number; scope?: FaultScope };
	latencyMs?: number;
	latencyScope?: FaultScope;
	duplicateFrames?: number;
	malformedFrames?: number;
}

/** The malformed frames sent in turn: not JSON, a JSON array, an object without an id, a truncated object. */
export const MALFORMED_FRAMES = ['this is not json', '[1,2,3]', '{"status":"pending","type":"ApproveTransfer"}', '{"id":"'];

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

	apply(settings: FaultSettings): void {
		if (settings.failNext) {
			const { count, status, retryAfterSeconds, scope } = settings.failNext;
			this.failNext = count > 0 ? { remaining: count, status, retryAfterSeconds, scope: scope ?? 'http' } : undefined;
		}
		if (settings.latencyMs !== undefined) this.latencyMs = settings.latencyMs;
		if (settings.latencyScope !== undefined) this.latencyScope = settings.latencyScope;
		if (settings.duplicateFrames !== undefined) this.duplicateFrames = settings.duplicateFrames;
		if (settings.malformedFrames !== undefined) this.malformedFrames = settings.malformedFrames;
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
		const reason = 'sandbox fault injection: this request was answered with a forced error';
		if (fault.status === 429) return tooManyRequests(reason, fault.retryAfterSeconds ?? 1);
		const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
		return new QredoHttpError(fault.status, reason, undefined, headers);
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
		};
	}
}
