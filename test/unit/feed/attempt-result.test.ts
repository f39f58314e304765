/** How the trigger reads the end of an execution (n8n's IRun) in delivery terms, and the item it emits. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IRun } from 'n8n-workflow';
import { actionItem, attemptResult } from '../../../nodes/QredoTrigger/QredoTrigger.node';
import type { PendingAction } from '../../../lib/actions/action';

function run(status: IRun['status'], runData: Record<string, unknown> = {}, extra: Partial<IRun> = {}): IRun {
	return { status, mode: 'trigger', startedAt: new Date(), storedAt: 'db', data: { resultData: { runData } }, ...extra } as unknown as IRun;
}
const decisionNode = (actionId: string, outcome: string) => ({ Approve: [{ data: { main: [[{ json: { actionId, outcome, decision: 'approve' } }]] } }] });

describe('attemptResult', () => {
	test('success with a decision record for the action: done and decided', () => {
		assert.deepEqual(attemptResult(run('success', decisionNode('A', 'approved')), 'A'), { kind: 'done', decided: true, detail: 'decision: approved' });
		assert.deepEqual(attemptResult(run('success', decisionNode('A', 'alreadyDecided')), 'A'), { kind: 'done', decided: true, detail: 'decision: alreadyDecided' });
	});
	test('success without a decision (or an abstention, or a record of another action): done, not decided', () => {
		assert.equal(attemptResult(run('success'), 'A').kind, 'done');
		assert.equal((attemptResult(run('success'), 'A') as { decided?: boolean }).decided, false);
		assert.equal((attemptResult(run('success', decisionNode('A', 'abstained')), 'A') as { decided?: boolean }).decided, false);
		assert.equal((attemptResult(run('success', decisionNode('B', 'approved')), 'A') as { decided?: boolean }).decided, false);
	});
	test('queue mode: no node output reaches the main, the execution\'s custom data says what was decided', () => {
		const queued = (metadata: Record<string, string>) => run('success', {}, { data: { resultData: { runData: {}, metadata } } } as Partial<IRun>);
		assert.deepEqual(attemptResult(queued({ qredoDecisions: 'B=approved A=rejected' }), 'A'), { kind: 'done', decided: true, detail: 'decision: rejected' });
		assert.equal((attemptResult(queued({ qredoDecisions: 'A=abstained' }), 'A') as { decided?: boolean }).decided, false);
		assert.equal((attemptResult(queued({ qredoDecisions: 'B=approved' }), 'A') as { decided?: boolean }).decided, false);
		assert.equal((attemptResult(queued({ qredoDecisions: 'A=bogus' }), 'A') as { decided?: boolean }).decided, false);
	});
	test('waiting (status, or a waitTill): waiting', () => {
		assert.deepEqual(attemptResult(run('waiting'), 'A'), { kind: 'waiting' });
		assert.deepEqual(attemptResult(run('running', {}, { waitTill: new Date() }), 'A'), { kind: 'waiting' });
	});
	test('error, crashed, canceled: failed, with the cause', () => {
		const failed = run('error', {}, { data: { resultData: { runData: {}, error: { message: 'Qredo API 503' } } } } as Partial<IRun>);
		assert.deepEqual(attemptResult(failed, 'A'), { kind: 'failed', detail: 'execution error: Qredo API 503' });
		assert.equal(attemptResult(run('crashed'), 'A').kind, 'failed');
		assert.equal(attemptResult(run('canceled'), 'A').kind, 'failed');
	});
	test('skipped as a duplicate (no run): failed, so the next attempt gets its own key', () => {
		assert.match((attemptResult(undefined, 'A') as { detail: string }).detail, /one with this attempt's key exists/);
	});
});

describe('actionItem', () => {
	const action: PendingAction = { actionId: 'A', protocol: 'v1', status: 'pending', type: 'ApproveWithdraw', expiresAt: 2_000_000_000, raw: { id: 'A' } };
	test('says whether details are there, never leaves it to a missing field', () => {
		assert.equal(actionItem(action, 1_999_999_000_000).detailsStatus, 'notRequested');
		assert.equal(actionItem({ ...action, details: { source: 'partner-api', amount: '1', raw: {} } }, 0).detailsStatus, 'available');
		const unavailable = actionItem({ ...action, detailsStatus: 'unavailable', detailsError: '503' } as PendingAction, 0, 3);
		assert.equal(unavailable.detailsStatus, 'unavailable');
		assert.equal(unavailable.detailsError, '503');
		assert.equal(unavailable.deliveryAttempt, 3);
		assert.deepEqual(unavailable.frame, { id: 'A' });
	});
	test('carries what a message to a human needs: ISO expiry, a deadline before it, a summary; decimals from the asset list', () => {
		const item = actionItem(
			{ ...action, details: { source: 'partner-api', type: 'withdraw', amount: '2500000', asset: 'BTC', address: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', raw: {} }, assetDecimals: 8 } as PendingAction,
			1_999_999_000_000,
			1,
			300,
		);
		assert.equal(item.expiresAtIso, '2033-05-18T03:33:20.000Z');
		assert.equal(item.decisionDeadline, '2033-05-18T03:28:20.000Z');
		assert.equal(item.amountDisplay, '0.025 BTC');
		assert.equal(item.summary, 'withdraw 0.025 BTC to tb1qw5…jzsx, expires 03:33 UTC');
		assert.equal('assetDecimals' in item, false);
	});
});
