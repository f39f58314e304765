/**
 * Governance end to end, in a real n8n 2.41.1 with the packed package installed as a community package: the example
 * workflows of examples/ (Qredo Trigger → IF amount ≤ limit AND address allowlisted → Qredo Approve/Reject) decide
 * actions of the local Qredo sandbox, and every assertion is made on the sandbox's decision log, where each
 * signature was verified with the pairing.
 *
 * One n8n instance serves every scenario (start-up costs ~15 s): the v2 and v1 workflows of sandbox A run side by
 * side on two funds that each need only their approver, so each decision settles its transaction; the same two
 * workflows with wrong secrets point at sandbox B, which must never see a signature.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CredentialJson, WorkflowJson } from './harness/n8n';
import { N8nInstance, packPackage, waitFor } from './harness/n8n';
import {
	type AdminTransaction,
	assertDecidedOnceCorrectly,
	assertOneExecutionPerAction,
	auditRecord,
	type AutoApprovalFund,
	type CreatedAction,
	createActions,
	credentialIds,
	demo,
	exampleWorkflows,
	executionsData,
	frameToDecisionMs,
	leakedSecrets,
	median,
	mixedCases,
	prepareN8n,
	type Sandbox,
	secretValues,
	startDemoSandbox,
	waitForDecisions,
} from './support/governance';

const ACTIONS_PER_FEED = 50;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Successful WebSocket upgrades the sandbox logged on its two feed paths. */
const feedDials = (sandbox: Sandbox) => sandbox.requests.filter((r) => r.kind === 'upgrade' && r.status === 101).length;

const bothFeedsConnected = (sandbox: Sandbox, what: string) =>
	waitFor(async () => (await sandbox.admin<{ feedConnections: number }>('GET', '/faults')).feedConnections === 2 || undefined, what, 60_000);

