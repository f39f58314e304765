/**
 * A burst of 1,000 pending actions arriving at once, in a real n8n 2.41.1 with its default settings (SQLite, no
 * concurrency limit): the feed replays everything after an outage. n8n is stopped, 1,000 actions are created, n8n
 * starts and the feed delivers them all in one go. The trigger's in-flight window (default 10) must get every one
 * decided exactly once, with the main process's memory bounded.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type N8nInstance, waitFor, type WorkflowJson } from './harness/n8n';
import {
	assertDecidedOnceCorrectly,
	type AutoApprovalFund,
	createActions,
	demo,
	exampleWorkflows,
	mixedCases,
	prepareN8n,
	type Sandbox,
	startWorld,
	stopWorld,
	waitForDecisions,
	type World,
} from './support/governance';

const BURST = Number(process.env.QREDO_BURST_ACTIONS ?? 1000);
const MAX_RSS_GROWTH_MB = 600;

describe(`a burst of ${BURST} pending actions with n8n's defaults`, { timeout: 30 * 60_000 }, () => {
	let world: World;
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflow: WorkflowJson;
	let fund: AutoApprovalFund;

	before(async () => {
		world = await startWorld('qredoBurst');
		sandbox = world.sandbox;
		fund = await demo.createAutoApprovalFund(sandbox.creds, sandbox.creds.qredoApiV2.apiKeyId, 'burst v2');
		workflow = exampleWorkflows(world.credentials, world.ids, { v2: 'qredoBurstV2', v1: 'qredoBurstV1' }, 'Burst').v2;
		n8n = world.n8n = await prepareN8n(world.tarball, world.credentials, [workflow], [workflow.id]);
	});

	after(() => stopWorld(world, 'burst'));

	test(`${BURST} actions replayed at once after an outage: each decided exactly once, as the rule says; main RSS growth ≤ ${MAX_RSS_GROWTH_MB} MB`, async () => {
		// The baseline: n8n with the workflow published and its feed connected, nothing pending.
		await n8n.start();
		await waitFor(async () => (await sandbox.admin<{ feedConnections: number }>('GET', '/faults')).feedConnections === 1 || undefined, 'the feed connected', 90_000);
		await new Promise((resolve) => setTimeout(resolve, 3000));
		const baselineMb = n8n.rssMb() ?? 0;
		await n8n.stop();

		const createdAt = Date.now();
		const actions = await createActions(sandbox, fund, mixedCases(sandbox, BURST));
		console.log(`# created ${actions.length} pending actions in ${((Date.now() - createdAt) / 1000).toFixed(1)} s while n8n was down`);

		let peakMb = 0;
		const sampler = setInterval(() => (peakMb = Math.max(peakMb, n8n.rssMb() ?? 0)), 250);
		try {
			const started = Date.now();
			await n8n.start();
			const log = await waitForDecisions(sandbox, actions, 20 * 60_000);
			const seconds = (Date.now() - started) / 1000;
			// A little longer, so a second decision of anything would show.
			await new Promise((resolve) => setTimeout(resolve, 5000));
			await assertDecidedOnceCorrectly(sandbox, actions, await sandbox.decisions());
			const growth = peakMb - baselineMb;
			console.log(
				`# burst: ${actions.length} actions decided once in ${seconds.toFixed(0)} s (${(actions.length / seconds).toFixed(1)}/s incl. n8n start); ` +
					`main RSS baseline ${baselineMb.toFixed(0)} MB, peak ${peakMb.toFixed(0)} MB, growth ${growth.toFixed(0)} MB`,
			);
			assert.ok(growth <= MAX_RSS_GROWTH_MB, `main RSS grew ${growth.toFixed(0)} MB (limit ${MAX_RSS_GROWTH_MB})`);
			void log;
		} finally {
			clearInterval(sampler);
		}
		const rows = await n8n.executions(workflow.id);
		const failed = rows.filter((r) => r.status !== 'success');
		assert.deepEqual(failed.map((r) => `${r.id} ${r.status} ${r.deduplicationKey}`), [], 'no execution failed');
		assert.equal(rows.length, actions.length, 'one execution per action');
	});
});
