/**
 * A local SMTP server for the human-approval tests (smtp-server): it keeps every message, parsed (mailparser), with
 * the action ID it is about and the Approve / Reject links of n8n's Send-and-Wait buttons.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { type CredentialJson, type N8nInstance, waitFor } from '../harness/n8n';

/** A browser's user agent: n8n ignores clicks from bots and link previews, Node's own fetch among them. */
export const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

export interface Mail {
	to: string;
	subject: string;
	html: string;
	actionId: string;
	approveUrl: string;
	rejectUrl: string;
}

export interface Mailbox {
	port: number;
	mails: Mail[];
	stop: () => Promise<void>;
}

/** A local SMTP server that keeps every message, parsed. */
export async function startMailbox(): Promise<Mailbox> {
	const mails: Mail[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onData(stream, _session, callback) {
			simpleParser(stream)
				.then((parsed) => {
					const html = typeof parsed.html === 'string' ? parsed.html : '';
					const links = [...html.matchAll(/href="([^"]*\/webhook-waiting\/[^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
					mails.push({
						to: (Array.isArray(parsed.to) ? parsed.to : [parsed.to]).map((a) => a?.text ?? '').join(', '),
						subject: parsed.subject ?? '',
						html,
						actionId: /Action: ([A-Za-z0-9_-]+)/.exec(html)?.[1] ?? '',
						approveUrl: links.find((l) => /[?&]approved=true/.test(l)) ?? '',
						rejectUrl: links.find((l) => /[?&]approved=false/.test(l)) ?? '',
					});
					callback();
				})
				.catch((error: Error) => callback(error));
		},
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.server.address() as AddressInfo).port;
	return { port, mails, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The n8n SMTP credential (import format) for the mailbox: plain SMTP on loopback, no TLS, no login. */
export function smtpCredential(mailbox: Mailbox): CredentialJson {
	return { id: 'qredoMailSmtp', name: 'Local SMTP', type: 'smtp', data: { user: '', password: '', host: '127.0.0.1', port: mailbox.port, secure: false, disableStartTls: true } };
}

/**
 * An approver's click on a Send-and-Wait link, as from a mail client: a browser's GET. n8n sends the e-mail before it
 * saves the execution as waiting and answers 409 ("is running already") to a click in between; a person reads the
 * mail first, so the click waits until the execution the link names is waiting.
 */
export async function click(n8n: N8nInstance, url: string): Promise<{ status: number; page: string }> {
	const executionId = /\/webhook-waiting\/(\d+)/.exec(url)?.[1];
	if (!executionId) throw new Error(`not a Send-and-Wait link: ${url}`);
	await waitFor(async () => (await n8n.executions()).find((r) => r.id === executionId && r.status === 'waiting'), `execution ${executionId} waiting`, 30_000, 200);
	const response = await fetch(url, { headers: { 'user-agent': BROWSER } });
	return { status: response.status, page: await response.text() };
}
