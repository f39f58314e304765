/**
 * A real n8n 2.41.1 (Node 24) for end-to-end tests, driven headlessly: no UI, no API key.
 *
 * The recipe (docs/n8n-platform.md §6.5): install our `npm pack` tarball as a community package, import credentials
 * and workflows and publish them with the n8n CLI while the server is down, `n8n start`, poll /healthz/readiness,
 * then read executions straight from `.n8n/database.sqlite`. The test process runs on Node 20, so everything that
 * touches n8n (the CLI, the server, npm, sqlite reads via node:sqlite) runs as a Node 24 child process.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { repoRoot } from '../../support/paths';

/** What scripts/n8n-runtime.js `ensureN8nRuntime()` returns. */
export interface N8nRuntime {
	root: string;
	nodeBin: string;
	npmCli: string;
	/** n8n's JS entry point; run it with `nodeBin`. */
	n8nBin: string;
	/** Node 24's headers (for native builds). */
	nodeDir: string;
	n8nModules: string;
	n8nVersion: string;
	nodeVersion: string;
	installedNow: boolean;
	timings: Record<string, number>;
}

interface RuntimeModule {
	ensureN8nRuntime(): Promise<N8nRuntime>;
	toolchainEnv(paths?: unknown, extra?: Record<string, string>): NodeJS.ProcessEnv;
	headlessN8nEnv(settings: { userFolder: string; port: number; brokerPort: number; encryptionKey: string; logLevel?: string; owner?: OwnerAccount }): NodeJS.ProcessEnv;
	ownerAccount(runtime: N8nRuntime, email: string, firstName: string, lastName: string): OwnerAccount;
}

interface OwnerAccount {
	email: string;
	password: string;
	passwordHash: string;
	firstName: string;
	lastName: string;
}

// Plain CommonJS shared with CI and the CLI; loaded at run time from the repository, not compiled into build/.
const runtimeModule = createRequire(__filename)(join(repoRoot, 'scripts', 'n8n-runtime.js')) as RuntimeModule;

let runtimePromise: Promise<N8nRuntime> | undefined;
/** Installs n8n + Node 24 into the user cache on first use (several minutes), then returns at once. */
export function n8nRuntime(): Promise<N8nRuntime> {
	runtimePromise ??= runtimeModule.ensureN8nRuntime();
	return runtimePromise;
}

export const TEST_ENCRYPTION_KEY = 'qredo-e2e-fixed-encryption-key-0123456789';

export interface CreateOptions {
	/** Folder for N8N_USER_FOLDER (n8n uses `<userFolder>/.n8n`); a fresh temp folder by default. */
	userFolder?: string;
	/** N8N_PORT; a free port by default. */
	port?: number;
	/** N8N_RUNNERS_BROKER_PORT; a free port by default. */
	brokerPort?: number;
	/** N8N_LOG_LEVEL (`error` | `warn` | `info` | `debug`); default `info`, or $QREDO_N8N_LOG_LEVEL. */
	logLevel?: string;
	/** Extra environment for every n8n command; wins over the defaults. */
	env?: Record<string, string>;
	/**
	 * `worker`: start() runs `n8n worker` (queue mode) instead of `n8n start`, with its health server on `port`;
	 * give it the main's userFolder and queue/database environment. Default `main`.
	 */
	role?: 'main' | 'worker';
	/** `n8n worker --concurrency`; default 10. */
	workerConcurrency?: number;
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	ms: number;
}

export interface ExecutionRow {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	finished: boolean;
	deduplicationKey: string | null;
	startedAt: string | null;
	stoppedAt: string | null;
}

export interface NodeRunItem {
	json: Record<string, unknown>;
	[key: string]: unknown;
}

export interface TaskData {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	data?: { main?: Array<NodeRunItem[] | null> };
	error?: { message?: string; [key: string]: unknown };
	[key: string]: unknown;
}