describe('rule-based governance in a real n8n', { timeout: 20 * 60_000 }, () => {
	let tarball: string;
	let good: Sandbox;
	let bad: Sandbox;
	let n8n: N8nInstance;
	let workflows: { v2: WorkflowJson; v1: WorkflowJson };
	let badWorkflows: { v2: WorkflowJson; v1: WorkflowJson };
	const funds: Record<'v1' | 'v2', AutoApprovalFund> = {} as Record<'v1' | 'v2', AutoApprovalFund>;
	/** every action any scenario created on sandbox A, to account for the whole decision log at the end */
	const allActions: CreatedAction[] = [];

	/** Creates `count` mixed cases on both feeds at once, `paceMs` apart on each. */
	const createOnBothFeeds = async (count: number, paceMs: number): Promise<CreatedAction[]> => {
		const cases = mixedCases(good, count);
		const [v2, v1] = await Promise.all([createActions(good, funds.v2, cases, paceMs), createActions(good, funds.v1, cases, paceMs)]);
		allActions.push(...v2, ...v1);
		return [...v2, ...v1];
	};
	const byProtocol = (actions: CreatedAction[], protocol: 'v1' | 'v2') => actions.filter((a) => a.protocol === protocol);

	before(async () => {
		const started = Date.now();
		[tarball, good, bad] = await Promise.all([packPackage(), startDemoSandbox(), startDemoSandbox()]);
		funds.v2 = await demo.createAutoApprovalFund(good.creds, good.creds.qredoApiV2.apiKeyId, 'n8n v2 auto-approval');
		funds.v1 = await demo.createAutoApprovalFund(good.creds, good.creds.agent.id, 'n8n v1 auto-approval');

		const goodIds = credentialIds('qredoA');
		const goodCredentials = demo.n8nCredentials(good.creds, goodIds);
		workflows = exampleWorkflows(goodCredentials, goodIds, { v2: 'qredoRuleE2eAv2', v1: 'qredoRuleE2eAv1' }, 'Auto-approval, sandbox A');

		// Sandbox B's identities with a wrong v2 API secret and a wrong M-Pin client secret: both well-formed (A's
		// values), so the trigger gets as far as Qredo, which refuses them.
		const badIds = credentialIds('qredoB');
		const badCredentials = demo.n8nCredentials(bad.creds, badIds).map((credential): CredentialJson => {
			if (credential.id === badIds.approverV2) return { ...credential, data: { ...credential.data, apiSecret: good.creds.qredoApiV2.secret } };
			if (credential.id === badIds.approverV1) return { ...credential, data: { ...credential.data, mpinClientSecret: good.creds.agent.clientSecret } };
			return credential;
		});
		badWorkflows = exampleWorkflows(badCredentials, badIds, { v2: 'qredoRuleE2eBv2', v1: 'qredoRuleE2eBv1' }, 'Wrong secrets, sandbox B');
		// Pending work the refused approvers could sign if the trigger let them through.
		for (const type of ['withdraw', 'transfer'] as const) {
			await bad.admin('POST', '/transactions', {
				type,
				fundId: bad.creds.fund.id,
				asset: 'ETH',
				amount: 1000,
				recipient: type === 'withdraw' ? bad.creds.whitelist[0].address : bad.creds.operationsFund.wallets.ETH,
			});
		}

		const all = [workflows.v2, workflows.v1, badWorkflows.v2, badWorkflows.v1];
		n8n = await prepareN8n(tarball, [...goodCredentials, ...badCredentials], all, all.map((w) => w.id));
		await n8n.start();
		console.log(`# set-up (pack, 2 sandboxes, n8n install/import/publish/start): ${((Date.now() - started) / 1000).toFixed(1)} s; n8n ready in ${n8n.lastStartMs} ms`);
		// Both feeds of sandbox A connected before the scenarios start creating actions.
		await bothFeedsConnected(good, 'both feeds of sandbox A connected');
	});

	after(async () => {
		// For debugging a failed run: QREDO_E2E_LOG_DIR=<dir> keeps the n8n log.
		if (n8n && process.env.QREDO_E2E_LOG_DIR) writeFileSync(join(process.env.QREDO_E2E_LOG_DIR, 'governance-n8n.log'), n8n.logText());
		await n8n?.cleanup();
		await good?.stop();
		await bad?.stop();
		if (tarball) rmSync(dirname(tarball), { recursive: true, force: true });
	});

	test(`${ACTIONS_PER_FEED} mixed actions on the v2 feed and ${ACTIONS_PER_FEED} on the v1 feed: each decided once, as the rule says, signatures verified`, async (t) => {
		const started = Date.now();
		const actions = await createOnBothFeeds(ACTIONS_PER_FEED, 100);
		const log = await waitForDecisions(good, actions);
		await assertDecidedOnceCorrectly(good, actions, log);
		assert.ok(actions.some((a) => a.rule.expect === 'approve') && actions.some((a) => a.rule.expect === 'reject'), 'both branches exercised');

		for (const protocol of ['v2', 'v1'] as const) {
			const workflow = workflows[protocol];
			const mine = byProtocol(actions, protocol);
			const rows = await assertOneExecutionPerAction(n8n, workflow, mine);
			// The audit record of each execution names the branch the rule took and Qredo's outcome.
			const data = await executionsData(n8n, rows.map((r) => r.id));
			for (const row of rows) {
				const run = data.get(row.id);
				assert.ok(run, `execution ${row.id} has data`);
				const { node, record } = auditRecord(run);
				const action = mine.find((a) => row.deduplicationKey?.endsWith(`:${a.actionId}`));
				assert.ok(action && record.actionId === action.actionId, `execution ${row.id} decided its own action`);
				assert.equal(node, action.rule.expect === 'approve' ? 'Approve' : 'Reject', `${protocol} ${action.rule.label}: branch`);
				assert.equal(record.outcome, action.rule.expect === 'approve' ? 'approved' : 'rejected', `${protocol} ${action.rule.label}: outcome`);
			}
			const latencies = frameToDecisionMs(good, mine, log);
			const line = `${protocol} feed: median feed frame → approval received ${median(latencies).toFixed(0)} ms (min ${Math.min(...latencies)} ms, max ${Math.max(...latencies)} ms, n=${latencies.length})`;
			t.diagnostic(line);
			console.log(`# ${line}`);
		}
		const approvals = actions.filter((a) => a.rule.expect === 'approve');
		const line = `both feeds: median feed frame → approval received ${median(frameToDecisionMs(good, approvals, log)).toFixed(0)} ms over ${approvals.length} approvals (sandbox send time from its action events, receipt from its decision log); scenario ${((Date.now() - started) / 1000).toFixed(1)} s`;
		t.diagnostic(line);
		console.log(`# ${line}`);
	});

	test('bad credentials: one failed execution per workflow naming the refusal (what runs the Error Workflow), still active, nothing signed', async () => {
		for (const protocol of ['v2', 'v1'] as const) {
			const workflow = badWorkflows[protocol];
			const rows = await waitFor(async () => {
				const found = await n8n.executions(workflow.id);
				return found.length > 0 ? found : undefined;
			}, `the ${protocol} refusal recorded`, 90_000);
			assert.deepEqual(rows.map((r) => r.status), ['error'], `one failed execution of the ${protocol} workflow with wrong secrets, no other`);
			const data = await n8n.executionData(rows[0].id);
			const error = data?.resultData.error as { message?: string; description?: string } | undefined;
			assert.match(error?.message ?? '', /Qredo Trigger "Qredo Trigger": Qredo refuses the approver credentials \(.*401/, `the ${protocol} refusal is named`);
			assert.match(error?.description ?? '', /Check the Qredo Approver API credential/);
			assert.doesNotMatch(JSON.stringify(data), /[0-9a-f]{64}/i, 'and holds no key material');
			assert.equal(await n8n.isActive(workflow.id), true, `the ${protocol} workflow stays active: it recovers when Qredo accepts the key`);
		}
		const refused = bad.requests.filter((r) => r.status === 401);
		assert.ok(refused.length > 0, 'sandbox B refused the wrong secrets with 401');
		assert.ok(refused.length < 60, `a refused credential is not hammered (${refused.length} refusals)`);
		assert.deepEqual(await bad.decisions(), [], 'sandbox B received no decision at all');
		const { transactions } = await bad.admin<{ transactions: AdminTransaction[] }>('GET', '/transactions');
		assert.ok(transactions.length >= 2 && transactions.every((tx) => tx.status === 'pending'), 'its transactions are all still pending');
	});

	test('latency at a steady pace (one approval every 1.5 s per feed): median feed frame → approval received', async (t) => {
		const approvable = mixedCases(good, 9).filter((c) => c.expect === 'approve');
		const cases = Array.from({ length: 10 }, (_, i) => approvable[i % approvable.length]);
		const [v2, v1] = await Promise.all([createActions(good, funds.v2, cases, 1500), createActions(good, funds.v1, cases, 1500)]);
		const actions = [...v2, ...v1];
		allActions.push(...actions);
		const log = await waitForDecisions(good, actions);
		await assertDecidedOnceCorrectly(good, actions, log);
		for (const [protocol, mine] of [['v2', v2], ['v1', v1]] as const) {
			const latencies = frameToDecisionMs(good, mine, log);
			const line = `${protocol} feed at a steady pace: median feed frame → approval received ${median(latencies).toFixed(0)} ms (min ${Math.min(...latencies)} ms, max ${Math.max(...latencies)} ms, n=${latencies.length})`;
			t.diagnostic(line);
			console.log(`# ${line}`);
		}
	});

	test('feed dropped 3 times and every frame sent twice during the run: still exactly one decision per action', async () => {
		const dialsBefore = feedDials(good);
		await good.admin('POST', '/faults', { duplicateFrames: 10_000 });
		try {
			const creating = createOnBothFeeds(20, 150);
			for (let drop = 1; drop <= 3; drop++) {
				await sleep(700);
				const { dropped } = await good.admin<{ dropped: number }>('POST', '/faults/drop-feeds', {});
				assert.equal(dropped, 2, `drop ${drop}: both feeds were connected and got dropped`);
				await bothFeedsConnected(good, `both feeds back after drop ${drop}`);
			}
			const actions = await creating;
			const log = await waitForDecisions(good, actions);
			await assertDecidedOnceCorrectly(good, actions, log);
			for (const protocol of ['v2', 'v1'] as const) await assertOneExecutionPerAction(n8n, workflows[protocol], byProtocol(actions, protocol));
			assert.ok(feedDials(good) - dialsBefore >= 6, `each feed redialled after each of the 3 drops (${feedDials(good) - dialsBefore} dials)`);
		} finally {
			await good.admin('DELETE', '/faults');
		}
	});

	test('n8n restarted mid-run: no action decided twice, none lost', async () => {
		// The first batch is being decided when n8n stops; the second is created while n8n is down or starting, so it
		// reaches the trigger only through the feed's replay of pending actions on connect.
		const first = await createOnBothFeeds(10, 50);
		const restarting = n8n.restart();
		const second = await createOnBothFeeds(10, 100);
		await restarting;
		await bothFeedsConnected(good, 'both feeds connected after the restart');
		const actions = [...first, ...second];
		const log = await waitForDecisions(good, actions);
		await assertDecidedOnceCorrectly(good, actions, log);
		for (const protocol of ['v2', 'v1'] as const) await assertOneExecutionPerAction(n8n, workflows[protocol], byProtocol(actions, protocol));
	});

	test('over the whole run: every action created on sandbox A decided exactly once, and nothing else decided', async () => {
		const log = await good.decisions();
		const created = new Set(allActions.map((a) => a.actionId));
		assert.equal(created.size, allActions.length);
		assert.deepEqual(log.filter((d) => !created.has(d.actionId)), [], 'no decision on an action the tests did not create');
		assert.equal(log.length, created.size, `${created.size} actions, ${log.length} decisions`);
		assert.deepEqual(await bad.decisions(), [], 'sandbox B (wrong secrets) still received no decision, restart included');
	});

	test('no secret of either sandbox appears in execution data, workflow static data or the n8n log', async () => {
		const secrets = [...secretValues(good.creds), ...secretValues(bad.creds)];
		// The scan itself must be able to see a leak.
		assert.deepEqual(leakedSecrets(`x${good.creds.qredoApiV2.secret}x`, secrets), ['v2 API secret']);
		const executionText = (await n8n.sql<{ data: string }>('SELECT data FROM execution_data')).map((r) => r.data).join('\n');
		assert.ok(executionText.length > 10_000, 'execution data was read');
		const staticText = (await n8n.sql<{ staticData: string | null }>('SELECT "staticData" FROM workflow_entity')).map((r) => r.staticData ?? '').join('\n');
		assert.deepEqual(leakedSecrets(executionText, secrets), [], 'execution data');
		assert.deepEqual(leakedSecrets(staticText, secrets), [], 'static data');
		assert.deepEqual(leakedSecrets(n8n.logText(), secrets), [], 'n8n log');
	});
});
