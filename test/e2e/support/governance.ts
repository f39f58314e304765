/**
 * Shared by the end-to-end governance tests: an in-process Qredo sandbox (with feed-frame send times), the rule
 * cases and funds of the example workflows, n8n credentials and workflows built from examples/ (through the same
 * helpers `npm run demo` uses, scripts/demo.js), an n8n instance set up from them, and the checks every scenario
 * makes on the sandbox's decision log and on n8n's executions.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../../packages/cli/sandbox/server';
import type { SandboxCredentials } from '../../../packages/cli/sandbox/seed';
import { repoRoot } from '../../support/paths';
import { N8nInstance, packPackage, type CredentialJson, type ExecutionRow, type RunExecutionData, type WorkflowJson, waitFor } from '../harness/n8n';

export type Expectation = 'approve' | 'reject';

export interface RuleCase {
	label: string;
	type: 'transfer' | 'withdraw';
	asset: 'ETH' | 'BTC';
	amount: number;
	recipient: string;
	expect: Expectation;
}

export interface AutoApprovalFund {
	fundId: string;
	wallets: Record<string, string>;
}

interface CredentialIds {
	approverV2: string;
	approverV1: string;
	partnerApi: string;
}

interface CredentialRef {
	id: string;
	name: string;
}

/** scripts/demo.js: plain CommonJS shared with the demo, loaded from the repository at run time. */
interface DemoHelpers {
	ALLOWLISTED: Record<'ETH' | 'BTC', string>;
	n8nCredentials(sandbox: SandboxCredentials, ids: CredentialIds, names?: Partial<Record<keyof CredentialIds, string>>): CredentialJson[];
	exampleWorkflow(file: string, options: { credentials: Record<string, CredentialRef>; id?: string; name?: string }): WorkflowJson;
	workflowCredentials(credentials: CredentialJson[], approverId: string, partnerId?: string): Record<string, CredentialRef>;
	ruleCases(transferTo: string): RuleCase[];
	adminRequest<T = unknown>(adminUrl: string, method: string, route: string, body?: unknown): Promise<T>;
	createAutoApprovalFund(sandbox: SandboxCredentials, approverId: string, name: string): Promise<AutoApprovalFund>;
	createCase(sandbox: SandboxCredentials, fund: AutoApprovalFund, rule: RuleCase, expiresInSeconds?: number): Promise<AdminTransaction>;
}

export const demo = createRequire(__filename)(join(repoRoot, 'scripts', 'demo.js')) as DemoHelpers;

export const V2_EXAMPLE = 'rule-based-auto-approval.json';
export const V1_EXAMPLE = 'rule-based-auto-approval-v1.json';

/** The admin API's views and decision log entries, typed by the sandbox itself. */
import type { AdminActionView as AdminAction, AdminTransactionView as AdminTransaction } from '../../../packages/cli/sandbox/routes/admin';
import type { DecisionLogEntry as Decision } from '../../../packages/cli/sandbox/model';
export type { AdminAction, AdminTransaction, Decision };

/** One action the test created and the decision the rule must take on it. */
export interface CreatedAction {
	actionId: string;
	txId: string;
	member: string;
	protocol: 'v1' | 'v2';
	rule: RuleCase;
	/** messages the approver must sign (v1 signs all of them, v2 only the first) */
	messageCount: number;
}

export interface Sandbox {
	running: RunningSandbox;
	creds: SandboxCredentials;
	/**
	 * Milliseconds at which the sandbox sent each action's first feed frame. The admin API does not expose send
	 * times, so this listens to the state's action events: the feed hub subscribed first and sends synchronously
	 * inside the same event, so the frame has been written to the socket when this listener runs.
	 */
	frameSentAt: Map<string, number>;
	/** Admin API paths and upgrade statuses the sandbox logged, in order (for counting logins and feed dials). */
	requests: Array<{ path: string; status: number; kind: 'request' | 'upgrade' }>;
	admin<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
	decisions(): Promise<Decision[]>;
	stop(): Promise<void>;
}

