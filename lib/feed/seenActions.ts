/**
 * The bounded set of action IDs the trigger has already emitted, each kept for as long as its action can be decided.
 */
import type { PendingAction } from '../actions/action';
import { QredoInputError } from '../errors';
/** [actionId, expiresAt (Unix seconds)]: the serialised form, compact because n8n stores it with the workflow. */
export type SeenEntry = [string, number];

export interface SeenActionsOptions {
	/** most IDs kept; the oldest are evicted first; default 5000 */
	maxSize?: number;
	/** an ID is kept this long past its action's expiry (clock skew, late replays); default 600 */
	marginSeconds?: number;
	/** clock in milliseconds; default Date.now */
	now?: () => number;
}

/**
 * Action IDs already emitted, each kept until its action's expireTime + margin: the feed re-sends pending actions
 * on every reconnect (and may duplicate frames), so an ID must be remembered for as long as the action can be
 * decided, not for a few seconds (peers.md §1: the agent's 6 s window). Bounded: beyond maxSize the oldest go first.
 */
export class SeenActions {
	private readonly entries = new Map<string, number>();
	private readonly maxSize: number;
	private readonly marginSeconds: number;
	private readonly now: () => number;

	constructor(options: SeenActionsOptions = {}) {
		this.maxSize = options.maxSize ?? 5000;
		this.marginSeconds = options.marginSeconds ?? 600;
		this.now = options.now ?? Date.now;
		if (!Number.isSafeInteger(this.maxSize) || this.maxSize < 1) throw new QredoInputError('maxSize', 'a positive integer');
		if (!Number.isFinite(this.marginSeconds) || this.marginSeconds < 0) throw new QredoInputError('marginSeconds', 'a non-negative number of seconds');
	}

	/** Restores a set saved with toJSON(). Entries that are malformed or long expired are dropped, never fatal. */
	static fromJSON(value: unknown, options: SeenActionsOptions = {}): SeenActions {
		const seen = new SeenActions(options);
		if (!Array.isArray(value)) return seen;
		for (const entry of value) {
			if (!Array.isArray(entry) || entry.length !== 2) continue;
			const [id, expiresAt] = entry as unknown[];
			if (typeof id !== 'string' || id === '' || typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) continue;
			seen.entries.set(id, Math.max(expiresAt, seen.entries.get(id) ?? 0));
		}
		seen.prune();
		seen.evictOldest();
		return seen;
	}

	get size(): number {
		return this.entries.size;
	}

	/** True when the ID was recorded and its action (plus margin) has not expired. */
	has(actionId: string): boolean {
		const expiresAt = this.entries.get(actionId);
		return expiresAt !== undefined && !this.isExpired(expiresAt);
	}

	/**
	 * Records the ID; true when it was not already recorded (the first sighting, to emit). A repeat keeps its place
	 * in the eviction order and its later expiry.
	 */
	add(actionId: string, expiresAt: number): boolean {
		if (typeof actionId !== 'string' || actionId === '') throw new QredoInputError('actionId', 'a non-empty string');
		if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) throw new QredoInputError('expiresAt', 'Unix seconds');
		const known = this.has(actionId);
		const previous = this.entries.get(actionId);
		if (previous !== undefined && !known) this.entries.delete(actionId); // expired: a new sighting starts afresh
		this.entries.set(actionId, Math.max(expiresAt, known ? (previous as number) : 0));
		if (this.entries.size > this.maxSize) {
			this.prune();
			this.evictOldest();
		}
		return !known;
	}

	/** Convenience for the trigger: records a parsed action; true on its first sighting. */
	firstSighting(action: Pick<PendingAction, 'actionId' | 'expiresAt'>): boolean {
		return this.add(action.actionId, action.expiresAt);
	}

	/** Forgets expired IDs; returns how many. */
	prune(): number {
		let removed = 0;
		for (const [id, expiresAt] of this.entries) {
			if (this.isExpired(expiresAt)) {
				this.entries.delete(id);
				removed++;
			}
		}
		return removed;
	}

	/** A new array each time (n8n static data must be reassigned, not mutated), oldest first. */
	toJSON(): SeenEntry[] {
		this.prune();
		return [...this.entries].map(([id, expiresAt]): SeenEntry => [id, expiresAt]);
	}

	private isExpired(expiresAt: number): boolean {
		return (expiresAt + this.marginSeconds) * 1000 <= this.now();
	}

	private evictOldest(): void {
		for (const id of this.entries.keys()) {
			if (this.entries.size <= this.maxSize) break;
			this.entries.delete(id);
		}
	}
}
