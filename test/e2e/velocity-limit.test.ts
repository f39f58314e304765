/**
 * examples/velocity-limit.json end to end in a real n8n 2.41.1: a rolling 24 h total per asset kept in an n8n Data
 * Table. Within the daily limit (5 ETH) the rule approves; over it, a human is asked by e-mail (local SMTP server);
 * only actions Qredo really approved are counted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type N8nInstance, waitFor, type WorkflowJson } from './harness/n8n';
import {
	assertDecidedOnceCorrectly,
	type AutoApprovalFund,
	type CreatedAction,
	createActions,
	decisionReasons,
	demo,
	executionsData,
	prepareN8n,
	type RuleCase,
	type Sandbox,
	startWorld,
	stopWorld,
	type World,
} from './support/governance';
import { click, type Mailbox, smtpCredential, startMailbox } from './support/mailbox';

const GWEI_PER_ETH = 1_000_000_000;

describe('velocity limit with an n8n Data Table in a real n8n', { timeout: 15 * 60_000 }, () => {
	let world: World;
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflow: WorkflowJson;
	let fund: AutoApprovalFund;
	let mailbox: Mailbox;
	let table: { projectId: string; id: string };

	before(async () => {
		[world, mailbox] = await Promise.all([startWorld('qredoVelocity'), startMailbox()]);
		sandbox = world.sandbox;
		fund = await demo.createAutoApprovalFund(sandbox.creds, sandbox.creds.qredoApiV2.apiKeyId, 'velocity v2');
		const smtp = smtpCredential(mailbox);
		const approver = world.credentials.find((c) => c.id === world.ids.approverV2);
		assert.ok(approver);
		workflow = demo.exampleWorkflow('velocity-limit.json', {
			credentials: { qredoApproverApi: { id: approver.id, name: approver.name }, smtp: { id: smtp.id, name: smtp.name } },
			id: 'qredoVelocityLimit',
			name: 'Velocity limit',
		}) as WorkflowJson;
		// The table the example names must exist before its first execution, as the README tells users.
		n8n = world.n8n = await prepareN8n(world.tarball, [...world.credentials, smtp], [], []);
		await n8n.start();
		const project = await n8n.rest<{ id: string }>('GET', '/projects/personal');
		const created = await n8n.rest<{ id: string }>('POST', `/projects/${project.id}/data-tables`, {
			name: 'qredo_velocity',
			columns: [
				{ name: 'asset', type: 'string' },
				{ name: 'amount', type: 'number' },
				{ name: 'actionId', type: 'string' },
			],
		});
		table = { projectId: project.id, id: created.id };
		await n8n.stop();
		await n8n.importWorkflows([workflow]);
		await n8n.publish(workflow.id);
		await n8n.start();
		await waitFor(async () => (await sandbox.admin<{ feedConnections: number }>('GET', '/faults')).feedConnections === 1 || undefined, 'the feed connected', 90_000);
	});

	after(async () => {
		await stopWorld(world, 'velocity-limit');
		await mailbox?.stop();
	});

	const withdraw = async (eth: number, expect: 'approve' | 'reject', label: string): Promise<CreatedAction> => {
		const base = demo.ruleCases(sandbox.creds.operationsFund.wallets.ETH)[0];
		const rule: RuleCase = { ...base, amount: eth * GWEI_PER_ETH, expect, label };
		return (await createActions(sandbox, fund, [rule], 0, 600))[0];
	};
	const decided = (action: CreatedAction) =>
		waitFor(async () => (await sandbox.decisions()).some((d) => d.actionId === action.actionId) || undefined, `a decision on ${action.rule.label}`, 90_000, 500);
	const answer = async (action: CreatedAction, button: 'approveUrl' | 'rejectUrl') => {
		const mail = await waitFor(() => mailbox.mails.find((m) => m.actionId === action.actionId), `the e-mail about ${action.rule.label}`, 60_000);
		assert.match(mail.subject, /^Over the daily limit, approve\? withdraw /);
		const { status, page } = await click(n8n, mail[button]);
		assert.equal(status, 200, page);
	};

	test('2 + 2 ETH approved by the rule; a third 2 ETH over the 5 ETH limit goes to the human, who approves; 0.5 ETH more is declined; the total counts only approvals', async () => {
		const first = await withdraw(2, 'approve', '2 ETH, total 2');
		await decided(first);
		const second = await withdraw(2, 'approve', '2 ETH, total 4');
		await decided(second);
		const third = await withdraw(2, 'approve', '2 ETH, total would be 6: asked, approved');
		await answer(third, 'approveUrl');
		await decided(third);
		const fourth = await withdraw(0.5, 'reject', '0.5 ETH, total would be 6.5: asked, declined');
		await answer(fourth, 'rejectUrl');
		await decided(fourth);
		const actions = [first, second, third, fourth];
		await new Promise((resolve) => setTimeout(resolve, 3000));
		await assertDecidedOnceCorrectly(sandbox, actions, await sandbox.decisions());
		assert.equal(mailbox.mails.length, 2, 'only the two over the limit were e-mailed');

		const rows = await n8n.rest<{ data: Array<{ asset: string; amount: number; actionId: string }> }>('GET', `/projects/${table.projectId}/data-tables/${table.id}/rows`);
		assert.deepEqual(
			rows.data.map((r) => [r.asset, r.amount, r.actionId]).sort(),
			[first, second, third].map((a) => ['ETH', 2 * GWEI_PER_ETH, a.actionId]).sort(),
			'the three approvals are counted, the rejection is not',
		);

		const executions = await waitFor(async () => {
			const r = await n8n.executions(workflow.id);
			return r.length === 4 && r.every((x) => x.status === 'success') ? r : undefined;
		}, 'four successful executions', 60_000);
		const data = await executionsData(n8n, executions.map((r) => r.id));
		const reasons = decisionReasons(data, ['Approve (Within Limit)', 'Approve (Human)', 'Reject (Declined)']);
		const reasonOf = (action: CreatedAction) => reasons.find(([id]) => id === action.actionId);
		assert.match(reasonOf(first)?.[2] ?? '', /^Velocity rule: 2 ETH brings the 24 h total of ETH to 2000000000 base units/);
		assert.match(reasonOf(second)?.[2] ?? '', /to 4000000000 base units, within the limit$/);
		assert.equal(reasonOf(third)?.[1], 'Approve (Human)');
		assert.equal(reasonOf(fourth)?.[1], 'Reject (Declined)');
	});
});
