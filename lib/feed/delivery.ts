/**
 * At-least-once delivery of pending actions to workflow executions, with a bounded window and a small persistent
 * ledger. The feed tells us an action is pending; only the end of an execution tells us it was handled:
 *
 *   frame ─▶ queue ─▶ prepare (details) ─▶ run (one execution, one attempt) ─▶ done | waiting | failed ─▶ retry
 *
 * - An action is `done` when its execution ended successfully (a decision, or the workflow chose not to decide).
 * - `waiting`: the execution waits for a human (Wait, Send-and-Wait). It frees its slot and is not offered again.
 * - `failed` (error, crash, cancel, lost): offered again after a back-off, as a new attempt, while Qredo still shows
 *   it pending, up to maxAttempts; then the trigger reports that it gave up.
 * - After a restart, an action the ledger shows as offered but not ended is offered again when the feed replays it.
 *
 * The ledger is O(1) per action ([id, expiresAt, attempts, state]), pruned at expiry, and capped. Effects stay
 * idempotent because Approve/Reject re-reads the action before it signs: a second attempt finds it decided.
 */
import type { PendingAction } from '../actions/action';

/** How one attempt (one execution) ended. */
export type AttemptResult =
	| { kind: 'done'; decided?: boolean; detail?: string }
	| { kind: 'waiting'; detail?: string }
	| { kind: 'failed'; detail: string };

/** Persisted states: offered (execution started, end not seen), retry due, waiting for a human, done, gave up. */
export type LedgerState = 'offered' | 'retry' | 'waiting' | 'done' | 'gaveUp';
const STATE_CODES: Record<LedgerState, string> = { offered: 'o', retry: 'r', waiting: 'w', done: 'd', gaveUp: 'x' };
const CODE_STATES: Record<string, LedgerState> = { o: 'offered', r: 'retry', w: 'waiting', d: 'done', x: 'gaveUp' };

/** [actionId, expiresAt (Unix seconds), attempts, state code]: what n8n stores with the workflow. */
export type LedgerEntryJson = [string, number, number, string];
export interface LedgerJson {
	v: 1;
	entries: LedgerEntryJson[];
}

interface Entry {
	actionId: string;
	expiresAt: number;
	attempts: number;
	state: LedgerState;
	/** decided by a decision node (kept shorter: Qredo does not offer a decided action again) */
	decided?: boolean;
}

export interface DeliveryHooks {
	/**
	 * Readies an action to be emitted (detail lookups). Throwing means "not now": it is tried again after a back-off;
	 * on the last try `lastChance` is true and the hook should return the action marked as lacking details instead.
	 * Returning a string skips the action for that reason (e.g. it is no longer pending).
	 */
	prepare(action: PendingAction, lastChance: boolean): Promise<PendingAction | string>;
	/** Starts one execution for the attempt; resolves when it ended (or is waiting). Must not reject. */
	run(action: PendingAction, attempt: number): Promise<AttemptResult>;
	/** Before a retry: false when Qredo no longer shows the action pending; undefined when it could not tell. */
	stillPending?(action: PendingAction): Promise<boolean | undefined>;
	/** Persist the ledger (the trigger reassigns its static data; n8n saves it with the next execution). */
	save(ledger: LedgerJson): void;
	/**
	 * Make the saved ledger durable now, without starting an execution (the trigger re-emits the waiting execution's
	 * own deduplication key: n8n saves static data first, then skips the duplicate). Called when an execution starts
	 * waiting, so a restart does not offer that action again even when no other action arrives before it.
	 */
	checkpoint?(action: PendingAction, attempt: number): void;
	/** An action that could not be handled: attempts spent, or expired before it could be offered. */
	gaveUp(action: PendingAction, reason: string): void;
	log?: { debug(message: string): void; info(message: string): void; warn(message: string): void; error(message: string): void };
}

export interface DeliveryOptions {
	/** executions running at once; default 10 */
	maxInFlight?: number;
	/** executions per action at most; default 5 */
	maxAttempts?: number;
	/** detail lookups per action before it is emitted without details; default 5 */
	maxPrepareAttempts?: number;
	/** first retry delay, doubled per attempt with jitter; default 5000 */
	retryBaseMs?: number;
	/** longest retry delay; default 120 000 */
	retryMaxMs?: number;
	/** actions waiting for a slot at most; beyond it frames are dropped (the feed replays them on reconnect); default 20 000 */
	maxQueued?: number;
	/** ledger entries kept at most (oldest first out); default 5000 */
	maxEntries?: number;
	/** kept past expiry, for replays and clock skew; default 600 */
	marginSeconds?: number;
	/** label for log lines */
	label?: string;
	/** clock in milliseconds; default Date.now */
	now?: () => number;
	/** timers (tests replace them) */
	setTimer?: (callback: () => void, ms: number) => unknown;
	clearTimer?: (handle: unknown) => void;
}

