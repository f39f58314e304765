/**
 * The decision path under faults, against the sandbox over real sockets: a 5xx, 429 or dropped connection on the
 * decision call before Qredo applied it (retried, decided once) and after Qredo applied it (not sent twice; the
 * record says it was applied), for v2 (POST /actions/{id}) and v1 (PUT / DELETE /coreclient/action/{id}). The
 * sandbox's decision log is the judge: exactly one accepted decision per action, the one asked for.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { QredoV2TokenSource } from '../../../lib/transport/v2Tokens';
import { approverFromKeys, decideAction, type DecideInput } from '../../../lib/actions/decide';
import { type AdminAction, type DemoSandbox, startDemo, v2Tokens } from './support';

const FAST = { attempts: 5, backoffBaseMs: 20, backoffMaxMs: 100 };

describe('decideAction under faults', () => {
	let demo: DemoSandbox;
	let tokens: QredoV2TokenSource;
	before(async () => {
		demo = await startDemo();
		tokens = v2Tokens(demo.creds);
	});
	after(() => demo.sandbox.stop());
	beforeEach(() => demo.admin.clearFaults());

	const v2 = (actionId: string, decision: 'approve' | 'reject', extra: Partial<DecideInput> = {}): DecideInput =>
		({
			protocol: 'v2',
			actionId,
			decision,
			approver: approverFromKeys({ blsPrivateKey: demo.creds.qredoApiV2.blsPrivateKey }),
			baseUrl: demo.creds.qredoApiV2.baseUrl,
			tokens,
			retry: FAST,
			...extra,
		}) as DecideInput;
	const v1 = (actionId: string, decision: 'approve' | 'reject', extra: Partial<DecideInput> = {}): DecideInput =>
		({
			protocol: 'v1',
			actionId,
			decision,
			approver: approverFromKeys({ blsPrivateKey: demo.creds.agent.blsPrivateKey }),
			baseUrl: demo.creds.partnerApi.baseUrl,
			agentId: demo.creds.agent.id,
			mpin: { identity: demo.creds.agent.clientID, clientSecret: demo.creds.agent.clientSecret },
			retry: FAST,
			...extra,
		}) as DecideInput;
	const actionOf = async (member: string): Promise<AdminAction> => demo.admin.actionFor(await demo.admin.withdraw(demo.creds), member);

	/** Accepted decisions in the sandbox's log for the action (verified: null when refused before verification). */
	const accepted = async (actionId: string) => (await demo.admin.decisions(actionId)).filter((d) => !d.error);

	const faultCases = [
		{ name: '503 before it was applied', effect: 503, when: 'before' },
		{ name: '429 before it was applied (transport retries spent)', effect: 429, when: 'before', count: 6 },
		{ name: 'connection dropped before it was applied', effect: 'drop', when: 'before' },
		{ name: '503 after it was applied', effect: 503, when: 'after' },
		{ name: 'connection dropped after it was applied', effect: 'drop', when: 'after' },
	] as const;

	for (const decision of ['approve', 'reject'] as const) {
		for (const c of faultCases) {
			test(`v2 ${decision}: ${c.name} → decided once, the record says what happened`, async () => {
				const action = await actionOf(demo.creds.qredoApiV2.apiKeyId);
				await demo.admin.faults({ rules: [{ method: 'POST', path: '^/api/v2/actions/[^/]+$', count: 'count' in c ? c.count : 1, when: c.when, effect: c.effect }] });
				const record = await decideAction(v2(action.actionId, decision));
				assert.equal(record.outcome, decision === 'approve' ? 'approved' : 'rejected');
				assert.equal(record.actionStatus, decision === 'approve' ? 'approved' : 'rejected');
				assert.ok(record.retriedAfter.length >= 1, JSON.stringify(record));
				const log = await accepted(action.actionId);
				assert.equal(log.length, 1, `accepted decisions: ${JSON.stringify(log)}`);
				assert.equal(log[0].decision, decision);
				if (c.when === 'after') {
					assert.equal(record.attempts, 1, 'applied on the first call: never sent again');
					assert.match(record.detail ?? '', /applied .*lost|lost.*applied|answer .* was lost/);
				} else {
					assert.equal(record.attempts, 1 + record.retriedAfter.length);
				}
				assert.equal((await demo.admin.transaction(action.txId as string)).actions.find((a) => a.actionId === action.actionId)?.status, decision === 'approve' ? 'approved' : 'rejected');
			});
		}
	}

	for (const decision of ['approve', 'reject'] as const) {
		const method = decision === 'approve' ? 'PUT' : 'DELETE';
		for (const c of faultCases.filter((f) => f.effect !== 429)) {
			test(`v1 ${decision}: ${c.name} → decided once, the record says what happened`, async () => {
				const action = await actionOf(demo.creds.agent.id);
				await demo.admin.faults({ rules: [{ method, path: '^/api/v1/p/coreclient/action/[^/]+$', count: 1, when: c.when, effect: c.effect }] });
				const record = await decideAction(v1(action.actionId, decision));
				assert.equal(record.outcome, decision === 'approve' ? 'approved' : 'rejected', JSON.stringify(record));
				assert.equal(record.attempts, 2);
				assert.equal(record.retriedAfter.length, 1);
				const log = await accepted(action.actionId);
				assert.equal(log.length, 1, `accepted decisions: ${JSON.stringify(log)}`);
				assert.equal(log[0].decision, decision);
				assert.equal((await demo.admin.transaction(action.txId as string)).actions.find((a) => a.actionId === action.actionId)?.status, decision === 'approve' ? 'approved' : 'rejected');
			});
		}
	}

	test('never flips a decision: after a retried reject, an approve reports alreadyDecided without sending anything', async () => {
		const action = await actionOf(demo.creds.qredoApiV2.apiKeyId);
		await demo.admin.faults({ rules: [{ method: 'POST', path: '^/api/v2/actions/', count: 1, when: 'after', effect: 503 }] });
		const first = await decideAction(v2(action.actionId, 'reject'));
		assert.equal(first.outcome, 'rejected');
		const second = await decideAction(v2(action.actionId, 'approve'));
		assert.equal(second.outcome, 'alreadyDecided', 'never flips a decision');
		assert.equal(second.attempts, 0);
	});

	test('still failing after every attempt: an error that says the decision was not confirmed, never a claimed outcome', async () => {
		const action = await actionOf(demo.creds.qredoApiV2.apiKeyId);
		await demo.admin.faults({ rules: [{ method: 'POST', path: '^/api/v2/actions/', count: 50, when: 'before', effect: 502 }] });
		await assert.rejects(decideAction(v2(action.actionId, 'approve', { retry: { attempts: 3, backoffBaseMs: 10, backoffMaxMs: 20 } })), (error: Error) => {
			assert.match(error.message, /approve of action .* was not confirmed after 3 attempts \(attempt 1: HTTP 502.*attempt 3: HTTP 502/);
			assert.ok(!error.message.includes(demo.creds.qredoApiV2.secret));
			return true;
		});
		assert.equal((await accepted(action.actionId)).length, 0);
	});
});
