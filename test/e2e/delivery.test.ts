/**
 * Delivery under faults in a real n8n 2.41.1 with the packed package: every row of the delivery table, each ending
 * with one decision per action, as the rule says, judged by the sandbox's decision log.
 *
 * 1. The decision call fails once (503 or a dropped connection), before or after Qredo applied it.
 * 2. The decision call keeps failing until the execution fails: the trigger offers the action again (attempt 2).
 * 3. n8n is SIGKILLed while Approve is in flight (Qredo applies it later, or never sees it), then restarted.
 * 4. The v1 details lookup (Partner API) fails 8 times in a row: the action waits, then gets the right decision.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type N8nInstance, waitFor, type WorkflowJson } from './harness/n8n';
import {
	assertDecidedOnceCorrectly,
	type AutoApprovalFund,
	type CreatedAction,
	createActions,
	dedupKey,
	demo,
	exampleWorkflows,
	prepareN8n,
	type Sandbox,
	startWorld,
	stopWorld,
	waitForDecisions,
	type World,
} from './support/governance';

const GOOD_WITHDRAWAL = (sandbox: Sandbox) => demo.ruleCases(sandbox.creds.operationsFund.wallets.ETH)[0];
const OVER_LIMIT = (sandbox: Sandbox) => demo.ruleCases(sandbox.creds.operationsFund.wallets.ETH)[1];

describe('delivery under faults in a real n8n', { timeout: 20 * 60_000 }, () => {
	let world: World;
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflows: { v2: WorkflowJson; v1: WorkflowJson };
	const funds = {} as Record<'v1' | 'v2', AutoApprovalFund>;

	const faultRules = (rules: unknown[]) => sandbox.admin('POST', '/faults', { rules });
	const ruleHits = async () => (await sandbox.admin<{ rules: Array<{ hits: number; remaining: number }> }>('GET', '/faults')).rules;
	const executionsOf = async (workflow: WorkflowJson, actionId: string) => {
		const base = dedupKey(workflow, actionId);
		return (await n8n.executions(workflow.id)).filter((r) => r.deduplicationKey === base || r.deduplicationKey?.startsWith(`${base}:`));
	};
	const feedsConnected = () => waitFor(async () => (await sandbox.admin<{ feedConnections: number }>('GET', '/faults')).feedConnections === 2 || undefined, 'both feeds connected', 90_000);

	before(async () => {
		world = await startWorld('qredoD');
		sandbox = world.sandbox;
		funds.v2 = await demo.createAutoApprovalFund(sandbox.creds, sandbox.creds.qredoApiV2.apiKeyId, 'delivery v2');
		funds.v1 = await demo.createAutoApprovalFund(sandbox.creds, sandbox.creds.agent.id, 'delivery v1');
		workflows = exampleWorkflows(world.credentials, world.ids, { v2: 'qredoDeliveryV2', v1: 'qredoDeliveryV1' }, 'Delivery');
		n8n = world.n8n = await prepareN8n(world.tarball, world.credentials, [workflows.v2, workflows.v1], [workflows.v2.id, workflows.v1.id]);
		await n8n.start();
		await feedsConnected();
	});

	after(() => stopWorld(world, 'delivery'));

	test('the decision call fails once (503 / dropped connection, before or after Qredo applied it): decided once, one successful execution', async () => {
		const cases = [
			{ when: 'before', effect: 503 },
			{ when: 'after', effect: 503 },
			{ when: 'before', effect: 'drop' },
			{ when: 'after', effect: 'drop' },
		];
		const created: CreatedAction[] = [];
		for (const [i, c] of cases.entries()) {
			const rule = i % 2 === 0 ? GOOD_WITHDRAWAL(sandbox) : OVER_LIMIT(sandbox);
			// Armed before the action exists (the decision follows its frame within milliseconds); one action at a time.
			await faultRules([{ method: 'POST', path: '^/api/v2/actions/[^/]+$', count: 1, ...c }]);
			const [action] = await createActions(sandbox, funds.v2, [rule]);
			await waitForDecisions(sandbox, [action], 60_000);
			await waitFor(async () => (await ruleHits())[0]?.hits === 1 || undefined, 'the fault fired', 10_000);
			created.push(action);
		}
		// A decision call that failed after being applied shows up once in the log: the retry did not send it again.
		await waitFor(async () => (await sandbox.decisions()).filter((d) => created.some((a) => a.actionId === d.actionId)).length >= created.length || undefined, 'all decisions', 30_000);
		await assertDecidedOnceCorrectly(sandbox, created, await sandbox.decisions());
		for (const action of created) {
			const rows = await waitFor(async () => {
				const r = await executionsOf(workflows.v2, action.actionId);
				return r.length > 0 && r.every((x) => x.status !== 'running' && x.status !== 'new') ? r : undefined;
			}, `execution of ${action.actionId}`);
			assert.deepEqual(rows.map((r) => r.status), ['success'], `${action.actionId}: one successful execution`);
		}
		await sandbox.admin('DELETE', '/faults');
	});

	test('the decision call fails until the execution fails: the trigger offers the action again and it is decided once', async () => {
		// 7 refusals of the decision call outlast the node's 5 attempts, not the second execution's.
		await faultRules([{ method: 'POST', path: '^/api/v2/actions/[^/]+$', count: 7, effect: 503 }]);
		const [action] = await createActions(sandbox, funds.v2, [OVER_LIMIT(sandbox)]);
		const log = await waitForDecisions(sandbox, [action], 120_000);
		await assertDecidedOnceCorrectly(sandbox, [action], log);
		const rows = await waitFor(async () => {
			const r = await executionsOf(workflows.v2, action.actionId);
			return r.some((x) => x.status === 'success') ? r : undefined;
		}, 'a successful execution', 60_000);
		assert.deepEqual(
			rows.map((r) => [r.status, r.deduplicationKey?.slice(dedupKey(workflows.v2, action.actionId).length) || '(attempt 1)']),
			[
				['error', '(attempt 1)'],
				['success', ':2'],
			],
			'attempt 1 failed, attempt 2 (its own key, visible in the list) decided',
		);
		await sandbox.admin('DELETE', '/faults');
	});

	test('n8n SIGKILLed while Approve is in flight, then restarted: none lost, none twice (v2 and v1, applied or not)', async () => {
		const good = GOOD_WITHDRAWAL(sandbox);
		// The first decision call of each feed hangs 6 s, then Qredo applies it (its client is dead by then); the
		// second hangs and is dropped unapplied. Which action meets which is found from the decision log.
		const v2Path = '^/api/v2/actions/[^/]+$';
		const v1Path = '^/api/v1/p/coreclient/action/[^/]+$';
		await faultRules([
			{ method: 'POST', path: v2Path, count: 1, effect: 'pass', delayMs: 6000 },
			{ method: 'POST', path: v2Path, count: 1, effect: 'drop', delayMs: 6000 },
			{ method: 'PUT', path: v1Path, count: 1, effect: 'pass', delayMs: 6000 },
			{ method: 'PUT', path: v1Path, count: 1, effect: 'drop', delayMs: 6000 },
		]);
		const actions = [...(await createActions(sandbox, funds.v2, [good, good])), ...(await createActions(sandbox, funds.v1, [good, good]))];
		await waitFor(async () => (await ruleHits()).every((r) => r.hits === 1) || undefined, 'all four decision calls in flight', 60_000);
		await n8n.kill();
		await new Promise((resolve) => setTimeout(resolve, 7000));
		const appliedWhileDown = new Set((await sandbox.decisions()).filter((d) => actions.some((a) => a.actionId === d.actionId)).map((d) => d.actionId));
		assert.equal(appliedWhileDown.size, 2, 'the two "pass" calls were applied after n8n died');
		await n8n.start();
		await waitForDecisions(sandbox, actions, 180_000);
		// Let a second decision (if the design were wrong) arrive before judging.
		await new Promise((resolve) => setTimeout(resolve, 5000));
		await assertDecidedOnceCorrectly(sandbox, actions, await sandbox.decisions());
		for (const action of actions.filter((a) => !appliedWhileDown.has(a.actionId))) {
			const workflow = action.protocol === 'v2' ? workflows.v2 : workflows.v1;
			const rows = await waitFor(async () => {
				const r = await executionsOf(workflow, action.actionId);
				return r.some((x) => x.status === 'success') ? r : undefined;
			}, `the re-offered execution of ${action.actionId}`, 60_000);
			assert.ok(rows.length >= 2, `${action.actionId}: the crashed attempt and a new one: ${JSON.stringify(rows)}`);
		}
		await sandbox.admin('DELETE', '/faults');
		await feedsConnected();
	});

	test('the v1 details lookup fails 8 times in a row: the action waits for its details and is approved, never rejected on missing data', async () => {
		await faultRules([{ method: 'GET', path: `^/api/v1/p/coreclient/${sandbox.creds.agent.id}/action/[^/]+$`, count: 8, effect: 503 }]);
		const actions = await createActions(sandbox, funds.v1, [GOOD_WITHDRAWAL(sandbox)]);
		const log = await waitForDecisions(sandbox, actions, 120_000);
		await assertDecidedOnceCorrectly(sandbox, actions, log);
		assert.equal((await ruleHits())[0].hits, 8, 'all 8 failures were met');
		await sandbox.admin('DELETE', '/faults');
	});
});
