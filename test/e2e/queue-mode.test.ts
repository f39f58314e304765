/**
 * n8n's queue mode as custody teams run it: PostgreSQL and Redis (Debian's packages, throwaway instances on loopback),
 * an n8n main that holds the triggers and two workers that run the executions, the packed package loaded by every
 * process. 300 actions (v2 and v1) are decided exactly once, as the rule says, while a worker is SIGKILLed with
 * executions in flight and the main is SIGKILLed and restarted. Partner API calls in x-nonce mode from the main
 * (details lookups) and both workers (a webhook workflow fired 40 times at once) all succeed; each worker logs in to
 * Qredo API v2 with its own token.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { N8nInstance, waitFor, type WorkflowJson } from './harness/n8n';
import { startPostgres, startRedis, type Postgres, type Redis } from '../support/services';
import {
	assertDecidedOnceCorrectly,
	type AutoApprovalFund,
	type CreatedAction,
	createActions,
	demo,
	exampleWorkflows,
	mixedCases,
	type Sandbox,
	startWorld,
	stopWorld,
	waitForDecisions,
	type World,
} from './support/governance';

const ACTIONS = 300;

describe('queue mode: main + 2 workers, PostgreSQL and Redis', { timeout: 25 * 60_000 }, () => {
	let world: World;
	let sandbox: Sandbox;
	let postgres: Postgres;
	let redis: Redis;
	let main: N8nInstance;
	const workers: N8nInstance[] = [];
	let workflows: { v2: WorkflowJson; v1: WorkflowJson };
	let nonceWorkflow: WorkflowJson;
	const funds = {} as Record<'v1' | 'v2', AutoApprovalFund>;

	before(async () => {
		[world, postgres, redis] = await Promise.all([startWorld('qredoQ'), startPostgres(), startRedis()]);
		sandbox = world.sandbox;
		funds.v2 = await demo.createAutoApprovalFund(sandbox.creds, sandbox.creds.qredoApiV2.apiKeyId, 'queue v2');
		funds.v1 = await demo.createAutoApprovalFund(sandbox.creds, sandbox.creds.agent.id, 'queue v1');
		// Every process signs Partner API calls with the same key in x-nonce mode: each nonce must exceed the last one
		// Qredo saw from any of them.
		const credentials = world.credentials.map((c) => (c.id === world.ids.partnerApi ? { ...c, data: { ...c.data, partnerReplayProtection: 'nonce' } } : c));
		workflows = exampleWorkflows(credentials, world.ids, { v2: 'qredoQueueV2', v1: 'qredoQueueV1' }, 'Queue');
		const partner = credentials.find((c) => c.id === world.ids.partnerApi)!;
		nonceWorkflow = {
			id: 'qredoQueueNonce',
			name: 'Queue nonce',
			active: false,
			settings: { executionOrder: 'v1' },
			connections: { Webhook: { main: [[{ node: 'Read Wallet', type: 'main', index: 0 }]] } },
			nodes: [
				{ id: 'w1', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: '6f1c1f0e-5d59-4a43-9c7e-0c0ad1e0a001', parameters: { httpMethod: 'POST', path: 'qredo-nonce', options: {} } },
				{
					id: 'w2',
					name: 'Read Wallet',
					type: 'n8n-nodes-qredo.qredo',
					typeVersion: 1,
					position: [300, 0],
					parameters: { api: 'partnerApi', resource: 'wallet', operation: 'get', walletId: sandbox.creds.operationsFund.wallets.ETH },
					credentials: { qredoApi: { id: partner.id, name: partner.name } },
				},
			],
		} as unknown as WorkflowJson;

		const queueEnv = {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host,
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database,
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: '',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			// A killed worker's jobs are found stalled within seconds instead of a minute (n8n: lock 60 s, check every 30 s).
			QUEUE_WORKER_LOCK_DURATION: '10000',
			QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
			QUEUE_WORKER_STALLED_INTERVAL: '5000',
		};
		main = world.n8n = await N8nInstance.create({ env: queueEnv });
		await main.installPackage(world.tarball);
		await main.importCredentials(credentials);
		await main.importWorkflows([workflows.v2, workflows.v1, nonceWorkflow]);
		for (const workflow of [workflows.v2, workflows.v1, nonceWorkflow]) await main.publish(workflow.id);
		await main.start({ timeoutMs: 240_000 });
		for (let i = 0; i < 2; i++) workers.push(await N8nInstance.create({ userFolder: main.userFolder, role: 'worker', env: queueEnv, workerConcurrency: 8 }));
		await Promise.all(workers.map((worker) => worker.start({ timeoutMs: 240_000 })));
		await waitFor(async () => (await sandbox.admin<{ feedConnections: number }>('GET', '/faults')).feedConnections === 2 || undefined, 'both feeds connected (on the main)', 120_000);
	});

	after(async () => {
		for (const worker of workers) await worker.stop().catch(() => undefined);
		await stopWorld(world, 'queue-mode');
		await postgres?.stop();
		await redis?.stop();
	});

	test(`${ACTIONS} actions decided exactly once while a worker is SIGKILLed and the main crashes and restarts`, async () => {
		const created: CreatedAction[] = [];
		const batch = async (count: number) => {
			const cases = mixedCases(sandbox, count);
			const half = Math.ceil(count / 2);
			created.push(...(await createActions(sandbox, funds.v2, cases.slice(0, half), 20)), ...(await createActions(sandbox, funds.v1, cases.slice(half), 20)));
		};
		await batch(100);
		// A worker dies with executions in flight: Bull finds its jobs stalled, n8n fails them, the trigger offers again.
		await waitFor(async () => (await main.executions()).some((r) => r.status === 'running') || undefined, 'executions in flight', 60_000, 100);
		await workers[0].kill();
		await batch(100);
		await workers[0].start({ timeoutMs: 240_000 });
		// The main (which holds the triggers and the delivery ledger) crashes; the workers keep running what they hold.
		await main.kill();
		await batch(100);
		await main.start({ timeoutMs: 240_000 });

		const log = await waitForDecisions(sandbox, created, 15 * 60_000);
		await assertDecidedOnceCorrectly(sandbox, created, log);
		assert.equal(created.length, ACTIONS);

		const rows = await main.executions();
		const byStatus = rows.reduce<Record<string, number>>((counts, row) => ((counts[row.status] = (counts[row.status] ?? 0) + 1), counts), {});
		console.log(`# queue mode: ${rows.length} executions ${JSON.stringify(byStatus)} for ${ACTIONS} actions`);
		// (An action decided by an execution that then died has no successful execution: its next attempt found it decided.)
		// The trigger on the main learns that a worker's execution decided its action from the execution's custom data
		// (no run data reaches the main). Had it not, every such action would sit in the saved ledger as "done, left
		// undecided" (state d); decided actions are not saved at all.
		for (const workflow of [workflows.v2, workflows.v1]) {
			const saved = Object.values(await main.staticData(workflow.id)).find((node) => (node as { delivery?: unknown }).delivery) as { delivery: { entries: Array<[string, number, number, string]> } } | undefined;
			assert.ok(saved, `${workflow.name}: the trigger saved its ledger`);
			assert.deepEqual(saved.delivery.entries.filter((entry) => entry[3] === 'd'), [], `${workflow.name}: no decided action recorded as left undecided`);
		}
	});

	test('x-nonce Partner API calls from the main and both workers at once all succeed; each worker has its own v2 token', async () => {
		const before = (await main.executions(nonceWorkflow.id)).length;
		const answers = await Promise.all(
			Array.from({ length: 40 }, () => fetch(`${main.baseUrl}/webhook/qredo-nonce`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).then((r) => r.status)),
		);
		assert.deepEqual([...new Set(answers)], [200]);
		// v1 details lookups on the main use the same key meanwhile
		const cases = mixedCases(sandbox, 10);
		const concurrent = await createActions(sandbox, funds.v1, cases);
		const rows = await main.waitForExecutions(before + 40, { workflowId: nonceWorkflow.id, timeoutMs: 180_000 });
		const mine = rows.slice(before);
		assert.deepEqual(mine.filter((r) => r.status !== 'success').map((r) => `${r.id} ${r.status}`), [], 'every Partner API call succeeded');
		await assertDecidedOnceCorrectly(sandbox, concurrent, await waitForDecisions(sandbox, concurrent, 180_000));
		const logins = sandbox.requests.filter((r) => r.kind === 'request' && /\/api\/v2\/workspaces\/[^/]+\/token$/.test(r.path) && r.status === 200);
		assert.ok(logins.length >= 3, `the main and each worker logged in to Qredo API v2 (${logins.length} logins)`);
	});
});