export async function startDemoSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
	const requests: Sandbox['requests'] = [];
	const logger = {
		info(message: string, fields?: Record<string, unknown>) {
			if ((message === 'request' || message === 'upgrade') && fields) requests.push({ kind: message, path: String(fields.path), status: Number(fields.status) });
		},
		warn() {},
		error(message: string, fields?: Record<string, unknown>) {
			requests.push({ kind: 'request', path: `sandbox error: ${message} ${JSON.stringify(fields)}`, status: 500 });
		},
	};
	const running = await startSandbox({ seed: 'demo', logger, ...options });
	const creds = running.credentials;
	if (!creds) throw new Error('the demo seed returned no credentials');
	const frameSentAt = new Map<string, number>();
	running.state.onEvent((event) => {
		if (event.kind === 'action' && event.action.status === 'pending' && !frameSentAt.has(event.action.id)) frameSentAt.set(event.action.id, Date.now());
	});
	const admin = <T>(method: string, route: string, body?: unknown) => demo.adminRequest<T>(creds.adminUrl, method, route, body);
	return {
		running,
		creds,
		frameSentAt,
		requests,
		admin,
		decisions: async () => (await admin<{ decisions: Decision[] }>('GET', '/decisions')).decisions,
		stop: () => running.stop(),
	};
}

/** The credential IDs of one sandbox's identities in n8n; distinct per sandbox so several can be imported. */
export function credentialIds(prefix: string): CredentialIds {
	return { approverV2: `${prefix}ApproverV2`, approverV1: `${prefix}ApproverV1`, partnerApi: `${prefix}PartnerApi` };
}

/** The two example workflows wired to one sandbox's credentials, under IDs and names of our choosing. */
export function exampleWorkflows(credentials: CredentialJson[], ids: CredentialIds, workflowIds: { v2: string; v1: string }, label: string): { v2: WorkflowJson; v1: WorkflowJson } {
	return {
		v2: demo.exampleWorkflow(V2_EXAMPLE, { credentials: demo.workflowCredentials(credentials, ids.approverV2), id: workflowIds.v2, name: `${label} v2` }),
		v1: demo.exampleWorkflow(V1_EXAMPLE, { credentials: demo.workflowCredentials(credentials, ids.approverV1, ids.partnerApi), id: workflowIds.v1, name: `${label} v1` }),
	};
}

/** What most e2e files start from: the packed package, a demo sandbox and n8n credentials for its identities. */
export interface World {
	tarball: string;
	sandbox: Sandbox;
	ids: CredentialIds;
	credentials: CredentialJson[];
	n8n?: N8nInstance;
}

export async function startWorld(credentialPrefix: string, sandboxOptions: StartSandboxOptions = {}): Promise<World> {
	const [tarball, sandbox] = await Promise.all([packPackage(), startDemoSandbox(sandboxOptions)]);
	const ids = credentialIds(credentialPrefix);
	return { tarball, sandbox, ids, credentials: demo.n8nCredentials(sandbox.creds, ids) };
}

/** Stops what startWorld (and the test) started; with QREDO_E2E_LOG_DIR set, keeps n8n's log as `<name>-n8n.log`. */
export async function stopWorld(world: World | undefined, name: string): Promise<void> {
	if (!world) return;
	if (world.n8n && process.env.QREDO_E2E_LOG_DIR) writeFileSync(join(process.env.QREDO_E2E_LOG_DIR, `${name}-n8n.log`), world.n8n.logText());
	await world.n8n?.cleanup();
	await world.sandbox.stop();
	rmSync(dirname(world.tarball), { recursive: true, force: true });
}

/** A fresh n8n with the packed package installed, the credentials and workflows imported, and `publish` published. Not started. */
export async function prepareN8n(tarball: string, credentials: CredentialJson[], workflows: WorkflowJson[], publish: string[], env: Record<string, string> = {}): Promise<N8nInstance> {
	const n8n = await N8nInstance.create({ env });
	await n8n.installPackage(tarball);
	await n8n.importCredentials(credentials);
	await n8n.importWorkflows(workflows);
	for (const id of publish) await n8n.publish(id);
	return n8n;
}