export type OfferOutcome = 'queued' | 'duplicate' | 'handled' | 'full';

const DEFAULTS = {
	maxInFlight: 10,
	maxAttempts: 5,
	maxPrepareAttempts: 5,
	retryBaseMs: 5000,
	retryMaxMs: 120_000,
	maxQueued: 20_000,
	maxEntries: 5000,
	marginSeconds: 600,
};

function positiveInteger(value: number, field: string): number {
	if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${field}: expected a positive whole number, got ${String(value)}`);
	return value;
}

/** Actions whose execution is running in this process, per trigger: survives a re-activation of the same trigger. */
const runningByTrigger = new Map<string, Map<string, { attempt: number; done: Promise<AttemptResult> }>>();

export class ActionDelivery {
	private readonly entries = new Map<string, Entry>();
	private readonly queue: Array<{ action: PendingAction }> = [];
	/** in this process: queued, preparing, running or with a retry timer */
	private readonly live = new Map<string, PendingAction>();
	private readonly timers = new Map<string, unknown>();
	private readonly prepareFailures = new Map<string, number>();
	private readonly running: Map<string, { attempt: number; done: Promise<AttemptResult> }>;
	private inFlight = 0;
	private closed = false;
	private readonly o: typeof DEFAULTS;
	private readonly now: () => number;
	private readonly setTimer: (callback: () => void, ms: number) => unknown;
	private readonly clearTimer: (handle: unknown) => void;

	/**
	 * @param key identifies the trigger in this process (workflow + node), so executions started before a
	 *   re-activation are still counted and finished
	 */
	constructor(
		private readonly key: string,
		private readonly hooks: DeliveryHooks,
		options: DeliveryOptions = {},
		saved?: unknown,
	) {
		this.o = { ...DEFAULTS };
		for (const field of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) {
			const value = options[field];
			if (value !== undefined) this.o[field] = field === 'marginSeconds' || field === 'retryBaseMs' || field === 'retryMaxMs' ? nonNegative(value, field) : positiveInteger(value, field);
		}
		this.now = options.now ?? Date.now;
		this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
		this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as NodeJS.Timeout));
		this.restore(saved);
		let running = runningByTrigger.get(key);
		if (!running) runningByTrigger.set(key, (running = new Map()));
		this.running = running;
		// Executions a previous activation of this trigger started in this process still hold a slot and end here.
		for (const [actionId, attempt] of running) {
			this.inFlight++;
			this.live.set(actionId, { actionId } as PendingAction);
			void attempt.done.then((result) => this.finished(actionId, attempt.attempt, result, undefined));
		}
	}

	/** What the ledger holds, for tests and the health view. */
	snapshot(): { inFlight: number; queued: number; entries: number; states: Record<LedgerState, number> } {
		const states: Record<LedgerState, number> = { offered: 0, retry: 0, waiting: 0, done: 0, gaveUp: 0 };
		for (const entry of this.entries.values()) states[entry.state]++;
		return { inFlight: this.inFlight, queued: this.queue.length, entries: this.entries.size, states };
	}

	stateOf(actionId: string): { state: LedgerState; attempts: number } | undefined {
		const entry = this.entries.get(actionId);
		return entry && { state: entry.state, attempts: entry.attempts };
	}

	/** A pending action from the feed (first sighting, duplicate or replay). */
	offer(action: PendingAction): OfferOutcome {
		if (this.closed) return 'duplicate';
		if (this.live.has(action.actionId)) return 'duplicate';
		const entry = this.entries.get(action.actionId);
		if (entry && !this.isExpired(entry)) {
			if (entry.state === 'done' || entry.state === 'waiting' || entry.state === 'gaveUp') return 'handled';
			// offered or retry, but nothing of it lives in this process: its execution was lost (crash, restart).
			this.log('info', `action ${action.actionId}: attempt ${entry.attempts} did not end before a restart; offering it again`);
			if (entry.attempts >= this.o.maxAttempts) {
				this.giveUp(action, entry, `its ${entry.attempts} attempts did not end (lost in restarts or crashes)`);
				return 'handled';
			}
		}
		if (this.queue.length >= this.o.maxQueued) {
			this.log('warn', `action ${action.actionId}: ${this.queue.length} actions already wait for a slot; this one is dropped until the feed offers it again`);
			return 'full';
		}
		if (!entry || this.isExpired(entry)) {
			this.entries.delete(action.actionId);
			this.entries.set(action.actionId, { actionId: action.actionId, expiresAt: action.expiresAt, attempts: 0, state: 'retry' });
		}
		this.live.set(action.actionId, action);
		this.queue.push({ action });
		this.pump();
		return 'queued';
	}

	/** Stops timers and starts nothing new; running executions keep their slot in the process registry. */
	close(): void {
		this.closed = true;
		for (const handle of this.timers.values()) this.clearTimer(handle);
		this.timers.clear();
		this.queue.length = 0;
	}

	/**
	 * The ledger as persisted (a new object each time: n8n stores only what is assigned, and rewrites all of it with
	 * every execution). Decided actions stay in memory only: Qredo does not offer them again, so after a restart they
	 * cost nothing. What is saved is what a restart needs: actions offered and not ended, waiting, or left undecided.
	 */
	toJSON(): LedgerJson {
		this.prune();
		// Not persisted either: actions still waiting for their first slot (the feed offers them again after a restart).
		const kept = [...this.entries.values()].filter((e) => !(e.state === 'done' && e.decided) && e.attempts > 0);
		return { v: 1, entries: kept.map((e): LedgerEntryJson => [e.actionId, e.expiresAt, e.attempts, STATE_CODES[e.state]]) };
	}

	private restore(saved: unknown): void {
		const list = saved && typeof saved === 'object' && Array.isArray((saved as LedgerJson).entries) ? (saved as LedgerJson).entries : [];
		for (const item of list) {
			if (!Array.isArray(item) || item.length !== 4) continue;
			const [actionId, expiresAt, attempts, code] = item as unknown[];
			if (typeof actionId !== 'string' || actionId === '' || typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) continue;
			if (typeof attempts !== 'number' || !Number.isSafeInteger(attempts) || attempts < 0 || typeof code !== 'string') continue;
			const state = CODE_STATES[code.charAt(0)];
			if (!state) continue;
			this.entries.set(actionId, { actionId, expiresAt, attempts, state });
		}
		this.prune();
	}

	private pump(): void {
		while (!this.closed && this.inFlight < this.o.maxInFlight && this.queue.length > 0) {
			const { action } = this.queue.shift() as { action: PendingAction };
			const entry = this.entries.get(action.actionId);
			if (!entry) {
				this.live.delete(action.actionId);
				continue;
			}
			if (action.expiresAt * 1000 <= this.now()) {
				this.live.delete(action.actionId);
				this.giveUp(action, entry, `it expired at ${new Date(action.expiresAt * 1000).toISOString()} before it could be offered`);
				continue;
			}
			this.inFlight++;
			void this.attempt(action, entry);
		}
	}

	private async attempt(action: PendingAction, entry: Entry): Promise<void> {
		const failures = this.prepareFailures.get(action.actionId) ?? 0;
		let ready: PendingAction | string;
		try {
			ready = await this.hooks.prepare(action, failures + 1 >= this.o.maxPrepareAttempts);
		} catch (error) {
			this.inFlight--;
			this.prepareFailures.set(action.actionId, failures + 1);
			this.log('warn', `action ${action.actionId}: not offered yet, preparing it failed (${(error as Error)?.message ?? String(error)}); trying again later`);
			this.scheduleRetry(action, failures);
			this.pump();
			return;
		}
		this.prepareFailures.delete(action.actionId);
		if (this.closed) {
			this.inFlight--;
			return;
		}
		if (typeof ready === 'string') {
			this.inFlight--;
			this.live.delete(action.actionId);
			entry.state = 'done';
			this.log('info', `action ${action.actionId}: skipped (${ready})`);
			this.persist();
			this.pump();
			return;
		}
		entry.attempts += 1;
		entry.state = 'offered';
		entry.expiresAt = ready.expiresAt;
		const attempt = entry.attempts;
		// Saved before the execution starts: n8n stores static data as part of starting it.
		this.persist();
		const done = this.hooks.run(ready, attempt).catch((error: unknown): AttemptResult => ({ kind: 'failed', detail: (error as Error)?.message ?? String(error) }));
		this.running.set(action.actionId, { attempt, done });
		const result = await done;
		this.finished(action.actionId, attempt, result, ready);
	}

	private finished(actionId: string, attempt: number, result: AttemptResult, action: PendingAction | undefined): void {
		if (this.running.get(actionId)?.attempt === attempt) this.running.delete(actionId);
		this.inFlight--;
		if (this.closed) return;
		const entry = this.entries.get(actionId);
		const known = action ?? this.live.get(actionId);
		this.live.delete(actionId);
		if (!entry) return this.pump();
		if (result.kind === 'done') {
			entry.state = 'done';
			if (result.decided) entry.decided = true;
			this.log('info', `action ${actionId}: attempt ${attempt} ended${result.detail ? ` (${result.detail})` : ''}`);
		} else if (result.kind === 'waiting') {
			entry.state = 'waiting';
			this.log('info', `action ${actionId}: attempt ${attempt} waits for a human; not offered again while it waits`);
			this.persist();
			if (known?.protocol) this.hooks.checkpoint?.(known, attempt);
		} else {
			entry.state = 'retry';
			this.log('warn', `action ${actionId}: attempt ${attempt} failed (${result.detail})`);
			if (entry.attempts >= this.o.maxAttempts) {
				this.giveUp(known ?? ({ actionId, expiresAt: entry.expiresAt } as PendingAction), entry, `${entry.attempts} attempts failed; the last: ${result.detail}`);
			} else if (known && known.protocol) {
				this.live.set(actionId, known);
				this.scheduleRetry(known, entry.attempts - 1);
			}
			// Without the action itself (an execution of an earlier activation) the feed's next replay offers it again.
		}
		this.persist();
		this.pump();
	}

	private scheduleRetry(action: PendingAction, retry: number): void {
		const ceiling = Math.min(this.o.retryMaxMs, this.o.retryBaseMs * 2 ** Math.min(retry, 20));
		const wait = ceiling / 2 + (Math.random() * ceiling) / 2;
		const left = action.expiresAt * 1000 - this.now();
		const entry = this.entries.get(action.actionId);
		if (entry) entry.state = 'retry';
		this.live.set(action.actionId, action);
		const handle = this.setTimer(() => void this.retryNow(action), Math.max(0, Math.min(wait, left - 1000)));
		this.timers.set(action.actionId, handle);
	}

	private async retryNow(action: PendingAction): Promise<void> {
		this.timers.delete(action.actionId);
		if (this.closed) return;
		const entry = this.entries.get(action.actionId);
		if (!entry) {
			this.live.delete(action.actionId);
			return;
		}
		if (entry.attempts > 0 && this.hooks.stillPending) {
			const pending = await this.hooks.stillPending(action).catch(() => undefined);
			if (this.closed) return;
			if (pending === false) {
				this.live.delete(action.actionId);
				entry.state = 'done';
				entry.decided = true;
				this.log('info', `action ${action.actionId}: no longer pending at Qredo; not offered again`);
				this.persist();
				return;
			}
		}
		this.queue.push({ action });
		this.pump();
	}

	private giveUp(action: PendingAction, entry: Entry, reason: string): void {
		entry.state = 'gaveUp';
		this.live.delete(action.actionId);
		this.prepareFailures.delete(action.actionId);
		this.log('error', `action ${action.actionId}: given up: ${reason}`);
		this.persist();
		try {
			this.hooks.gaveUp(action, reason);
		} catch (error) {
			this.log('error', `action ${action.actionId}: reporting the give-up failed: ${(error as Error)?.message ?? String(error)}`);
		}
	}

	private persist(): void {
		this.hooks.save(this.toJSON());
	}

	private isExpired(entry: Entry): boolean {
		return (entry.expiresAt + this.o.marginSeconds) * 1000 <= this.now();
	}

	private prune(): void {
		for (const [id, entry] of this.entries) {
			if (this.live.has(id)) continue;
			if (this.isExpired(entry)) this.entries.delete(id);
		}
		if (this.entries.size <= this.o.maxEntries) return;
		// Over the cap: decided ones first (Qredo will not offer them again), then the oldest of the rest.
		for (const [id, entry] of this.entries) {
			if (this.entries.size <= this.o.maxEntries) return;
			if (entry.decided && !this.live.has(id)) this.entries.delete(id);
		}
		for (const [id] of this.entries) {
			if (this.entries.size <= this.o.maxEntries) return;
			if (!this.live.has(id)) this.entries.delete(id);
		}
	}

	private log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
		this.hooks.log?.[level](`${this.key}: ${message}`);
	}
}

function nonNegative(value: number, field: string): number {
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`${field}: expected a non-negative number, got ${String(value)}`);
	return value;
}
