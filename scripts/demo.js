#!/usr/bin/env node
/**
 * `npm run demo`: the rule-based auto-approval workflow running in a real n8n against the local Qredo sandbox.
 *
 * Builds the package (skip with --no-build), starts `qredo sandbox --seed demo`, ensures the n8n runtime
 * (scripts/n8n-runtime.js), installs the packed package into a fresh n8n user folder as a community package, imports
 * the sandbox's credentials and the example workflows, publishes the v2 auto-approval workflow, starts n8n with an
 * owner account preset through the environment, then creates a demo withdrawal or transfer every few seconds and
 * prints each decision the sandbox receives. Ctrl-C stops n8n and the sandbox and removes the credentials file.
 *
 * The helpers exported at the bottom (credentials from the sandbox file, example workflows with credential IDs filled
 * in, the rule's demo cases, the auto-approval fund) are shared with the end-to-end tests, so the examples and the
 * demo stay what the tests prove.
 *
 * Environment: QREDO_DEMO_DIR (default ~/.cache/n8n-nodes-qredo/demo; its n8n/ folder is recreated on every run),
 * QREDO_DEMO_N8N_PORT (default 5678, or a free port when 5678 is taken), QREDO_DEMO_INTERVAL_MS (default 4000).
 */
'use strict';
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const runtimeModule = require('./n8n-runtime.js');

const root = path.resolve(__dirname, '..');
const EXAMPLES_DIR = path.join(root, 'examples');

// ---------------------------------------------------------------------------------------------------------------
// Shared with test/e2e/support: credentials, example workflows, the rule's cases, the sandbox admin API.
// ---------------------------------------------------------------------------------------------------------------

/** Credential IDs the demo imports; tests pass their own. */
const DEMO_CREDENTIAL_IDS = Object.freeze({ approverV2: 'qredoDemoApprvV2', approverV1: 'qredoDemoApprvV1', partnerApi: 'qredoDemoPartner' });

/** Placeholders the example workflows carry instead of credential IDs, per credential type. */
const CREDENTIAL_PLACEHOLDERS = Object.freeze({
	qredoApproverApi: 'REPLACE_WITH_QREDO_APPROVER_CREDENTIAL_ID',
	qredoApi: 'REPLACE_WITH_QREDO_API_CREDENTIAL_ID',
	smtp: 'REPLACE_WITH_SMTP_CREDENTIAL_ID',
	slackApi: 'REPLACE_WITH_SLACK_CREDENTIAL_ID',
});

/**
 * n8n credentials (import:credentials format, plaintext `data`) for the sandbox's seeded identities: the v2 API key
 * approver, the v1 agent and the Partner API key (for v1 action details). Field names are those of
 * credentials/QredoApproverApi.credentials.ts and credentials/QredoApi.credentials.ts.
 */
function n8nCredentials(sandbox, ids = DEMO_CREDENTIAL_IDS, names = {}) {
	const v2 = sandbox.qredoApiV2;
	const agent = sandbox.agent;
	return [
		{
			id: ids.approverV2,
			name: names.approverV2 ?? 'Qredo Approver (API key, v2)',
			type: 'qredoApproverApi',
			data: {
				environment: 'custom',
				qapiV2BaseUrl: v2.baseUrl,
				approverType: 'v2',
				apiKeyId: v2.apiKeyId,
				apiSecret: v2.secret,
				workspaceId: v2.workspaceId,
				blsKeySource: 'privateKey',
				blsPrivateKey: v2.blsPrivateKey,
				ecPrivateKey: v2.ecPrivateKey,
			},
		},
		{
			id: ids.approverV1,
			name: names.approverV1 ?? 'Qredo Approver (Signing Agent v1)',
			type: 'qredoApproverApi',
			data: {
				environment: 'custom',
				partnerApiBaseUrl: sandbox.partnerApi.baseUrl,
				approverType: 'v1',
				agentId: agent.id,
				mpinIdentity: agent.clientID,
				mpinClientSecret: agent.clientSecret,
				mpinPin: 0,
				blsKeySource: 'privateKey',
				blsPrivateKey: agent.blsPrivateKey,
				ecPrivateKey: agent.ecPrivateKey,
			},
		},
		{
			id: ids.partnerApi,
			name: names.partnerApi ?? 'Qredo Partner API (action details)',
			type: 'qredoApi',
			data: {
				environment: 'custom',
				partnerApiBaseUrl: sandbox.partnerApi.baseUrl,
				partnerApiKey: sandbox.partnerApi.apiKey,
				rsaPrivateKey: sandbox.partnerApi.privateKeyPem,
				partnerReplayProtection: 'timestamp',
			},
		},
	];
}

