/**
 * ActionDelivery with a scripted clock, timers and executions: every row of the delivery table (failed, crashed,
 * lost in a restart, waiting for a human, burst, details lookups that fail) ends with one decision per action.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PendingAction } from '../../../lib/actions/action';
import { ActionDelivery, type AttemptResult, type DeliveryHooks, type LedgerJson } from '../../../lib/feed/delivery';

const T0 = 1_800_000_000_000;

function action(id: string, ttlSeconds = 3600): PendingAction {
	return { actionId: id, protocol: 'v2', status: 'pending', type: '1', expiresAt: Math.floor(T0 / 1000) + ttlSeconds, raw: {} };
}

/** A world with a manual clock and timers, executions that end when the test says, and the saved ledger. */
function world(options: { maxInFlight?: number; maxAttempts?: number; maxPrepareAttempts?: number; saved?: unknown; key?: string } = {}) {
	let now = T0;
	const timers: Array<{ at: number; run: () => void; id: number }> = [];
	let timerId = 0;
	const runs: Array<{ actionId: string; attempt: number; end: (result: AttemptResult) => void }> = [];
	const gaveUp: Array<{ actionId: string; reason: string }> = [];
	const checkpoints: Array<{ actionId: string; attempt: number; saved: string }> = [];
	let saved: LedgerJson | undefined;
	let pending: Record<string, boolean | undefined> = {};
	let prepare: DeliveryHooks['prepare'] = async (a) => a;
	const hooks: DeliveryHooks = {
		prepare: (a, last) => prepare(a, last),
		run: (a, attempt) => new Promise<AttemptResult>((resolve) => runs.push({ actionId: a.actionId, attempt, end: resolve })),
		stillPending: async (a) => pending[a.actionId],
		save: (ledger) => (saved = JSON.parse(JSON.stringify(ledger)) as LedgerJson),
		gaveUp: (a, reason) => gaveUp.push({ actionId: a.actionId, reason }),
		checkpoint: (a, attempt) => checkpoints.push({ actionId: a.actionId, attempt, saved: JSON.stringify(saved) }),
	};
	const delivery = new ActionDelivery(
		options.key ?? `test-${Math.random()}`,
		hooks,
		{
			maxInFlight: options.maxInFlight ?? 3,
			maxAttempts: options.maxAttempts ?? 3,
			maxPrepareAttempts: options.maxPrepareAttempts ?? 3,
			retryBaseMs: 1000,
			retryMaxMs: 8000,
			now: () => now,
			setTimer: (run, ms) => {
				timers.push({ at: now + ms, run, id: ++timerId });
				return timerId;
			},
			clearTimer: (id) => {
				const i = timers.findIndex((t) => t.id === id);
				if (i >= 0) timers.splice(i, 1);
			},
		},
		options.saved,
	);
	const flush = () => new Promise((resolve) => setImmediate(resolve));
	return {
		delivery,
		runs,
		gaveUp,
		checkpoints,
		saved: () => saved,
		setPending: (p: Record<string, boolean | undefined>) => (pending = p),
		setPrepare: (p: DeliveryHooks['prepare']) => (prepare = p),
		flush,
		/** moves the clock and fires due timers, then lets promises settle */
		async advance(ms: number) {
			now += ms;
			for (;;) {
				timers.sort((a, b) => a.at - b.at);
				const due = timers[0];
				if (!due || due.at > now) break;
				timers.shift();
				due.run();
				await flush();
			}
			await flush();
		},
		async end(actionId: string, result: AttemptResult) {
			const run = runs.find((r) => r.actionId === actionId && !(r as { ended?: boolean }).ended);
			assert.ok(run, `no running execution of ${actionId}`);
			(run as { ended?: boolean }).ended = true;
			run.end(result);
			await flush();
			await flush();
		},
	};
}