/** `count` rule cases in the rotation of scripts/demo.js, so every branch of the rule appears. */
export function mixedCases(sandbox: Sandbox, count: number): RuleCase[] {
	const rotation = demo.ruleCases(sandbox.creds.operationsFund.wallets.ETH);
	return Array.from({ length: count }, (_, i) => rotation[i % rotation.length]);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Creates the cases on a single-approver fund, `paceMs` apart; returns the approver's action of each. */
export async function createActions(sandbox: Sandbox, fund: AutoApprovalFund, cases: RuleCase[], paceMs = 0, expiresInSeconds = 3600): Promise<CreatedAction[]> {
	const created: CreatedAction[] = [];
	for (const rule of cases) {
		const tx = await demo.createCase(sandbox.creds, fund, rule, expiresInSeconds);
		assert.equal(tx.actions.length, 1, `a single-approver fund opens one action per transaction (${rule.label})`);
		const [action] = tx.actions;
		assert.ok(action.protocol === 'v1' || action.protocol === 'v2', `the approver is an agent or an API key, not ${action.protocol}`);
		created.push({ actionId: action.actionId, txId: tx.txId, member: action.member, protocol: action.protocol, rule, messageCount: action.messages.length });
		if (paceMs > 0) await sleep(paceMs);
	}
	return created;
}

/** Waits until the decision log holds a decision for every one of `actions`; returns the whole log. */
export async function waitForDecisions(sandbox: Sandbox, actions: CreatedAction[], timeoutMs = 120_000): Promise<Decision[]> {
	const wanted = new Set(actions.map((a) => a.actionId));
	return waitFor(
		async () => {
			const log = await sandbox.decisions();
			const decided = new Set(log.map((d) => d.actionId));
			return [...wanted].every((id) => decided.has(id)) ? log : undefined;
		},
		`decisions on ${wanted.size} actions`,
		timeoutMs,
		300,
	).catch(async (error: Error) => {
		const decided = new Set((await sandbox.decisions()).map((d) => d.actionId));
		const missing = actions.filter((a) => !decided.has(a.actionId));
		throw new Error(`${error.message}; undecided: ${missing.map((a) => `${a.protocol} ${a.actionId} (${a.rule.label})`).join(', ')}`);
	});
}

/**
 * Every action decided exactly once, as the rule says, with signatures the sandbox verified (a v1 rejection carries
 * none, by protocol), and its transaction settled accordingly.
 */
export async function assertDecidedOnceCorrectly(sandbox: Sandbox, actions: CreatedAction[], log: Decision[]): Promise<void> {
	const { transactions } = await sandbox.admin<{ transactions: AdminTransaction[] }>('GET', '/transactions');
	const txById = new Map(transactions.map((tx) => [tx.txId, tx]));
	for (const action of actions) {
		const entries = log.filter((d) => d.actionId === action.actionId);
		const what = `${action.protocol} action ${action.actionId} (${action.rule.label})`;
		assert.equal(entries.length, 1, `${what}: expected exactly one decision, got ${entries.length}: ${JSON.stringify(entries)}`);
		const [decision] = entries;
		assert.equal(decision.error, undefined, `${what}: the sandbox refused the decision: ${decision.error}`);
		assert.equal(decision.member, action.member, `${what}: decided by its approver`);
		assert.equal(decision.decision, action.rule.expect, `${what}: the rule says ${action.rule.expect}`);
		const signed = action.protocol === 'v2' ? 1 : action.rule.expect === 'approve' ? action.messageCount : 0;
		assert.equal(decision.signatures.length, signed, `${what}: ${signed} signature(s)`);
		assert.equal(decision.verified, signed > 0 ? true : null, `${what}: signatures verified by the sandbox`);
		const tx = txById.get(action.txId);
		assert.equal(tx?.status, action.rule.expect === 'approve' ? 'approved' : 'custody_rejected', `${what}: transaction settled`);
	}
}

export const dedupKey = (workflow: WorkflowJson, actionId: string) => {
	const trigger = (workflow.nodes as Array<{ id: string; type: string }>).find((n) => n.type === 'n8n-nodes-qredo.qredoTrigger');
	return `qredo:${workflow.id}:${trigger?.id}:${actionId}`;
};

/**
 * Exactly one successful execution per action (found by its deduplication key), and no execution of the workflow
 * that failed. Returns the executions of `actions`.
 */
export async function assertOneExecutionPerAction(n8n: N8nInstance, workflow: WorkflowJson, actions: CreatedAction[]): Promise<ExecutionRow[]> {
	const keys = new Map(actions.map((a) => [dedupKey(workflow, a.actionId), a]));
	const rows = await waitFor(
		async () => {
			const all = await n8n.executions(workflow.id);
			const mine = all.filter((r) => r.deduplicationKey !== null && keys.has(r.deduplicationKey));
			return mine.length >= keys.size && mine.every((r) => !['new', 'running'].includes(r.status)) ? all : undefined;
		},
		`${keys.size} finished executions of ${workflow.id}`,
		60_000,
		500,
	);
	const failed = rows.filter((r) => r.status !== 'success');
	assert.deepEqual(failed.map((r) => `${r.id} ${r.status}`), [], `every execution of ${workflow.name} succeeded`);
	const mine = rows.filter((r) => r.deduplicationKey !== null && keys.has(r.deduplicationKey));
	assert.equal(mine.length, keys.size, `one execution per action of ${workflow.name} (no duplicate, none missing)`);
	return mine;
}

/** Run data of many executions in one read (execution_data.data, flatted), by execution ID. */
export async function executionsData(n8n: N8nInstance, executionIds: string[]): Promise<Map<string, RunExecutionData>> {
	if (executionIds.length === 0) return new Map();
	const rows = await n8n.sql<{ executionId: number; data: RunExecutionData }>(
		`SELECT "executionId", data FROM execution_data WHERE "executionId" IN (${executionIds.map(() => '?').join(',')})`,
		executionIds.map(Number),
		['data'],
	);
	return new Map(rows.map((r) => [String(r.executionId), r.data]));
}

/** The audit record the Approve or Reject node output in one execution, with the branch that ran. */
export function auditRecord(data: RunExecutionData): { node: 'Approve' | 'Reject'; record: Record<string, unknown> } {
	for (const node of ['Approve', 'Reject'] as const) {
		const item = data.resultData.runData[node]?.[0]?.data?.main?.[0]?.[0];
		if (item) return { node, record: item.json };
	}
	throw new Error(`neither Approve nor Reject ran (ran: ${Object.keys(data.resultData.runData).join(', ')})`);
}

/** The audit records the named decision nodes output across executions: [actionId, node, reason]. */
export function decisionReasons(data: Map<string, RunExecutionData>, nodes: string[]): Array<[string, string, string]> {
	return [...data.values()].flatMap((run) =>
		nodes.flatMap((node): Array<[string, string, string]> => {
			const record = run.resultData.runData[node]?.[0]?.data?.main?.[0]?.[0]?.json as { actionId?: string; reason?: string } | undefined;
			return record?.actionId ? [[record.actionId, node, record.reason ?? '']] : [];
		}),
	);
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
	assert.ok(values.length > 0, 'median of an empty list');
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds from the sandbox sending each action's feed frame to it logging the decision. */
export function frameToDecisionMs(sandbox: Sandbox, actions: CreatedAction[], log: Decision[]): number[] {
	return actions.map((action) => {
		const sent = sandbox.frameSentAt.get(action.actionId);
		const decision = log.find((d) => d.actionId === action.actionId);
		assert.ok(sent !== undefined && decision, `send time and decision of ${action.actionId}`);
		return Date.parse(decision.at) - sent;
	});
}

/**
 * Every secret of a sandbox's seeded identities, in the forms a leak could take: as issued (hex, base64, PEM lines)
 * and the hex keys re-encoded as base64.
 */
export function secretValues(creds: SandboxCredentials): Array<{ name: string; value: string }> {
	const hexAndBase64 = (name: string, hex: string) => [
		{ name, value: hex },
		{ name: `${name} (base64)`, value: Buffer.from(hex, 'hex').toString('base64') },
	];
	const pemLines = creds.partnerApi.privateKeyPem
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '' && !line.startsWith('-----'));
	return [
		{ name: 'v2 API secret', value: creds.qredoApiV2.secret },
		...hexAndBase64('v2 BLS private key', creds.qredoApiV2.blsPrivateKey),
		...hexAndBase64('v2 EC private key', creds.qredoApiV2.ecPrivateKey),
		...hexAndBase64('agent BLS private key', creds.agent.blsPrivateKey),
		...hexAndBase64('agent EC private key', creds.agent.ecPrivateKey),
		...hexAndBase64('agent M-Pin client secret', creds.agent.clientSecret),
		...pemLines.map((value, i) => ({ name: `Partner API RSA PEM line ${i + 1}`, value })),
	];
}

/** The names of the secrets that occur in `text` (empty when none does). */
export function leakedSecrets(text: string, secrets: Array<{ name: string; value: string }>): string[] {
	return secrets.filter((s) => s.value.length >= 16 && text.includes(s.value)).map((s) => s.name);
}
