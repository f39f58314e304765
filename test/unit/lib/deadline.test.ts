/** lib/deadline.ts: the deadline node code races the feed against. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withDeadline } from '../../../lib/deadline';

test('withDeadline: the work wins, its timer ends, and the deadline handler is never called', async () => {
	let called = 0;
	assert.equal(await withDeadline(Promise.resolve('done'), 20, () => ++called), 'done');
	await new Promise((resolve) => setTimeout(resolve, 60));
	assert.equal(called, 0);
});

test('withDeadline: the deadline wins with its value, or its error', async () => {
	const never = new Promise<string>(() => undefined);
	const started = Date.now();
	assert.equal(await withDeadline(never, 30, () => 'late'), 'late');
	assert.ok(Date.now() - started >= 25);
	await assert.rejects(
		withDeadline(never, 10, () => {
			throw new Error('the feed did not open within 0.01 s');
		}),
		/did not open/,
	);
});

test('withDeadline: a failure of the work is passed on', async () => {
	await assert.rejects(withDeadline(Promise.reject(new Error('refused')), 1000, () => 'late'), /refused/);
});