describe('ActionDelivery', () => {
	test('one execution per action; duplicates and replays while it runs are ignored; done is final', async () => {
		const w = world();
		assert.equal(w.delivery.offer(action('A')), 'queued');
		await w.flush();
		assert.equal(w.delivery.offer(action('A')), 'duplicate');
		assert.deepEqual(w.runs.map((r) => [r.actionId, r.attempt]), [['A', 1]]);
		assert.deepEqual(w.saved()?.entries, [['A', Math.floor(T0 / 1000) + 3600, 1, 'o']], 'saved as offered before the execution ran');
		await w.end('A', { kind: 'done', decided: false });
		assert.equal(w.delivery.offer(action('A')), 'handled');
		assert.equal(w.runs.length, 1);
		assert.deepEqual(w.delivery.stateOf('A'), { state: 'done', attempts: 1 });
	});

	test('a failed execution is offered again after a back-off while Qredo shows the action pending, with the next attempt number', async () => {
		const w = world();
		w.delivery.offer(action('A'));
		await w.flush();
		await w.end('A', { kind: 'failed', detail: 'execution error: 503' });
		assert.equal(w.runs.length, 1, 'not at once');
		assert.equal(w.delivery.offer(action('A')), 'duplicate', 'a replay while the retry is due changes nothing');
		w.setPending({ A: true });
		await w.advance(1000);
		assert.deepEqual(w.runs.map((r) => r.attempt), [1, 2]);
		await w.end('A', { kind: 'done', decided: true });
		assert.deepEqual(w.delivery.stateOf('A'), { state: 'done', attempts: 2 });
		assert.deepEqual(w.saved()?.entries, [], 'a decided action is not persisted: Qredo will not offer it again');
	});

	test('no retry when Qredo says the action is no longer pending (decided elsewhere or expired)', async () => {
		const w = world();
		w.delivery.offer(action('A'));
		await w.flush();
		await w.end('A', { kind: 'failed', detail: 'crashed' });
		w.setPending({ A: false });
		await w.advance(10_000);
		assert.equal(w.runs.length, 1);
		assert.equal(w.delivery.stateOf('A')?.state, 'done');
	});

	test('attempts are bounded: after maxAttempts the trigger is told to report it, once', async () => {
		const w = world({ maxAttempts: 3 });
		w.setPending({ A: true });
		w.delivery.offer(action('A'));
		for (let i = 0; i < 3; i++) {
			await w.flush();
			await w.end('A', { kind: 'failed', detail: `boom ${i + 1}` });
			await w.advance(10_000);
		}
		assert.equal(w.runs.length, 3);
		assert.equal(w.gaveUp.length, 1);
		assert.match(w.gaveUp[0].reason, /3 attempts failed; the last: boom 3/);
		assert.equal(w.delivery.offer(action('A')), 'handled');
	});

	test('a waiting execution (human approval) frees its slot and is not offered again', async () => {
		const w = world({ maxInFlight: 1 });
		w.delivery.offer(action('A'));
		w.delivery.offer(action('B'));
		await w.flush();
		assert.deepEqual(w.runs.map((r) => r.actionId), ['A']);
		await w.end('A', { kind: 'waiting' });
		assert.deepEqual(w.runs.map((r) => r.actionId), ['A', 'B'], 'B starts once A waits');
		assert.equal(w.delivery.offer(action('A')), 'handled');
		assert.deepEqual(w.saved()?.entries.find((e) => e[0] === 'A'), ['A', Math.floor(T0 / 1000) + 3600, 1, 'w']);
		assert.equal(w.checkpoints.length, 1, 'made durable at once, not with the next execution');
		assert.equal(w.checkpoints[0].attempt, 1);
		assert.match(w.checkpoints[0].saved, /"A",\d+,1,"w"/, 'the checkpoint comes after the waiting mark was saved');
	});

	test('burst: 1,000 actions at once never run more than maxInFlight executions, and each runs exactly once', async () => {
		const w = world({ maxInFlight: 10 });
		for (let i = 0; i < 1000; i++) w.delivery.offer(action(`A${i}`));
		await w.flush();
		assert.equal(w.saved()?.entries.length, 10, 'only what a restart needs is saved: the 10 offered, not the 990 queued');
		let peak = 0;
		let ended = 0;
		while (ended < 1000) {
			const running = w.runs.filter((r) => !(r as { ended?: boolean }).ended);
			peak = Math.max(peak, running.length);
			assert.ok(running.length > 0, `stalled after ${ended}`);
			await w.end(running[0].actionId, { kind: 'done', decided: true });
			ended++;
		}
		assert.equal(peak, 10);
		assert.equal(w.runs.length, 1000);
		assert.equal(new Set(w.runs.map((r) => r.actionId)).size, 1000);
		assert.equal(w.delivery.snapshot().inFlight, 0);
	});

	test('restart: an action offered but never ended is offered again when the feed replays it; done and waiting ones are not', async () => {
		const key = `restart-${Math.random()}`;
		const before = world({ key });
		for (const id of ['A', 'B', 'C']) before.delivery.offer(action(id));
		await before.flush();
		await before.end('B', { kind: 'done', decided: false });
		await before.end('C', { kind: 'waiting' });
		const saved = JSON.parse(JSON.stringify(before.saved()));
		// The process dies: nothing of `before` lives on (a new process has an empty registry, hence a new key).
		const after = world({ saved, key: `${key}-new-process` });
		for (const id of ['A', 'B', 'C']) after.delivery.offer(action(id));
		await after.flush();
		assert.deepEqual(after.runs.map((r) => [r.actionId, r.attempt]), [['A', 2]]);
	});

	test('re-activation in the same process: executions of the earlier activation keep their slot and are not doubled', async () => {
		const key = `reactivate-${Math.random()}`;
		const first = world({ key, maxInFlight: 2 });
		first.delivery.offer(action('A'));
		await first.flush();
		first.delivery.close();
		const second = world({ key, maxInFlight: 2, saved: first.saved() });
		assert.equal(second.delivery.offer(action('A')), 'duplicate', 'its execution still runs');
		assert.equal(second.delivery.snapshot().inFlight, 1);
		await first.end('A', { kind: 'done', decided: true });
		assert.equal(second.delivery.snapshot().inFlight, 0);
		assert.equal(second.delivery.stateOf('A')?.state, 'done');
	});

	test('details that cannot be read: retried, then offered marked as lacking details (never silently without them)', async () => {
		const w = world({ maxPrepareAttempts: 3 });
		const calls: boolean[] = [];
		w.setPrepare(async (a, lastChance) => {
			calls.push(lastChance);
			if (!lastChance) throw new Error('503 from the Partner API');
			return { ...a, detailsStatus: 'unavailable' } as PendingAction;
		});
		w.delivery.offer(action('A'));
		await w.flush();
		assert.equal(w.runs.length, 0, 'not offered after the first failure');
		await w.advance(10_000);
		await w.advance(10_000);
		assert.deepEqual(calls, [false, false, true]);
		assert.equal(w.runs.length, 1);
		assert.equal(w.delivery.stateOf('A')?.attempts, 1, 'lookups are not execution attempts');
	});

	test('an action that expires while it waits for a slot is reported, not offered', async () => {
		const w = world({ maxInFlight: 1 });
		w.delivery.offer(action('A'));
		w.delivery.offer(action('B', 5));
		await w.flush();
		await w.advance(6000);
		await w.end('A', { kind: 'done' });
		assert.deepEqual(w.runs.map((r) => r.actionId), ['A']);
		assert.equal(w.gaveUp.length, 1);
		assert.match(w.gaveUp[0].reason, /expired at .* before it could be offered/);
	});

	test('the persisted ledger stays bounded and O(1) per action; damaged saved state is ignored, never fatal', async () => {
		const w = world({ maxInFlight: 50 });
		for (let i = 0; i < 40; i++) w.delivery.offer(action(`ID${String(i).padStart(25, '0')}`));
		await w.flush();
		const bytes = JSON.stringify(w.saved()).length;
		assert.ok(bytes / 40 < 60, `${bytes / 40} bytes per action`);
		const damaged = world({ saved: { v: 1, entries: [['ok', Math.floor(T0 / 1000) + 60, 1, 'd'], 'junk', ['', 1, 1, 'd'], ['x', 'NaN', 1, 'd'], ['y', 5, -1, 'o'], ['z', 5, 1, '?']] } });
		assert.equal(damaged.delivery.snapshot().entries, 1);
		assert.equal(world({ saved: 'garbage' }).delivery.snapshot().entries, 0);
	});
});