/**
 * An example workflow from examples/ with its credential placeholders replaced (by credential type) and, optionally,
 * another workflow ID and name. Refuses a credential reference that is not a placeholder, so the examples cannot
 * silently ship a machine-specific credential ID.
 */
function exampleWorkflow(file, { credentials, id, name }) {
	const workflow = JSON.parse(fs.readFileSync(path.isAbsolute(file) ? file : path.join(EXAMPLES_DIR, file), 'utf8'));
	for (const node of workflow.nodes) {
		for (const [type, ref] of Object.entries(node.credentials ?? {})) {
			if (ref.id !== CREDENTIAL_PLACEHOLDERS[type]) throw new Error(`${file}: node "${node.name}" references ${type} credential "${ref.id}", expected the placeholder ${CREDENTIAL_PLACEHOLDERS[type]}`);
			const chosen = credentials[type];
			if (!chosen) throw new Error(`${file}: node "${node.name}" needs a ${type} credential; none given`);
			node.credentials[type] = { id: chosen.id, name: chosen.name };
		}
	}
	if (id !== undefined) workflow.id = id;
	if (name !== undefined) workflow.name = name;
	return workflow;
}

/** The credentials of one example workflow, picked from n8nCredentials() output by ID. */
function workflowCredentials(credentialList, approverId, partnerId) {
	const ref = (id) => {
		const found = credentialList.find((c) => c.id === id);
		if (!found) throw new Error(`no credential with ID ${id}`);
		return { id: found.id, name: found.name };
	};
	return partnerId === undefined ? { qredoApproverApi: ref(approverId) } : { qredoApproverApi: ref(approverId), qredoApi: ref(partnerId) };
}

