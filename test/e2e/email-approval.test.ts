/**
 * Human approval by e-mail, end to end in a real n8n 2.41.1: examples/email-approval.json with n8n's own Send Email
 * "Send and Wait for Response" over SMTP to a local SMTP server this test runs (smtp-server). The test reads each
 * e-mail as a person would, follows its Approve or Reject link (n8n's signed resume URL), or leaves it unanswered,
 * and the sandbox's decision log must show: the rule's auto-approval, the human's approval, the human's rejection,
 * and a rejection at the decision deadline for the one nobody answered (fail closed, reason "Timeout").
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

describe('human approval by e-mail (Send and Wait over SMTP) in a real n8n', { timeout: 15 * 60_000 }, () => {
	let world: World;
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflow: WorkflowJson;
	let fund: AutoApprovalFund;
	let mailbox: Mailbox;

	before(async () => {
		[world, mailbox] = await Promise.all([startWorld('qredoMail'), startMailbox()]);
		sandbox = world.sandbox;
		fund = await demo.createAutoApprovalFund(sandbox.creds, sandbox.creds.qredoApiV2.apiKeyId, 'e-mail approval v2');
		const smtp = smtpCredential(mailbox);
		const approver = world.credentials.find((c) => c.id === world.ids.approverV2);
		assert.ok(approver);
		workflow = demo.exampleWorkflow('email-approval.json', {
			credentials: { qredoApproverApi: { id: approver.id, name: approver.name }, smtp: { id: smtp.id, name: smtp.name } },
			id: 'qredoEmailApproval',
			name: 'Human approval by e-mail',
		}) as WorkflowJson;
		n8n = world.n8n = await prepareN8n(world.tarball, [...world.credentials, smtp], [workflow], [workflow.id]);
		await n8n.start();
		await waitFor(async () => (await sandbox.admin<{ feedConnections: number }>('GET', '/faults')).feedConnections === 1 || undefined, 'the feed connected', 90_000);
	});

	after(async () => {
		await stopWorld(world, 'email-approval');
		await mailbox?.stop();
	});

	const create = async (rule: RuleCase, expiresInSeconds: number): Promise<CreatedAction> => (await createActions(sandbox, fund, [rule], 0, expiresInSeconds))[0];

	test('auto-approved by the rule; approved and rejected by the e-mail links; rejected at the deadline when nobody answers', async () => {
		const [small, big] = [demo.ruleCases(sandbox.creds.operationsFund.wallets.ETH)[0], demo.ruleCases(sandbox.creds.operationsFund.wallets.ETH)[1]];
		const auto = await create({ ...small, expect: 'approve' }, 600);
		const yes = await create({ ...big, expect: 'approve', label: 'over the limit, a human approves' }, 600);
		const no = await create({ ...big, expect: 'reject', label: 'over the limit, a human rejects' }, 600);
		// Expires in 130 s; the trigger's margin of 120 s puts the deadline 10 s from now.
		const silent = await create({ ...big, expect: 'reject', label: 'over the limit, nobody answers' }, 130);
		const humans = [yes, no, silent];

		const mails = await waitFor(() => (mailbox.mails.length >= 3 ? mailbox.mails : undefined), 'three e-mails to the approver', 60_000);
		const mailOf = (action: CreatedAction) => {
			const mail = mails.find((m) => m.actionId === action.actionId);
			assert.ok(mail, `an e-mail for ${action.actionId}: ${JSON.stringify(mails.map((m) => [m.subject, m.actionId]))}`);
			return mail;
		};
		for (const action of humans) {
			const mail = mailOf(action);
			assert.equal(mail.to, 'treasury-approver@example.com');
			assert.match(mail.subject, /^Approve\? withdraw 12 ETH from .* to 0x84ce…44b8, expires \d\d:\d\d UTC$/);
			assert.match(mail.html, /Amount: 12 ETH/);
			assert.ok(mail.approveUrl && mail.rejectUrl, 'both buttons are links');
		}
		assert.equal(mails.filter((m) => m.actionId === auto.actionId).length, 0, 'the rule decided the small one: no e-mail');

		// The approver clicks, as in a mail client: a browser's GET of the signed link. (n8n ignores clients that look
		// like bots or link previews, Node's own fetch among them, so a link preview can never approve anything.)
		for (const [action, url] of [
			[yes, mailOf(yes).approveUrl],
			[no, mailOf(no).rejectUrl],
		] as const) {
			const { status, page } = await click(n8n, url);
			assert.equal(status, 200, `${action.rule.label}: ${page}`);
			assert.match(page, /<title>Action recorded<\/title>/, `${action.rule.label}: n8n recorded the click`);
		}
		const wanted = [auto, ...humans];
		await waitFor(async () => {
			const decided = new Set((await sandbox.decisions()).map((d) => d.actionId));
			return wanted.every((a) => decided.has(a.actionId)) || undefined;
		}, 'every action decided (the silent one at its deadline; n8n resumes timed-out waits within a minute)', 150_000, 1000);
		await assertDecidedOnceCorrectly(sandbox, wanted, await sandbox.decisions());

		// The audit record of each decision says who or what decided.
		const rows = await waitFor(async () => {
			const r = await n8n.executions(workflow.id);
			return r.length === 4 && r.every((x) => x.status === 'success') ? r : undefined;
		}, 'four successful executions', 60_000);
		const data = await executionsData(n8n, rows.map((r) => r.id));
		const nodes = ['Approve (Rule)', 'Approve (Human)', 'Reject (Declined)', 'Reject (No Answer)'];
		const reasons = new Map(decisionReasons(data, nodes).map(([actionId, node, reason]) => [actionId, `${node}: ${reason}`]));
		assert.match(reasons.get(auto.actionId) ?? '', /^Approve \(Rule\): Rule: 1\.5 ETH within the limit/);
		assert.match(reasons.get(yes.actionId) ?? '', /^Approve \(Human\): Approved by treasury-approver@example\.com \(e-mail\) at \d{4}-/);
		assert.match(reasons.get(no.actionId) ?? '', /^Reject \(Declined\): Declined by treasury-approver@example\.com \(e-mail\) at \d{4}-/);
		assert.match(reasons.get(silent.actionId) ?? '', /^Reject \(No Answer\): Timeout: no answer before the decision deadline \d{4}-.*; rejected \(fail closed\)$/);
	});
});