/** The parts of n8n's IRunExecutionData the tests look at. */
export interface RunExecutionData {
	resultData: {
		runData: Record<string, TaskData[]>;
		lastNodeExecuted?: string;
		error?: { message?: string; [key: string]: unknown };
		[key: string]: unknown;
	};
	[key: string]: unknown;
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: unknown[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

/** What `n8n export:nodes` says of a node type (the parts the tests read). */
export interface NodeDescription {
	name: string;
	version: number | number[];
	properties: Array<{ name: string; displayOptions?: unknown }>;
	credentials?: Array<{ name: string }>;
}

export interface CredentialJson {
	id: string;
	name: string;
	type: string;
	/** Plain object: n8n encrypts it on import. */
	data: Record<string, unknown>;
	[key: string]: unknown;
}

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;
const CLI_TIMEOUT_MS = 120_000;

const running = new Set<ChildProcess>();
// A crashed or aborted test must not leave n8n servers (and their task runners) behind.
process.once('exit', () => {
	for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal); // the whole group: n8n plus its task-runner child
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* already gone */
		}
	}
}

export async function freePort(): Promise<number> {
	const server = createServer();
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const address = server.address();
	server.close();
	await once(server, 'close');
	if (address === null || typeof address === 'string') throw new Error('could not obtain a free TCP port');
	return address.port;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined && value !== false) return value;
		} catch (e) {
			lastError = e;
		}
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
		await sleep(intervalMs);
	}
}

/**
 * Runs a Node 24 program with a JSON argument on stdin and returns the JSON it writes to the file named by the
 * argument's `out`. A file, not stdout: anything else the child prints (a warning, a library's console output) can
 * never corrupt the result.
 */