/** The allowlist of the example workflows: the withdrawal whitelist `qredo sandbox --seed demo` creates. */
const ALLOWLISTED = Object.freeze({ ETH: '0x84ce2138e54b1852689132fd73ddc4d3973a44b8', BTC: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx' });
const NOT_ALLOWLISTED = Object.freeze({ ETH: '0x000000000000000000000000000000000000dead', BTC: 'tb1qnot0on0the0allowlist0000000000000000' });

/**
 * Transactions that exercise every branch of the example rule (amount ≤ ETH 5 000 000 000 gwei / BTC 10 000 000 sat
 * AND destination allowlisted), each with the decision the rule must take. `transferTo` is an internal wallet ID
 * (transfers name a wallet; its address is not on the allowlist, so they are rejected).
 */
function ruleCases(transferTo) {
	return [
		{ label: 'withdraw 1.5 ETH to the allowlisted exchange', type: 'withdraw', asset: 'ETH', amount: 1_500_000_000, recipient: ALLOWLISTED.ETH, expect: 'approve' },
		{ label: 'withdraw 12 ETH to the allowlisted exchange (over the limit)', type: 'withdraw', asset: 'ETH', amount: 12_000_000_000, recipient: ALLOWLISTED.ETH, expect: 'reject' },
		{ label: 'withdraw 0.05 BTC to allowlisted cold storage', type: 'withdraw', asset: 'BTC', amount: 5_000_000, recipient: ALLOWLISTED.BTC, expect: 'approve' },
		{ label: 'withdraw 0.8 ETH to an unknown address', type: 'withdraw', asset: 'ETH', amount: 800_000_000, recipient: NOT_ALLOWLISTED.ETH, expect: 'reject' },
		{ label: 'withdraw exactly 5 ETH (the limit) to the allowlisted exchange', type: 'withdraw', asset: 'ETH', amount: 5_000_000_000, recipient: ALLOWLISTED.ETH, expect: 'approve' },
		{ label: 'withdraw 0.2 BTC to allowlisted cold storage (over the limit)', type: 'withdraw', asset: 'BTC', amount: 20_000_000, recipient: ALLOWLISTED.BTC, expect: 'reject' },
		{ label: 'transfer 0.5 ETH to the operations wallet (not allowlisted)', type: 'transfer', asset: 'ETH', amount: 500_000_000, recipient: transferTo, expect: 'reject' },
		{ label: 'withdraw 5.000000001 ETH to the allowlisted exchange (1 gwei over)', type: 'withdraw', asset: 'ETH', amount: 5_000_000_001, recipient: ALLOWLISTED.ETH, expect: 'reject' },
		{ label: 'withdraw 0.01 BTC to an unknown address', type: 'withdraw', asset: 'BTC', amount: 1_000_000, recipient: NOT_ALLOWLISTED.BTC, expect: 'reject' },
	];
}

/** Calls the sandbox admin API (JSON in and out); throws with Qredo's error text on a non-2xx answer. */
async function adminRequest(adminUrl, method, route, body) {
	const res = await fetch(adminUrl + route, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(15_000),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`sandbox admin ${method} ${route}: HTTP ${res.status} ${text.slice(0, 300)}`);
	return text ? JSON.parse(text) : undefined;
}

/**
 * A fund whose transfers and withdrawals a single approver decides (threshold 1), with ETH and BTC wallets holding
 * plenty, so every action of the rule cases is settled by that approver's decision alone.
 */
async function createAutoApprovalFund(sandbox, approverId, name) {
	const fund = await adminRequest(sandbox.adminUrl, 'POST', '/funds', {
		companyId: sandbox.company.id,
		name,
		description: 'Decided by n8n alone (threshold 1)',
		custodygroupTx: { threshold: 1, members: [approverId] },
		custodygroupWithdraw: { threshold: 1, members: [approverId] },
		wallets: [
			{ asset: 'ETH', name: `${name} ETH`, balance: 1_000_000_000_000_000 },
			{ asset: 'BTC', name: `${name} BTC`, balance: 10_000_000_000_000 },
		],
	});
	const wallets = Object.fromEntries(fund.wallets.map((w) => [w.asset, w.walletId]));
	return { fundId: fund.fundId, wallets };
}

/** Creates one rule case on a fund made by createAutoApprovalFund; returns the transaction (with its actions). */
function createCase(sandbox, fund, rule, expiresInSeconds = 3600) {
	return adminRequest(sandbox.adminUrl, 'POST', '/transactions', {
		type: rule.type,
		walletId: fund.wallets[rule.asset],
		amount: rule.amount,
		recipient: rule.recipient,
		reference: rule.label,
		expiresInSeconds,
	});
}

module.exports = {
	DEMO_CREDENTIAL_IDS,
	CREDENTIAL_PLACEHOLDERS,
	ALLOWLISTED,
	n8nCredentials,
	exampleWorkflow,
	workflowCredentials,
	ruleCases,
	adminRequest,
	createAutoApprovalFund,
	createCase,
};

// ---------------------------------------------------------------------------------------------------------------
// The demo itself.
// ---------------------------------------------------------------------------------------------------------------

const V2_EXAMPLE = 'rule-based-auto-approval.json';
const V1_EXAMPLE = 'rule-based-auto-approval-v1.json';
const OWNER_EMAIL = 'demo@n8n-nodes-qredo.example.com';
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;

const say = (line = '') => process.stdout.write(`${line}\n`);
const stamp = () => new Date().toTimeString().slice(0, 8);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Children the demo started, stopped in reverse order on Ctrl-C, error or exit. */
const children = [];
let stopping = false;

function isFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

async function freePort(avoid = []) {
	for (;;) {
		const server = net.createServer();
		server.listen(0, '127.0.0.1');
		await once(server, 'listening');
		const { port } = server.address();
		server.close();
		await once(server, 'close');
		if (!avoid.includes(port)) return port;
	}
}

/** Runs a command to completion; its output goes to `logFile`. Rejects with the log tail on failure. */
async function run(what, cmd, args, { cwd = root, env = process.env, logFile } = {}) {
	const fd = fs.openSync(logFile, 'a');
	fs.writeSync(fd, `\n[demo] $ ${what}\n`);
	const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', fd, fd] });
	fs.closeSync(fd);
	const entry = { name: what, child, group: false };
	children.push(entry);
	const [code, signal] = await once(child, 'exit');
	children.splice(children.indexOf(entry), 1);
	if (code !== 0) {
		const tail = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-25).join('\n');
		throw new Error(`${what} failed (${signal ?? `exit ${code}`}); log: ${logFile}\n${tail}`);
	}
}

/** Sends `signal` to a child (its whole process group when it has one) if it still runs. */
function signalChild(entry, signal) {
	if (entry.child.exitCode !== null || entry.child.signalCode !== null || entry.child.pid === undefined) return;
	try {
		process.kill(entry.group ? -entry.child.pid : entry.child.pid, signal);
	} catch {
		/* already gone */
	}
}

async function stopChild(entry, signal) {
	const exited = entry.child.exitCode !== null || entry.child.signalCode !== null ? Promise.resolve() : once(entry.child, 'exit');
	signalChild(entry, signal);
	const timedOut = await Promise.race([exited.then(() => false), sleep(STOP_TIMEOUT_MS).then(() => true)]);
	if (timedOut) {
		signalChild(entry, 'SIGKILL');
		await exited;
	}
	// n8n's task runner lives in n8n's process group and may outlive it by a moment.
	if (entry.group) signalChild({ ...entry, child: { exitCode: null, signalCode: null, pid: entry.child.pid } }, 'SIGKILL');
}

async function stopAll() {
	for (const entry of [...children].reverse()) await stopChild(entry, entry.stopSignal ?? 'SIGTERM');
	children.length = 0;
}

process.once('exit', () => {
	for (const entry of children) signalChild(entry, 'SIGKILL');
});

/** Starts `node packages/cli/dist/qredo.js sandbox --seed demo` and waits for its credentials file. */
async function startSandbox(port, credentialsFile, logFile) {
	const fd = fs.openSync(logFile, 'a');
	const child = spawn(process.execPath, [path.join(root, 'packages/cli/dist/qredo.js'), 'sandbox', '--seed', 'demo', '--credentials-out', credentialsFile, '--port', String(port)], {
		cwd: root,
		stdio: ['ignore', 'pipe', fd],
		detached: true,
	});
	fs.closeSync(fd);
	children.push({ name: 'sandbox', child, group: true, stopSignal: 'SIGINT' });
	let out = '';
	child.stdout.setEncoding('utf8').on('data', (d) => {
		out += d;
		fs.appendFileSync(logFile, d);
	});
	const deadline = Date.now() + 30_000;
	while (!/Qredo sandbox listening on (\S+)/.test(out) || !fs.existsSync(credentialsFile)) {
		if (child.exitCode !== null) throw new Error(`the sandbox exited (code ${child.exitCode}); log: ${logFile}`);
		if (Date.now() > deadline) throw new Error(`the sandbox did not start within 30 s; log: ${logFile}`);
		await sleep(100);
	}
	return { child, url: /Qredo sandbox listening on (\S+)/.exec(out)[1], credentials: JSON.parse(fs.readFileSync(credentialsFile, 'utf8')) };
}

/** npm pack into `dest` with the runtime's npm; returns the tarball path. */
async function packPackage(runtime, dest, logFile) {
	await run('npm pack', runtime.nodeBin, [runtime.npmCli, 'pack', '--ignore-scripts', `--pack-destination=${dest}`], { env: runtimeModule.toolchainEnv(), logFile });
	const tarball = fs.readdirSync(dest).find((f) => f.endsWith('.tgz'));
	if (!tarball) throw new Error(`npm pack wrote no tarball into ${dest}`);
	return path.join(dest, tarball);
}

async function main() {
	const build = !process.argv.includes('--no-build');
	const demoDir = process.env.QREDO_DEMO_DIR || path.join(process.env.QREDO_N8N_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-qredo'), 'demo');
	const userFolder = path.join(demoDir, 'n8n');
	const logFile = path.join(demoDir, 'demo.log');
	const interval = Number(process.env.QREDO_DEMO_INTERVAL_MS) || 4000;
	fs.rmSync(userFolder, { recursive: true, force: true });
	fs.mkdirSync(path.join(userFolder, '.n8n', 'nodes'), { recursive: true });
	fs.writeFileSync(logFile, `n8n-nodes-qredo demo, ${new Date().toISOString()}\n`);
	const secretsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qredo-demo-'));
	const credentialsFile = path.join(secretsDir, 'creds.json');
	const removeSecrets = () => fs.rmSync(secretsDir, { recursive: true, force: true });
	process.once('exit', removeSecrets);

	say('n8n-nodes-qredo demo: rule-based auto-approval in n8n against the local Qredo sandbox');
	say(`  log: ${logFile}`);
	if (build) {
		say('  building (npm run build) …');
		await run('npm run build', 'npm', ['run', 'build'], { logFile });
	}

	const sandboxPort = await freePort();
	const sandbox = await startSandbox(sandboxPort, credentialsFile, logFile);
	const creds = sandbox.credentials;
	say(`  sandbox: ${sandbox.url} (seeded demo world)`);

	say('  n8n runtime (installed once into the cache; the first time takes several minutes) …');
	const runtime = await runtimeModule.ensureN8nRuntime();
	const requestedPort = Number(process.env.QREDO_DEMO_N8N_PORT) || 5678;
	const n8nPort = (await isFree(requestedPort)) ? requestedPort : await freePort([sandboxPort]);
	const brokerPort = await freePort([sandboxPort, n8nPort]);
	const owner = runtimeModule.ownerAccount(runtime, OWNER_EMAIL, 'Demo', 'Owner');
	const env = runtimeModule.headlessN8nEnv({ userFolder, port: n8nPort, brokerPort, encryptionKey: randomBytes(24).toString('hex'), owner });
	const n8nCli = (what, args) => run(what, runtime.nodeBin, [runtime.n8nBin, ...args], { cwd: userFolder, env, logFile });

	say(`  installing the packed package into ${path.join(userFolder, '.n8n', 'nodes')} …`);
	const tarball = await packPackage(runtime, secretsDir, logFile);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, '\t') + '\n');
	await run(
		'npm install (community package)',
		runtime.nodeBin,
		[runtime.npmCli, 'install', tarball, '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--no-package-lock', '--install-strategy=shallow'],
		{ cwd: nodesDir, env: runtimeModule.toolchainEnv(), logFile },
	);

	say('  importing credentials and the example workflows …');
	const credentials = n8nCredentials(creds);
	const credentialsJson = path.join(secretsDir, 'n8n-credentials.json');
	fs.writeFileSync(credentialsJson, JSON.stringify(credentials), { mode: 0o600 });
	await n8nCli('n8n import:credentials', ['import:credentials', `--input=${credentialsJson}`]);
	fs.rmSync(credentialsJson);
	const v2 = exampleWorkflow(V2_EXAMPLE, { credentials: workflowCredentials(credentials, DEMO_CREDENTIAL_IDS.approverV2) });
	const v1 = exampleWorkflow(V1_EXAMPLE, { credentials: workflowCredentials(credentials, DEMO_CREDENTIAL_IDS.approverV1, DEMO_CREDENTIAL_IDS.partnerApi) });
	const workflowsJson = path.join(secretsDir, 'workflows.json');
	fs.writeFileSync(workflowsJson, JSON.stringify([v2, v1]));
	await n8nCli('n8n import:workflow', ['import:workflow', `--input=${workflowsJson}`]);
	await n8nCli('n8n publish:workflow', ['publish:workflow', `--id=${v2.id}`]);

	// Transactions of this fund are decided by the v2 API key alone, so each n8n decision settles one.
	const fund = await createAutoApprovalFund(creds, creds.qredoApiV2.apiKeyId, 'n8n Auto-Approval');

	say(`  starting n8n on port ${n8nPort} …`);
	const fd = fs.openSync(logFile, 'a');
	const n8n = spawn(runtime.nodeBin, [runtime.n8nBin, 'start'], { cwd: userFolder, env, stdio: ['ignore', fd, fd], detached: true });
	fs.closeSync(fd);
	children.push({ name: 'n8n', child: n8n, group: true, stopSignal: 'SIGTERM' });
	const editorUrl = `http://127.0.0.1:${n8nPort}/`;
	const deadline = Date.now() + READY_TIMEOUT_MS;
	for (;;) {
		if (n8n.exitCode !== null || n8n.signalCode !== null) throw new Error(`n8n exited during start-up; log: ${logFile}`);
		try {
			const res = await fetch(`${editorUrl}healthz/readiness`, { signal: AbortSignal.timeout(2000) });
			await res.arrayBuffer();
			if (res.status === 200) break;
		} catch {
			/* not listening yet */
		}
		if (Date.now() > deadline) throw new Error(`n8n was not ready within ${READY_TIMEOUT_MS / 1000} s; log: ${logFile}`);
		await sleep(300);
	}
	n8n.once('exit', (code, signal) => {
		if (stopping) return;
		say(`n8n exited unexpectedly (${signal ?? `code ${code}`}); log: ${logFile}`);
		void shutdown(1);
	});

	say('');
	say('Ready.');
	say(`  n8n editor:    ${editorUrl}`);
	say(`  login:         ${owner.email} / ${owner.password}`);
	say(`  workflow:      ${editorUrl}workflow/${v2.id} ("${v2.name}", published)`);
	say(`  also imported: ${editorUrl}workflow/${v1.id} ("${v1.name}", not published)`);
	say(`  decision log:  ${creds.adminUrl}/decisions`);
	say(`  transactions:  ${creds.adminUrl}/transactions`);
	say(`  processes:     n8n pid ${n8n.pid}, sandbox pid ${sandbox.child.pid}`);
	say(`Creating a demo transaction every ${interval / 1000} s on fund "n8n Auto-Approval" (decided by the v2 API key alone).`);
	say('Watch the workflow\'s executions in the editor and the decision log; Ctrl-C stops everything.');
	say('');

	const cases = ruleCases(creds.operationsFund.wallets.ETH);
	const labels = new Map();
	let next = 0;
	let shownDecisions = 0;
	const tick = async () => {
		const rule = cases[next++ % cases.length];
		try {
			const tx = await createCase(creds, fund, rule, 600);
			for (const action of tx.actions) labels.set(action.actionId, rule);
			say(`[${stamp()}] created: ${rule.label}; the rule should ${rule.expect}`);
		} catch (error) {
			say(`[${stamp()}] could not create a transaction: ${error.message}`);
		}
	};
	const poll = async () => {
		try {
			const { decisions } = await adminRequest(creds.adminUrl, 'GET', '/decisions');
			for (const decision of decisions.slice(shownDecisions)) {
				const rule = labels.get(decision.actionId);
				const check = decision.error ? `refused: ${decision.error}` : decision.verified ? 'signature verified by the sandbox' : 'no signature needed';
				say(`[${stamp()}] decided: ${decision.decision} by ${decision.memberKind} ${decision.member} (${check})${rule ? ` ← ${rule.label}` : ''}`);
			}
			shownDecisions = decisions.length;
		} catch {
			/* the sandbox is stopping */
		}
	};
	await tick();
	const timers = [setInterval(() => void tick(), interval), setInterval(() => void poll(), 1000)];
	stopTimers = () => timers.forEach(clearInterval);
}

let stopTimers = () => undefined;

async function shutdown(code) {
	if (stopping) return;
	stopping = true;
	stopTimers();
	say('Stopping n8n and the sandbox …');
	await stopAll();
	say('Stopped.');
	process.exit(code);
}

if (require.main === module) {
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));
	main().catch((error) => {
		say(`demo failed: ${error.message}`);
		void shutdown(1);
	});
}
