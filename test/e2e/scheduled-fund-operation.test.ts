/**
 * examples/scheduled-fund-operation.json in a real n8n 2.41.1 with the packed package installed as a community
 * package, run by `n8n execute` (its manual trigger; the hourly Schedule Trigger takes the same path) against the
 * sandbox: the first run sweeps the excess of the source wallet to the treasury wallet through the Partner API, the
 * second run, while that transfer awaits approval, sweeps nothing. Every request was RSA-verified by the sandbox.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { N8nInstance, RunExecutionData, WorkflowJson } from './harness/n8n';
import { packPackage } from './harness/n8n';
import { type AdminTransaction, credentialIds, demo, leakedSecrets, prepareN8n, type Sandbox, secretValues, startDemoSandbox } from './support/governance';

const WORKFLOW_ID = 'qredoSweepE2e0001';

interface SweepSettingsNode {
	name: string;
	parameters: { assignments: { assignments: Array<{ name: string; value: unknown }> } };
}

/** The example with the sandbox's company and wallets in its Sweep Settings; other settings as shipped. */
function sweepWorkflow(sandbox: Sandbox, credentials: ReturnType<typeof demo.n8nCredentials>): { workflow: WorkflowJson; settings: Record<string, unknown> } {
	const ids = credentialIds('qredoSweep');
	const workflow = demo.exampleWorkflow('scheduled-fund-operation.json', {
		credentials: demo.workflowCredentials(credentials, ids.approverV2, ids.partnerApi),
		id: WORKFLOW_ID,
		name: 'Scheduled sweep (e2e)',
	});
	const settingsNode = (workflow.nodes as unknown as SweepSettingsNode[]).find((n) => n.name === 'Sweep Settings');
	assert.ok(settingsNode, 'the example has a Sweep Settings node');
	const ours: Record<string, string> = {
		companyId: sandbox.creds.company.id,
		sourceWalletId: sandbox.creds.fund.wallets.ETH,
		treasuryWalletId: sandbox.creds.operationsFund.wallets.ETH,
	};
	const settings: Record<string, unknown> = {};
	for (const assignment of settingsNode.parameters.assignments.assignments) {
		if (assignment.name in ours) assignment.value = ours[assignment.name];
		settings[assignment.name] = assignment.value;
	}
	return { workflow, settings };
}

/** `n8n execute --id … --rawOutput`: the run data of one execution (n8n prints the whole IRun as JSON). */
async function execute(n8n: N8nInstance): Promise<RunExecutionData['resultData']['runData']> {
	const { stdout } = await n8n.cli(['execute', `--id=${WORKFLOW_ID}`, '--rawOutput']);
	const start = stdout.indexOf('{');
	assert.ok(start >= 0, `n8n execute printed its run data: ${stdout.slice(0, 500)}`);
	const run = JSON.parse(stdout.slice(start)) as { data: RunExecutionData };
	assert.equal(run.data.resultData.error, undefined, 'the execution succeeded');
	return run.data.resultData.runData;
}

const outputOf = (runData: RunExecutionData['resultData']['runData'], node: string) =>
	(runData[node]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json as Record<string, unknown>);

