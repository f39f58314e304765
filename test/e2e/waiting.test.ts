/**
 * Executions that wait for a human, in a real n8n 2.41.1: Qredo Trigger → Wait (resume on a webhook call) → Approve.
 * A waiting execution is neither failed nor done: it frees its slot of the in-flight window (here 1), it is not
 * offered again while it waits — not when the feed replays, not after n8n restarts — and when it resumes, the action
 * is decided once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type N8nInstance, waitFor, type WorkflowJson } from './harness/n8n';
import {
	assertDecidedOnceCorrectly,
	type AutoApprovalFund,
	createActions,
	demo,
	executionsData,
	prepareN8n,
	type Sandbox,
	startWorld,
	stopWorld,
	waitForDecisions,
	type World,
} from './support/governance';

/**
 * Trigger (renamed) → Set → Wait → IF → Code → Approve with its default, empty Action ID: Approve must find its action
 * by following the item's lineage, since after the Wait the item holds only the webhook's data.
 */
function waitingWorkflow(credential: { id: string; name: string }): WorkflowJson {
	const trigger = { id: randomUUID(), name: 'Pending Qredo Action' };
	return {
		id: 'qredoWaitForHuman',
		name: 'Wait for a human, then approve',
		active: false,
		settings: { executionOrder: 'v1' },
		connections: {
			'Pending Qredo Action': { main: [[{ node: 'Resume URL', type: 'main', index: 0 }]] },
			'Resume URL': { main: [[{ node: 'Wait For Human', type: 'main', index: 0 }]] },
			'Wait For Human': { main: [[{ node: 'Still Wanted?', type: 'main', index: 0 }]] },
			'Still Wanted?': { main: [[{ node: 'Replace The Item', type: 'main', index: 0 }], []] },
			'Replace The Item': { main: [[{ node: 'Approve', type: 'main', index: 0 }]] },
		},
		nodes: [
			{
				...trigger,
				type: 'n8n-nodes-qredo.qredoTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { fetchDetails: false, actionTypes: [], skipExpiringWithinSeconds: 0, options: { maxInFlight: 1 } },
				credentials: { qredoApproverApi: credential },
			},
			{
				// What a message to a human would carry: n8n's signed link that resumes this execution.
				id: randomUUID(),
				name: 'Resume URL',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [130, 0],
				parameters: { assignments: { assignments: [{ id: randomUUID(), name: 'resumeUrl', value: '={{ $execution.resumeUrl }}', type: 'string' }] }, includeOtherFields: true, options: {} },
			},
			{ id: randomUUID(), name: 'Wait For Human', type: 'n8n-nodes-base.wait', typeVersion: 1.1, position: [260, 0], webhookId: randomUUID(), parameters: { resume: 'webhook', options: {} } },
			{
				id: randomUUID(),
				name: 'Still Wanted?',
				type: 'n8n-nodes-base.if',
				typeVersion: 2.2,
				position: [390, 0],
				parameters: {
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
						conditions: [{ id: randomUUID(), leftValue: '={{ 1 }}', rightValue: 1, operator: { type: 'number', operation: 'equals' } }],
						combinator: 'and',
					},
					options: {},
				},
			},
			{
				id: randomUUID(),
				name: 'Replace The Item',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [520, 0],
				parameters: { mode: 'runOnceForEachItem', jsCode: "return { json: { note: 'the human said yes' } };" },
			},
			{
				id: randomUUID(),
				name: 'Approve',
				type: 'n8n-nodes-qredo.qredoApproval',
				typeVersion: 1,
				position: [650, 0],
				// No Action ID: the default finds the action through the item's lineage.
				parameters: { operation: 'approve', reason: 'approved by a human' },
				credentials: { qredoApproverApi: credential },
			},
		],
	} as unknown as WorkflowJson;
}

describe('executions waiting for a human; Approve finds its action through Wait, IF and Code nodes', { timeout: 15 * 60_000 }, () => {
	let world: World;
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflow: WorkflowJson;
	let fund: AutoApprovalFund;

	before(async () => {
		world = await startWorld('qredoWait');
		sandbox = world.sandbox;
		fund = await demo.createAutoApprovalFund(sandbox.creds, sandbox.creds.qredoApiV2.apiKeyId, 'waiting v2');
		const approver = world.credentials.find((c) => c.id === world.ids.approverV2);
		assert.ok(approver);
		workflow = waitingWorkflow({ id: approver.id, name: approver.name });
		n8n = world.n8n = await prepareN8n(world.tarball, world.credentials, [workflow], [workflow.id]);
		await n8n.start();
	});

	after(() => stopWorld(world, 'waiting'));

	const feedConnected = () => waitFor(async () => (await sandbox.admin<{ feedConnections: number }>('GET', '/faults')).feedConnections === 1 || undefined, 'the feed connected', 90_000);

	test('3 actions with an in-flight window of 1: all three wait at once; not offered again across feed drops and restarts; each decided once on resume', async () => {
		await feedConnected();
		const good = demo.ruleCases(sandbox.creds.operationsFund.wallets.ETH)[0];
		const actions = await createActions(sandbox, fund, [good, good, good]);
		// Had a waiting execution kept its slot, only the first would have started.
		const waiting = await waitFor(async () => {
			const rows = await n8n.executions(workflow.id);
			return rows.length === 3 && rows.every((r) => r.status === 'waiting') ? rows : undefined;
		}, 'three waiting executions', 60_000);

		// The feed replays every pending action on reconnect: still no new execution.
		await sandbox.admin('POST', '/faults/drop-feeds');
		await feedConnected();
		await new Promise((resolve) => setTimeout(resolve, 5000));
		assert.equal((await n8n.executions(workflow.id)).length, 3, 'not offered again after a feed drop');

		// A restart of n8n (graceful, then a crash): the waiting executions persist in n8n; the trigger offers nothing again.
		await n8n.restart();
		await feedConnected();
		await new Promise((resolve) => setTimeout(resolve, 8000));
		await n8n.kill();
		await n8n.start();
		await feedConnected();
		await new Promise((resolve) => setTimeout(resolve, 8000));
		const rows = await n8n.executions(workflow.id);
		assert.deepEqual(rows.map((r) => r.status), ['waiting', 'waiting', 'waiting'], `not offered again after restarts: ${JSON.stringify(rows)}`);
		assert.equal((await sandbox.decisions()).length, 0, 'nothing decided while the human has not answered');

		// The human answers: each execution resumes and approves its own action, once.
		const data = await executionsData(n8n, waiting.map((r) => r.id));
		for (const row of waiting) {
			const url = (data.get(row.id)?.resultData.runData['Resume URL']?.[0]?.data?.main?.[0]?.[0]?.json as { resumeUrl?: string } | undefined)?.resumeUrl;
			assert.match(url ?? '', new RegExp(`/webhook-waiting/${row.id}\\b`), `the resume URL of ${row.id}`);
			const response = await fetch(url as string);
			assert.equal(response.status, 200, `resume ${row.id}: ${await response.text()}`);
		}
		const log = await waitForDecisions(sandbox, actions, 60_000);
		await new Promise((resolve) => setTimeout(resolve, 3000));
		await assertDecidedOnceCorrectly(sandbox, actions, await sandbox.decisions());
		void log;
		const final = await waitFor(async () => {
			const r = await n8n.executions(workflow.id);
			return r.every((x) => x.status === 'success') ? r : undefined;
		}, 'all executions succeeded', 30_000);
		assert.equal(final.length, 3);
	});
});