async function node24Json<T>(runtime: N8nRuntime, program: string, input: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<T> {
	const dir = mkdtempSync(join(tmpdir(), 'qredo-n8n-sql-'));
	const out = join(dir, 'result.json');
	try {
		const child = spawn(runtime.nodeBin, ['--no-warnings', '-e', program], { env, stdio: ['pipe', 'pipe', 'pipe'] });
		let printed = '';
		child.stdout.setEncoding('utf8').on('data', (d: string) => (printed += d));
		child.stderr.setEncoding('utf8').on('data', (d: string) => (printed += d));
		child.stdin.end(JSON.stringify({ ...input, out }));
		const [code] = (await once(child, 'close')) as [number | null];
		if (code !== 0) throw new Error(`Node 24 helper failed (exit ${code}): ${printed.trim()}`);
		const text = readFileSync(out, 'utf8');
		try {
			return JSON.parse(text) as T;
		} catch (error) {
			throw new Error(`Node 24 helper wrote ${text.length} characters that are not JSON (${(error as Error).message}); it printed: ${printed.trim().slice(0, 2000)}`);
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

// Runs under Node 24: node:sqlite does not exist on Node 20. readOnly + a busy timeout so it can read while n8n writes.
const SQL_PROGRAM = `
const { DatabaseSync } = require('node:sqlite');
let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => {
	const { db, query, params, flattedFrom, flattedColumns, out } = JSON.parse(s);
	const conn = new DatabaseSync(db, { readOnly: true, timeout: 10000 });
	try {
		const rows = conn.prepare(query).all(...params);
		if (flattedFrom) {
			const flatted = require('node:module').createRequire(flattedFrom)('flatted');
			for (const row of rows) for (const c of flattedColumns) if (typeof row[c] === 'string') row[c] = flatted.parse(row[c]);
		}
		require('node:fs').writeFileSync(out, JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)));
	} finally { conn.close(); }
});`;

/** The same over n8n's PostgreSQL database (queue mode), with n8n's own `pg`; `?` placeholders become $1, $2, …. */
const PG_PROGRAM = `
let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', async () => {
	const { query, params, flattedFrom, flattedColumns, connection, out } = JSON.parse(s);
	const req = require('node:module').createRequire(flattedFrom);
	const { Client } = req('pg');
	const client = new Client(connection);
	await client.connect();
	try {
		let n = 0;
		const { rows } = await client.query(query.replace(/\\?/g, () => '$' + ++n), params);
		const flatted = req('flatted');
		for (const row of rows) for (const c of flattedColumns) if (typeof row[c] === 'string') row[c] = flatted.parse(row[c]);
		require('node:fs').writeFileSync(out, JSON.stringify(rows));
	} finally { await client.end(); }
});`;

export class N8nInstance {
	readonly runtime: N8nRuntime;
	readonly userFolder: string;
	/** `<userFolder>/.n8n`: database.sqlite, config, nodes/. */
	readonly n8nFolder: string;
	readonly port: number;
	readonly brokerPort: number;
	readonly baseUrl: string;
	/** Everything n8n printed (CLI commands and server), in order. */
	readonly logFile: string;
	readonly env: NodeJS.ProcessEnv;
	/** Milliseconds from spawning `n8n start` to /healthz/readiness answering 200, for the last start(). */
	lastStartMs = 0;
	private readonly ownsFolder: boolean;
	/** The instance owner, preset through the environment so the REST API can be used at once. */
	readonly owner: OwnerAccount;
	private authCookie: string | undefined;
	private server: ChildProcess | undefined;
	private serverExit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
	private fileCounter = 0;
	readonly role: 'main' | 'worker';
	private readonly workerConcurrency: number;

	private constructor(runtime: N8nRuntime, userFolder: string, ownsFolder: boolean, port: number, brokerPort: number, options: CreateOptions) {
		this.runtime = runtime;
		this.userFolder = userFolder;
		this.ownsFolder = ownsFolder;
		this.n8nFolder = join(userFolder, '.n8n');
		this.port = port;
		this.brokerPort = brokerPort;
		this.baseUrl = `http://127.0.0.1:${port}`;
		this.role = options.role ?? 'main';
		this.workerConcurrency = options.workerConcurrency ?? 10;
		this.logFile = join(userFolder, this.role === 'worker' ? `n8n-worker-${port}.log` : 'n8n.log');
		this.owner = runtimeModule.ownerAccount(runtime, 'owner@n8n-nodes-qredo.example.com', 'Test', 'Owner');
		this.env = runtimeModule.headlessN8nEnv({
			owner: this.owner,
			userFolder,
			port,
			brokerPort,
			encryptionKey: TEST_ENCRYPTION_KEY,
			logLevel: options.logLevel ?? process.env.QREDO_N8N_LOG_LEVEL ?? 'info',
		});
		Object.assign(this.env, options.env);
		if (this.role === 'worker') {
			// The worker's health server (GET /healthz/readiness checks its database and Redis) is how start() knows it is up.
			Object.assign(this.env, { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' });
		}
		mkdirSync(this.n8nFolder, { recursive: true });
	}

	/** A fresh instance (not started). Installs the runtime on first use. */
	static async create(options: CreateOptions = {}): Promise<N8nInstance> {
		const runtime = await n8nRuntime();
		const ownsFolder = options.userFolder === undefined;
		const userFolder = options.userFolder ?? mkdtempSync(join(tmpdir(), 'qredo-n8n-'));
		const port = options.port ?? (await freePort());
		let brokerPort = options.brokerPort ?? (await freePort());
		while (brokerPort === port) brokerPort = await freePort();
		return new N8nInstance(runtime, userFolder, ownsFolder, port, brokerPort, options);
	}

	get isRunning(): boolean {
		return this.server !== undefined;
	}

	private log(line: string): void {
		appendFileSync(this.logFile, line.endsWith('\n') ? line : line + '\n');
	}

	private writeTempJson(kind: string, value: unknown): string {
		const dir = join(this.userFolder, 'harness');
		mkdirSync(dir, { recursive: true });
		const file = join(dir, `${kind}-${++this.fileCounter}.json`);
		writeFileSync(file, JSON.stringify(value, null, '\t'));
		return file;
	}

	private assertStopped(what: string): void {
		// These commands write the DB directly; a running server would not notice (publish:workflow says so itself).
		if (this.server) throw new Error(`${what} must run while n8n is stopped: call stop() first`);
	}

	/** Runs `n8n <args>` under Node 24 with this instance's environment; output also goes to the log file. */
	async cli(args: string[], { timeoutMs = CLI_TIMEOUT_MS, allowFailure = false } = {}): Promise<CliResult> {
		const started = Date.now();
		this.log(`\n[harness] $ n8n ${args.join(' ')}`);
		const child = spawn(this.runtime.nodeBin, [this.runtime.n8nBin, ...args], { cwd: this.userFolder, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (d: string) => {
			stdout += d;
			appendFileSync(this.logFile, d);
		});
		child.stderr.setEncoding('utf8').on('data', (d: string) => {
			stderr += d;
			appendFileSync(this.logFile, d);
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		const [code] = (await once(child, 'close')) as [number | null];
		clearTimeout(timer);
		const ms = Date.now() - started;
		this.log(`[harness] n8n ${args[0]} exited ${code} after ${ms} ms`);
		if (code !== 0 && !allowFailure) {
			const why = code === null ? `killed after ${timeoutMs} ms` : `exit code ${code}`;
			throw new Error(`n8n ${args.join(' ')} failed (${why}).\n--- output ---\n${tail(stdout + stderr, 40)}\n(log: ${this.logFile})`);
		}
		return { code, stdout, stderr, ms };
	}

	/**
	 * Installs a packed package (`npm pack` tarball) into `<userFolder>/.n8n/nodes`, the folder n8n's own community
	 * package installer uses, so node types are `<package>.<node>`. No install scripts run; peer dependencies
	 * (n8n-workflow) are not installed, so the package resolves n8n's own copy, as in a real install.
	 */
	async installPackage(tarballPath: string): Promise<{ name: string; version: string; dir: string }> {
		if (!existsSync(tarballPath)) throw new Error(`package tarball not found: ${tarballPath}`);
		const nodesDir = join(this.n8nFolder, 'nodes');
		mkdirSync(nodesDir, { recursive: true });
		const manifest = join(nodesDir, 'package.json');
		if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, '\t') + '\n');
		const args = [this.runtime.npmCli, 'install', tarballPath, '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--no-package-lock', '--install-strategy=shallow'];
		this.log(`\n[harness] $ npm ${args.slice(1).join(' ')} (in ${nodesDir})`);
		const child = spawn(this.runtime.nodeBin, args, { cwd: nodesDir, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
		child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
		const [code] = (await once(child, 'close')) as [number | null];
		this.log(output);
		if (code !== 0) throw new Error(`npm install ${basename(tarballPath)} into ${nodesDir} failed (exit ${code}):\n${tail(withoutNpmNoise(output), 30)}`);
		const deps = (JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
		const name = Object.keys(deps).find((k) => deps[k].endsWith(basename(tarballPath)));
		if (!name) throw new Error(`npm installed ${tarballPath} but ${manifest} does not list it`);
		const dir = join(nodesDir, 'node_modules', name);
		const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
		return { name, version, dir };
	}

	/** `n8n import:credentials`; plain-object `data` is encrypted with the instance key on import. */
	async importCredentials(credentials: CredentialJson[]): Promise<void> {
		this.assertStopped('importCredentials');
		const file = this.writeTempJson('credentials', credentials);
		try {
			await this.cli(['import:credentials', `--input=${file}`]);
		} finally {
			rmSync(file, { force: true }); // plaintext secrets: do not leave them lying around
		}
	}

	/** `n8n import:workflow`; the JSON needs a fixed `id` so tests can publish it and find its executions. */
	async importWorkflow(workflow: WorkflowJson): Promise<string> {
		await this.importWorkflows([workflow]);
		return workflow.id;
	}

	/** Several workflows in one `n8n import:workflow` (each CLI start costs seconds). */
	async importWorkflows(workflows: WorkflowJson[]): Promise<void> {
		this.assertStopped('importWorkflow');
		if (workflows.length === 0) return;
		for (const workflow of workflows) {
			if (typeof workflow.id !== 'string' || workflow.id === '') throw new Error('importWorkflow: the workflow JSON needs a fixed string `id`');
		}
		const file = this.writeTempJson('workflow', workflows);
		await this.cli(['import:workflow', `--input=${file}`]);
	}

	/** `n8n publish:workflow` (active + activeVersionId), so `start()` activates its trigger. */
	async publish(workflowId: string): Promise<void> {
		this.assertStopped('publish');
		await this.cli(['publish:workflow', `--id=${workflowId}`]);
	}

	/** `n8n unpublish:workflow`. */
	async unpublish(workflowId: string): Promise<void> {
		this.assertStopped('unpublish');
		await this.cli(['unpublish:workflow', `--id=${workflowId}`]);
	}

	/** `n8n start`, then waits for GET /healthz/readiness to answer 200 (bounded; the error carries the log tail). */
	async start({ timeoutMs = READY_TIMEOUT_MS } = {}): Promise<void> {
		if (this.server) throw new Error('n8n is already running');
		const started = Date.now();
		const command = this.role === 'worker' ? ['worker', `--concurrency=${this.workerConcurrency}`] : ['start'];
		this.log(`\n[harness] $ n8n ${command.join(' ')} (port ${this.port}, broker ${this.brokerPort})`);
		const fd = openSync(this.logFile, 'a');
		// Own process group, so stop() can take the task-runner child down with n8n.
		const child = spawn(this.runtime.nodeBin, [this.runtime.n8nBin, ...command], { cwd: this.userFolder, env: this.env, stdio: ['ignore', fd, fd], detached: true });
		closeSync(fd);
		this.server = child;
		running.add(child);
		this.serverExit = new Promise((resolve) => {
			child.once('exit', (code, signal) => {
				running.delete(child);
				this.log(`[harness] n8n ${command[0]} exited (code ${code}, signal ${signal})`);
				resolve({ code, signal });
			});
			// No 'exit' follows a failed spawn: settle here so start() and stop() do not hang.
			child.once('error', (e) => {
				running.delete(child);
				this.log(`[harness] cannot run n8n ${command[0]}: ${e.message}`);
				resolve({ code: null, signal: null });
			});
		});
		let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
		void this.serverExit.then((e) => (exited = e));
		const deadline = started + timeoutMs;
		for (;;) {
			if (exited) {
				this.server = undefined;
				throw new Error(`n8n ${command[0]} exited before it was ready (code ${exited.code}, signal ${exited.signal}).\n--- log tail ---\n${this.logTail(40)}`);
			}
			if (await this.ready()) break;
			if (Date.now() > deadline) {
				await this.stop();
				throw new Error(`n8n was not ready after ${timeoutMs} ms (GET ${this.baseUrl}/healthz/readiness).\n--- log tail ---\n${this.logTail(40)}`);
			}
			await sleep(200);
		}
		this.lastStartMs = Date.now() - started;
		this.log(`[harness] n8n ready after ${this.lastStartMs} ms`);
	}

	/** True when GET /healthz/readiness answers 200. */
	async ready(): Promise<boolean> {
		try {
			const res = await fetch(`${this.baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
			await res.arrayBuffer();
			return res.status === 200;
		} catch {
			return false;
		}
	}

	/** SIGTERM (n8n shuts down gracefully), then SIGKILL to the whole process group after `timeoutMs`. */
	async stop({ timeoutMs = STOP_TIMEOUT_MS } = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; forced: boolean } | undefined> {
		const child = this.server;
		const exit = this.serverExit;
		if (!child || !exit) return undefined;
		killGroup(child, 'SIGTERM');
		let timer: NodeJS.Timeout | undefined;
		const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
		let result = await Promise.race([exit, timedOut]);
		clearTimeout(timer);
		let forced = false;
		if (result === 'timeout') {
			this.log(`[harness] n8n did not stop within ${timeoutMs} ms: SIGKILL`);
			forced = true;
			killGroup(child, 'SIGKILL');
			result = await exit;
		} else {
			killGroup(child, 'SIGKILL'); // a task runner that outlived its parent
		}
		this.server = undefined;
		this.serverExit = undefined;
		return { ...result, forced };
	}

	/** The owner's session cookie (`name=value`), logging in first if needed: for a browser driven by a script. */
	async sessionCookie(): Promise<string> {
		if (!this.authCookie) await this.rest('GET', '/login');
		if (!this.authCookie) throw new Error('no session cookie after logging in');
		return this.authCookie;
	}

	/** SIGKILL to the whole process group, as a crash or an OOM kill would: no graceful shutdown. */
	async kill(): Promise<void> {
		const child = this.server;
		const exit = this.serverExit;
		if (!child || !exit) return;
		killGroup(child, 'SIGKILL');
		await exit;
		this.server = undefined;
		this.serverExit = undefined;
	}

	/** Resident memory of the n8n main process in MB (from /proc), or undefined when it is not running. */
	rssMb(): number | undefined {
		const pid = this.server?.pid;
		if (pid === undefined) return undefined;
		try {
			const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
			return match ? Number(match[1]) / 1024 : undefined;
		} catch {
			return undefined;
		}
	}

	async restart(options: { timeoutMs?: number } = {}): Promise<void> {
		await this.stop();
		await this.start(options);
	}

	/**
	 * Calls n8n's internal REST API (`/rest/…`, what the editor uses) as the owner; logs in on first use and again
	 * when the session is refused. Returns the `data` of the answer.
	 */
	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const call = () =>
			fetch(`${this.baseUrl}/rest${path}`, {
				method,
				headers: { 'content-type': 'application/json', ...(this.authCookie ? { cookie: this.authCookie } : {}) },
				body: body === undefined ? undefined : JSON.stringify(body),
				signal: AbortSignal.timeout(15_000),
			});
		let res = await call();
		if (res.status === 401) {
			await res.arrayBuffer();
			const login = await fetch(`${this.baseUrl}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: this.owner.email, password: this.owner.password }),
				signal: AbortSignal.timeout(15_000),
			});
			const cookie = login.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
			if (login.status !== 200 || !cookie) throw new Error(`n8n login as the owner failed: HTTP ${login.status} ${(await login.text()).slice(0, 300)}`);
			this.authCookie = cookie.split(';')[0];
			res = await call();
		}
		const text = await res.text();
		if (!res.ok) throw new Error(`n8n REST ${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	/** Read-only SQL over `.n8n/database.sqlite`, run by Node 24's node:sqlite (also fine while n8n runs). */
	async sql<T = Record<string, unknown>>(query: string, params: Array<string | number | null> = [], flattedColumns: string[] = []): Promise<T[]> {
		if (this.env.DB_TYPE === 'postgresdb') {
			const connection = {
				host: this.env.DB_POSTGRESDB_HOST,
				port: Number(this.env.DB_POSTGRESDB_PORT),
				user: this.env.DB_POSTGRESDB_USER,
				password: this.env.DB_POSTGRESDB_PASSWORD,
				database: this.env.DB_POSTGRESDB_DATABASE,
			};
			const from = join(this.runtime.n8nModules, 'n8n', 'package.json');
			return node24Json<T[]>(this.runtime, PG_PROGRAM, { query, params, flattedFrom: from, flattedColumns, connection }, this.env);
		}
		const db = join(this.n8nFolder, 'database.sqlite');
		if (!existsSync(db)) throw new Error(`no database yet at ${db}: run an n8n command (import, publish or start) first`);
		// n8n's own flatted, resolved from the n8n package so hoisting does not matter.
		const flattedFrom = flattedColumns.length ? join(this.runtime.n8nModules, 'n8n', 'package.json') : undefined;
		return node24Json<T[]>(this.runtime, SQL_PROGRAM, { db, query, params, flattedFrom, flattedColumns }, this.env);
	}

	/** Rows of execution_entity, oldest first, optionally for one workflow. */
	async executions(workflowId?: string): Promise<ExecutionRow[]> {
		const rows = await this.sql<{ id: number; workflowId: string; status: string; mode: string; finished: number; deduplicationKey: string | null; startedAt: string | null; stoppedAt: string | null }>(
			`SELECT id, "workflowId", status, mode, finished, "deduplicationKey", "startedAt", "stoppedAt" FROM execution_entity ${workflowId === undefined ? '' : 'WHERE "workflowId" = ?'} ORDER BY id`,
			workflowId === undefined ? [] : [workflowId],
		);
		return rows.map((r) => ({ ...r, id: String(r.id), finished: r.finished === 1 || (r.finished as unknown) === true }));
	}

	/** Waits until at least `count` executions (of `workflowId`, if given) exist and are no longer running. */
	async waitForExecutions(count: number, { workflowId, timeoutMs = 30_000 }: { workflowId?: string; timeoutMs?: number } = {}): Promise<ExecutionRow[]> {
		return waitFor(
			async () => {
				const rows = await this.executions(workflowId);
				return rows.length >= count && rows.every((r) => !['new', 'running'].includes(r.status)) ? rows : undefined;
			},
			`${count} finished execution(s)${workflowId ? ` of workflow ${workflowId}` : ''}`,
			timeoutMs,
			500,
		);
	}

	/** The parsed run data of one execution (execution_data.data is flatted-serialised), or undefined if absent. */
	async executionData(executionId: string): Promise<RunExecutionData | undefined> {
		const rows = await this.sql<{ data: RunExecutionData }>('SELECT data FROM execution_data WHERE "executionId" = ?', [Number(executionId)], ['data']);
		return rows[0]?.data;
	}

	/** The `json` of every item a node output (first run, main output 0) in one execution. */
	async nodeOutput(executionId: string, nodeName: string): Promise<Array<Record<string, unknown>>> {
		const data = await this.executionData(executionId);
		if (!data) throw new Error(`execution ${executionId} has no stored data`);
		const runs = data.resultData.runData[nodeName];
		if (!runs) throw new Error(`node "${nodeName}" did not run in execution ${executionId} (ran: ${Object.keys(data.resultData.runData).join(', ')})`);
		return (runs[0].data?.main?.[0] ?? []).map((item) => item.json);
	}

	/** workflow_entity.staticData, parsed ({} when empty). */
	async staticData(workflowId: string): Promise<Record<string, unknown>> {
		const rows = await this.sql<{ staticData: string | null }>('SELECT "staticData" FROM workflow_entity WHERE id = ?', [workflowId]);
		if (rows.length === 0) throw new Error(`workflow ${workflowId} not found`);
		const raw = rows[0].staticData as string | Record<string, unknown> | null;
		// SQLite stores text, PostgreSQL a json column that pg parses
		return raw ? (typeof raw === 'string' ? (JSON.parse(raw) as Record<string, unknown>) : raw) : {};
	}

	/** Whether the workflow is published (active) in the DB. */
	async isActive(workflowId: string): Promise<boolean> {
		const rows = await this.sql<{ active: number }>('SELECT active FROM workflow_entity WHERE id = ?', [workflowId]);
		return rows[0]?.active === 1 || (rows[0]?.active as unknown) === true;
	}

	/** `n8n export:nodes`: the names of every node type n8n loads (ours appear as `<package>.<node>`). */
	async exportNodeTypes(): Promise<string[]> {
		return [...new Set((await this.exportNodeDescriptions()).map((d) => d.name))].sort();
	}

	/** `n8n export:nodes`: every node description n8n loads (one per type and version group). */
	async exportNodeDescriptions(): Promise<NodeDescription[]> {
		const file = join(this.userFolder, 'harness', `nodes-${++this.fileCounter}.json`);
		mkdirSync(join(this.userFolder, 'harness'), { recursive: true });
		await this.cli(['export:nodes', `--output=${file}`]);
		return JSON.parse(readFileSync(file, 'utf8')) as NodeDescription[];
	}

	/** Everything n8n printed so far (CLI commands and server), including the harness's own `[harness]` lines. */
	logText(): string {
		return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
	}

	logTail(lines = 40): string {
		return tail(this.logText(), lines);
	}

	/** Stops n8n and removes the user folder if create() made it. */
	async cleanup(): Promise<void> {
		await this.stop();
		if (this.ownsFolder) rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/** npm 11 warns about `nodedir` (set by us and by the user .npmrc) on every run; keep it out of error messages. */
function withoutNpmNoise(text: string): string {
	return text
		.split('\n')
		.filter((l) => !/^npm warn Unknown (env|user|project|global) config "nodedir"/.test(l))
		.join('\n');
}

function tail(text: string, lines: number): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * `npm pack` of the package at `root` into a fresh temp folder; returns the tarball path (remove its folder,
 * `dirname(tarball)`, when done). Run `npm run build` first: this refuses a tarball without `dist/` files rather
 * than testing an empty package. Install scripts are not run, as in n8n's own installer.
 */
export async function packPackage(root: string = repoRoot): Promise<string> {
	const runtime = await n8nRuntime();
	const dest = mkdtempSync(join(tmpdir(), 'qredo-pack-'));
	const child = spawn(runtime.nodeBin, [runtime.npmCli, 'pack', '--json', '--ignore-scripts', `--pack-destination=${dest}`], {
		cwd: root,
		env: runtimeModule.toolchainEnv(),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	let err = '';
	child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
	child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
	const [code] = (await once(child, 'close')) as [number | null];
	const fail = (why: string): never => {
		rmSync(dest, { recursive: true, force: true });
		throw new Error(why);
	};
	if (code !== 0) fail(`npm pack in ${root} failed (exit ${code}):\n${tail(withoutNpmNoise(err), 20)}`);
	const [info] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
	if (!info.files.some((f) => f.path.startsWith('dist/'))) fail(`npm pack of ${root} contains no dist/ files: run \`npm run build\` first`);
	const tarball = join(dest, info.filename);
	if (!existsSync(tarball)) fail(`npm pack reported ${info.filename} but ${tarball} does not exist`);
	return tarball;
}