describe('scheduled fund operation example in a real n8n', { timeout: 10 * 60_000 }, () => {
	let tarball: string;
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let settings: Record<string, unknown>;
	let partnerCredential: { id: string; name: string };

	before(async () => {
		[tarball, sandbox] = await Promise.all([packPackage(), startDemoSandbox()]);
		const credentials = demo.n8nCredentials(sandbox.creds, credentialIds('qredoSweep'));
		const partner = credentials.find((c) => c.id === credentialIds('qredoSweep').partnerApi);
		assert.ok(partner, 'the Qredo API credential');
		partnerCredential = { id: partner.id, name: partner.name };
		const built = sweepWorkflow(sandbox, credentials);
		settings = built.settings;
		n8n = await prepareN8n(tarball, credentials, [built.workflow], []);
	});

	after(async () => {
		await n8n?.cleanup();
		await sandbox?.stop();
		if (tarball) rmSync(dirname(tarball), { recursive: true, force: true });
	});

	const sweeps = async () =>
		(await sandbox.admin<{ transactions: Array<AdminTransaction & { type: string; walletId: string; amount: number; netAmount: number; recipient: { walletId: string } }> }>('GET', '/transactions')).transactions.filter(
			(tx) => tx.type === 'transfer' && tx.walletId === sandbox.creds.fund.wallets.ETH,
		);

	test('first run: transfers the excess above keepInWallet to the treasury, with a generated partner_txID', async () => {
		assert.deepEqual(await sweeps(), [], 'no sweep before the first run');
		const runData = await execute(n8n);
		const [max] = outputOf(runData, 'Get Max Sendable');
		const [created] = outputOf(runData, 'Transfer to Treasury');
		assert.ok(created, `the transfer ran (nodes that ran: ${Object.keys(runData).join(', ')})`);
		assert.match(String(created.partner_txID), /^[0-9a-f-]{36}$/, 'a partner_txID was generated and returned');
		const [tx] = await sweeps();
		assert.ok(tx, 'the sandbox holds the sweep');
		assert.equal(tx.txId, created.tx_id);
		assert.equal(tx.status, 'pending', 'it awaits the fund custody group');
		assert.equal(tx.recipient.walletId, settings.treasuryWalletId, 'to the treasury wallet');
		assert.equal(tx.netAmount, Number(max.netAmount) - Number(settings.keepInWallet), 'the treasury receives the net sendable minus keepInWallet');
		assert.ok(tx.amount > tx.netAmount, 'fees on top');
	});

	test('second run while the sweep awaits approval: below the threshold, nothing transferred', async () => {
		const runData = await execute(n8n);
		assert.equal(outputOf(runData, 'Transfer to Treasury').length, 0);
		assert.equal(outputOf(runData, 'Below Threshold').length, 1);
		assert.equal((await sweeps()).length, 1, 'still exactly one sweep');
	});

	test("the editor's pickers, through n8n's own resource-locator endpoint: the fund's wallets and the pending sweep", async () => {
		await n8n.start();
		const pick = (methodName: string, parameter: string, currentNodeParameters: Record<string, unknown>) =>
			n8n.rest<{ results: Array<{ name: string; value: string }> }>('POST', '/dynamic-node-parameters/resource-locator-results', {
				path: `parameters.${parameter}`,
				nodeTypeAndVersion: { name: 'n8n-nodes-qredo.qredo', version: 1 },
				methodName,
				currentNodeParameters: { api: 'partnerApi', ...currentNodeParameters },
				credentials: { qredoApi: partnerCredential },
			});
		const company = { __rl: true, mode: 'list', value: sandbox.creds.company.id };
		const wallets = await pick('searchWallets', 'walletId', { resource: 'fund', operation: 'setWalletPolicy', companyId: company, fundId: { __rl: true, mode: 'id', value: sandbox.creds.fund.id } });
		assert.deepEqual(wallets.results.map((r) => r.value).sort(), Object.values(sandbox.creds.fund.wallets).sort());
		const [sweep] = await sweeps();
		const transfers = await pick('searchTransactions', 'txId', { resource: 'transfer', operation: 'getStatus', companyId: company });
		assert.match(String(transfers.results.find((r) => r.value === sweep.txId)?.name), /^transfer \d+ ETH · pending · /);
	});

	test('no secret in the execution data or the n8n log', async () => {
		const secrets = secretValues(sandbox.creds);
		const executionText = (await n8n.sql<{ data: string }>('SELECT data FROM execution_data')).map((r) => r.data).join('\n');
		assert.ok(executionText.includes('partner_txID'), 'the executions were read');
		assert.deepEqual(leakedSecrets(executionText, secrets), [], 'execution data');
		assert.deepEqual(leakedSecrets(n8n.logText(), secrets), [], 'n8n log');
	});
});
