/**
 * Regenerates the README's human-approval pictures (docs/images/): the Slack approval example in the n8n editor and
 * the e-mail an approver receives from the e-mail example. A real n8n with the packed package, the sandbox, a local
 * SMTP server, and Debian's headless Chromium driven over the DevTools protocol.
 *
 *   npm run build && npm run build:test && node build/test/e2e/screenshots/readme.js
 *
 * Needs `chromium` (apt-get install chromium). Not part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { repoRoot } from '../../support/paths';
import { freePort, waitFor, type WorkflowJson } from '../harness/n8n';
import { demo, prepareN8n, startWorld, stopWorld } from '../support/governance';
import { smtpCredential, startMailbox } from '../support/mailbox';

const OUT = join(repoRoot, 'docs', 'images');

/** A minimal DevTools client: one page, commands in order. */
async function chromium(): Promise<{ send: (method: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>>; close: () => void }> {
	const port = await freePort();
	const profile = mkdtempSync(join(tmpdir(), 'qredo-chromium-'));
	const browser = spawn(
		'chromium',
		['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, `--remote-debugging-port=${port}`, '--window-size=1600,900', 'about:blank'],
		{ stdio: 'ignore' },
	);
	const target = await waitFor(async () => {
		try {
			const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ type: string; webSocketDebuggerUrl: string }>;
			return list.find((t) => t.type === 'page');
		} catch {
			return undefined;
		}
	}, 'chromium to listen', 30_000);
	const socket = new WebSocket(target.webSocketDebuggerUrl);
	await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
	let id = 0;
	const pending = new Map<number, (result: Record<string, unknown>) => void>();
	socket.on('message', (data) => {
		const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: unknown };
		if (message.id !== undefined) pending.get(message.id)?.(message.result ?? { error: message.error });
	});
	return {
		send: (method, params = {}) =>
			new Promise((resolve) => {
				pending.set(++id, resolve);
				socket.send(JSON.stringify({ id, method, params }));
			}),
		close: () => {
			socket.close();
			browser.kill('SIGKILL');
			// Chromium may still be writing its profile as it dies.
			setTimeout(() => rmSync(profile, { recursive: true, force: true, maxRetries: 5 }), 1000).unref();
		},
	};
}

async function shoot(page: Awaited<ReturnType<typeof chromium>>, url: string, file: string, settleMs: number, size = { width: 1600, height: 900 }): Promise<void> {
	await page.send('Emulation.setDeviceMetricsOverride', { ...size, deviceScaleFactor: 1, mobile: false });
	await page.send('Page.navigate', { url });
	await new Promise((resolve) => setTimeout(resolve, settleMs));
	const shot = await page.send('Page.captureScreenshot', { format: 'png' });
	writeFileSync(join(OUT, file), Buffer.from(String(shot.data), 'base64'));
	console.log(`wrote docs/images/${file}`);
}

async function main(): Promise<void> {
	mkdirSync(OUT, { recursive: true });
	const [world, mailbox] = await Promise.all([startWorld('qredoShots'), startMailbox()]);
	const page = await chromium();
	try {
		const approver = world.credentials.find((c) => c.id === world.ids.approverV2);
		if (!approver) throw new Error('no approver credential');
		const smtp = smtpCredential(mailbox);
		const slack = { id: 'qredoShotsSlack', name: 'Slack (bot token)', type: 'slackApi', data: { accessToken: 'xoxb-placeholder-for-the-screenshot' } };
		const refs = { qredoApproverApi: { id: approver.id, name: approver.name }, smtp: { id: smtp.id, name: smtp.name }, slackApi: { id: slack.id, name: slack.name } };
		const slackFlow = demo.exampleWorkflow('slack-approval.json', { credentials: refs, id: 'qredoShotsSlack1', name: 'Qredo human approval in Slack' }) as WorkflowJson;
		const emailFlow = demo.exampleWorkflow('email-approval.json', { credentials: refs, id: 'qredoShotsEmail1', name: 'Qredo human approval by e-mail' }) as WorkflowJson;
		const n8n = (world.n8n = await prepareN8n(world.tarball, [...world.credentials, smtp, slack], [slackFlow, emailFlow], [emailFlow.id]));
		await n8n.start();
		// Sign in through the page, as a person would (n8n ties its session to the browser that signed in).
		await page.send('Page.navigate', { url: `${n8n.baseUrl}/signin` });
		await waitFor(async () => {
			const found = await page.send('Runtime.evaluate', { expression: "!!document.querySelector('input[type=password]')", returnByValue: true });
			return (found.result as { value?: boolean } | undefined)?.value || undefined;
		}, 'the sign-in form', 60_000, 500);
		// Typed, as a person types: focus each field, insert the text, press Enter.
		const type = async (selector: string, text: string) => {
			await page.send('Runtime.evaluate', { expression: `document.querySelector(${JSON.stringify(selector)}).focus()` });
			await page.send('Input.insertText', { text });
		};
		await type('form input:not([type=password])', n8n.owner.email);
		await type('input[type=password]', n8n.owner.password);
		for (const kind of ['keyDown', 'keyUp']) await page.send('Input.dispatchKeyEvent', { type: kind, key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: kind === 'keyDown' ? '\r' : undefined });
		await new Promise((resolve) => setTimeout(resolve, 6000));
		await shoot(page, `${n8n.baseUrl}/workflow/${slackFlow.id}`, 'slack-approval-editor.png', 15_000);

		// The e-mail: a withdrawal over the limit, as the approver's mail client shows it.
		await waitFor(async () => (await world.sandbox.admin<{ feedConnections: number }>('GET', '/faults')).feedConnections === 1 || undefined, 'the feed connected', 90_000);
		const fund = await demo.createAutoApprovalFund(world.sandbox.creds, world.sandbox.creds.qredoApiV2.apiKeyId, 'Treasury');
		const big = demo.ruleCases(world.sandbox.creds.operationsFund.wallets.ETH)[1];
		await demo.createCase(world.sandbox.creds, fund, big, 3600);
		const mail = await waitFor(() => mailbox.mails[0], 'the approval e-mail', 60_000);
		const html = join(mkdtempSync(join(tmpdir(), 'qredo-mail-')), 'mail.html');
		writeFileSync(html, `<!doctype html><meta charset="utf-8"><div style="font:14px Arial;padding:16px;border-bottom:1px solid #ddd"><b>From:</b> qredo-approvals@example.com<br><b>To:</b> ${mail.to}<br><b>Subject:</b> ${mail.subject}</div>${mail.html}`);
		await shoot(page, `file://${html}`, 'email-approval-message.png', 1500, { width: 900, height: 700 });
	} finally {
		page.close();
		await stopWorld(world, 'screenshots');
		await mailbox.stop();
	}
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(error.stack ?? error.message);
		process.exit(1);
	},
);
