/** Shared helpers for the governance tests: a demo sandbox, its admin API, and waiting for conditions. */
import { QredoV2TokenSource } from '../../../lib/transport/v2Tokens';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../../packages/cli/sandbox/server';
import type { SandboxCredentials } from '../../../packages/cli/sandbox/seed';

export interface DemoSandbox {
	sandbox: RunningSandbox;
	creds: SandboxCredentials;
	admin: Admin;
}

export async function startDemo(options: StartSandboxOptions = {}): Promise<DemoSandbox> {
	const sandbox = await startSandbox({ seed: 'demo', feedPingIntervalMs: 0, ...options });
	if (!sandbox.credentials) throw new Error('the demo seed returned no credentials');
	return { sandbox, creds: sandbox.credentials, admin: new Admin(sandbox.urls.admin) };
}

/** A fresh Qredo API v2 token source for the demo world's registered API key. */
export function v2Tokens(creds: SandboxCredentials): QredoV2TokenSource {
	const { baseUrl, workspaceId, apiKeyId, secret } = creds.qredoApiV2;
	return new QredoV2TokenSource({ baseUrl, workspaceId, apiKeyId, apiSecret: secret });
}

/** The admin API's views, typed by the sandbox itself. */
import type { AdminActionView as AdminAction, AdminTransactionView as AdminTransaction } from '../../../packages/cli/sandbox/routes/admin';
import type { DecisionLogEntry } from '../../../packages/cli/sandbox/model';
export type { AdminAction, AdminTransaction, DecisionLogEntry };

/** The sandbox admin API over real HTTP. */
export class Admin {
	constructor(private readonly base: string) {}

	async call<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(this.base + path, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`admin ${method} ${path} → ${response.status} ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	/** A pending transfer from the Treasury ETH wallet to the Operations ETH wallet (custody: agent, v2 key, Alice; 2 of 3). */
	transfer(creds: SandboxCredentials, extra: Record<string, unknown> = {}): Promise<AdminTransaction> {
		return this.call('POST', '/transactions', {
			type: 'transfer',
			walletId: creds.fund.wallets.ETH,
			amount: 1_000_000,
			recipient: creds.operationsFund.wallets.ETH,
			reference: 'governance test',
			...extra,
		});
	}

	/** A pending withdrawal from the Treasury ETH wallet to the whitelisted exchange (custody: agent, v2 key, Bob). */
	withdraw(creds: SandboxCredentials, extra: Record<string, unknown> = {}): Promise<AdminTransaction> {
		return this.call('POST', '/transactions', {
			type: 'withdraw',
			walletId: creds.fund.wallets.ETH,
			amount: 2_000_000,
			recipient: creds.whitelist[0].address,
			checkWhitelist: true,
			...extra,
		});
	}

	transaction(txId: string): Promise<AdminTransaction> {
		return this.call('GET', `/transactions/${txId}`);
	}

	async actionFor(tx: AdminTransaction, member: string): Promise<AdminAction> {
		const fresh = await this.transaction(tx.txId);
		const action = fresh.actions.find((a) => a.member === member);
		if (!action) throw new Error(`no action for ${member} on ${tx.txId}`);
		return action;
	}

	async decisions(actionId: string): Promise<DecisionLogEntry[]> {
		return (await this.call<{ decisions: DecisionLogEntry[] }>('GET', `/decisions?actionId=${encodeURIComponent(actionId)}`)).decisions;
	}

	humanDecides(actionId: string, decision: 'approve' | 'reject'): Promise<AdminAction> {
		return this.call('POST', `/actions/${actionId}/${decision}`);
	}

	faults(settings: Record<string, unknown>): Promise<unknown> {
		return this.call('POST', '/faults', settings);
	}

	/** Forgets transactions, actions and the decision log; identities stay. */
	reset(): Promise<unknown> {
		return this.call('POST', '/reset');
	}

	clearFaults(): Promise<unknown> {
		return this.call('DELETE', '/faults');
	}

	dropFeeds(mode: 'terminate' | 'close' = 'terminate'): Promise<{ dropped: number }> {
		return this.call('POST', '/faults/drop-feeds', { mode });
	}

	refuseFeeds(seconds: number, mode: 'status' | 'reset' = 'status'): Promise<unknown> {
		return this.call('POST', '/faults/refuse-feeds', { seconds, mode });
	}

	feedConnections(): Promise<number> {
		return this.call<{ feedConnections: number }>('GET', '/faults').then((f) => f.feedConnections);
	}
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the predicate holds; fails with the description after the timeout. */
export async function waitFor(description: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await predicate()) return;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${description}`);
		await sleep(15);
	}
}

/** Records what a FeedClient reports, for assertions. */
export class FeedRecorder {
	readonly states: Array<{ state: string; detail: string; at: number }> = [];
	readonly messages: string[] = [];
	readonly logLines: string[] = [];
	readonly logger = {
		info: (line: string) => this.logLines.push(line),
		warn: (line: string) => this.logLines.push(line),
		error: (line: string) => this.logLines.push(line),
		debug: (line: string) => this.logLines.push(line),
	};

	onStateChange = (state: string, detail: string) => {
		this.states.push({ state, detail, at: Date.now() });
	};

	onMessage = (text: string) => {
		this.messages.push(text);
	};

	count(state: string): number {
		return this.states.filter((s) => s.state === state).length;
	}

	details(state: string): string[] {
		return this.states.filter((s) => s.state === state).map((s) => s.detail);
	}
}
