/**
 * `qredo register v1|v2` run as a child process (build/packages/cli/cli/qredo.js, compiled by tsc -p tsconfig.test.json) against
 * the sandbox: the identity really works afterwards (feed + approval), the --out file is 0600 and never overwritten,
 * and no secret reaches stdout or stderr without --print-secrets. Plus the library's step-named failures.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QredoV2TokenSource } from '../../../lib/transport/v2Tokens';
import { approverFromKeys, decideAction } from '../../../lib/actions/decide';
import { agentFeedDial } from '../../../lib/feed/dial';
import { FeedClient } from '../../../lib/feed/feedClient';
import { parseV1Frame } from '../../../lib/feed/frames';
import { registerAgentV1, registerApiKeyV2, RegistrationError } from '../../../lib/registration';
import { qredoRequest, type QredoRequestOptions } from '../../../lib/transport/request';
import { repoRoot } from '../../support/paths';
import { type DemoSandbox, startDemo, waitFor } from './support';

const bin = join(repoRoot, 'build/packages/cli/cli/qredo.js');

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Asynchronous on purpose: the sandbox runs in this process and must keep answering while the CLI waits. */
function qredo(args: string[], input?: string): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
		child.stdin.end(input ?? '');
	});
}

function fields(stdout: string): Record<string, string> {
	return Object.fromEntries(stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
}

function assertAbsent(run: Run, secrets: string[]): void {
	for (const secret of secrets) {
		assert.ok(!run.stdout.includes(secret), 'a secret reached stdout');
		assert.ok(!run.stderr.includes(secret), 'a secret reached stderr');
	}
}

function assertOneLineError(run: Run, code: number, pattern: RegExp): void {
	assert.equal(run.code, code, run.stderr);
	assert.equal(run.stdout, '');
	assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
	assert.match(run.stderr.trimEnd(), pattern);
}

/** A fund whose transfers need exactly this one member: the new identity alone decides. */
async function soloFund(demo: DemoSandbox, member: string) {
	const fund = await demo.admin.call<{ fundId: string; wallets: Array<{ walletId: string }> }>('POST', '/funds', {
		companyId: demo.creds.company.id,
		name: `solo ${member}`,
		custodygroupWithdraw: { threshold: 1, members: [member] },
		custodygroupTx: { threshold: 1, members: [member] },
		wallets: [{ asset: 'ETH', balance: 10_000_000 }],
	});
	const tx = await demo.admin.call<{ txId: string; actions: Array<{ actionId: string; member: string; messages: string[] }> }>('POST', '/transactions', {
		type: 'transfer',
		walletId: fund.wallets[0].walletId,
		amount: 5000,
		recipient: demo.creds.operationsFund.wallets.ETH,
	});
	return tx;
}

describe('qredo register (CLI as a child process against the sandbox)', () => {
	let demo: DemoSandbox;
	let dir: string;
	let pemFile: string;
	before(async () => {
		assert.ok(existsSync(bin), `${bin} is missing: run npx tsc -p tsconfig.test.json`);
		demo = await startDemo();
		dir = mkdtempSync(join(tmpdir(), 'qredo-register-'));
		pemFile = join(dir, 'partner.pem');
		writeFileSync(pemFile, demo.creds.partnerApi.privateKeyPem, { mode: 0o600 });
	});
	after(() => demo.sandbox.stop());

	const v1Args = (out: string | undefined, extra: string[] = []) => [
		'register',
		'v1',
		'--name',
		'cli agent',
		'--partner-api-key',
		'-',
		'--rsa-private-key',
		pemFile,
		'--base-url',
		demo.creds.partnerApi.baseUrl,
		...(out ? ['--out', out] : []),
		...extra,
	];

	test('v1: --out gets the secrets (0600), stdout only public values; the agent then reads its feed and approves', async () => {
		const out = join(dir, 'agent.json');
		const run = await qredo(v1Args(out), demo.creds.partnerApi.apiKey);
		assert.equal(run.code, 0, run.stderr);
		assert.equal(run.stderr, '');
		assert.equal(statSync(out).mode & 0o777, 0o600);
		const saved = JSON.parse(readFileSync(out, 'utf8'));
		assert.equal(saved.protocol, 'v1');
		const shown = fields(run.stdout);
		assert.deepEqual(Object.keys(shown), ['agentId', 'feedUrl', 'blsPublicKey', 'ecPublicKey', 'secretsWrittenTo']);
		assert.equal(shown.agentId, saved.agentId);
		assert.equal(shown.feedUrl, demo.sandbox.urls.agentFeed);
		assert.equal(shown.blsPublicKey, saved.blsPublicKey);
		assert.equal(shown.secretsWrittenTo, out);
		assertAbsent(run, [saved.mpinClientSecret, saved.blsPrivateKey, saved.ecPrivateKey, saved.mpinIdentity, demo.creds.partnerApi.apiKey]);

		const state = await demo.admin.call<{ agents: Array<{ agentId: string; status: string; blsPublicKey: string }> }>('GET', '/state');
		assert.deepEqual(
			state.agents.find((a) => a.agentId === saved.agentId),
			{ agentId: saved.agentId, name: 'cli agent', status: 'active', blsPublicKey: saved.blsPublicKey },
		);

		// The saved identity works: the feed accepts its x-api-zkp and the approval verifies.
		const messages: string[] = [];
		const feed = new FeedClient({ dial: agentFeedDial({ feedUrl: saved.feedUrl, mpin: { identity: saved.mpinIdentity, clientSecret: saved.mpinClientSecret } }), onMessage: (text) => void messages.push(text) });
		feed.start();
		try {
			await feed.connectedOnce();
			const tx = await soloFund(demo, saved.agentId);
			const frame = await (async () => {
				await waitFor('the action on the new agent feed', () => messages.length > 0);
				return parseV1Frame(messages[0]);
			})();
			assert.ok(frame.ok);
			assert.equal(frame.action.actionId, tx.actions[0].actionId);
			const record = await decideAction({
				protocol: 'v1',
				actionId: frame.action.actionId,
				decision: 'approve',
				action: frame.action,
				approver: approverFromKeys({ blsPrivateKey: saved.blsPrivateKey }),
				baseUrl: saved.partnerBaseUrl,
				agentId: saved.agentId,
				mpin: { identity: saved.mpinIdentity, clientSecret: saved.mpinClientSecret },
			});
			assert.equal(record.outcome, 'approved');
			assert.equal((await demo.admin.transaction(tx.txId)).txStatus, 'approved_transfer');
		} finally {
			await feed.stop();
		}
	});

	test('v1: refuses to overwrite --out before registering anything; requires --out or --print-secrets', async () => {
		const existing = join(dir, 'exists.json');
		writeFileSync(existing, 'keep me\n');
		const agentsBefore = (await demo.admin.call<{ agents: unknown[] }>('GET', '/state')).agents.length;
		assertOneLineError(await qredo(v1Args(existing), demo.creds.partnerApi.apiKey), 1, /^qredo: --out: cannot create .* \(file exists; refusing to overwrite secrets\)$/);
		assert.equal(readFileSync(existing, 'utf8'), 'keep me\n');
		assertOneLineError(await qredo(v1Args(undefined), demo.creds.partnerApi.apiKey), 2, /--out FILE or --print-secrets is required/);
		assert.equal((await demo.admin.call<{ agents: unknown[] }>('GET', '/state')).agents.length, agentsBefore, 'nothing was registered');
	});

	test('v1: --print-secrets prints the secrets on stdout (and only then)', async () => {
		const run = await qredo(v1Args(undefined, ['--print-secrets', '--json']), demo.creds.partnerApi.apiKey);
		assert.equal(run.code, 0, run.stderr);
		assert.equal(run.stderr, '');
		const printed = JSON.parse(run.stdout);
		assert.deepEqual(Object.keys(printed), ['agentId', 'feedUrl', 'blsPublicKey', 'ecPublicKey', 'mpinIdentity', 'mpinClientSecret', 'blsPrivateKey', 'ecPrivateKey']);
		assert.match(printed.mpinClientSecret, /^04[0-9a-f]{192}$/);
		assert.equal(approverFromKeys({ blsPrivateKey: printed.blsPrivateKey }).publicKey, printed.blsPublicKey);
	});

	test('v1: a rejected Partner API key is one line naming the step and the cause; the --out file is removed', async () => {
		const out = join(dir, 'rejected.json');
		const wrongKey = Buffer.from(JSON.stringify({ key_id: 'nope', key: 'nope' })).toString('base64');
		const run = await qredo(v1Args(out), wrongKey);
		assertOneLineError(run, 1, /^qredo: v1 registration failed at POST \/coreclient\/init: Qredo API 401 .* on POST \/api\/v1\/p\/coreclient\/init$/);
		assert.ok(!existsSync(out), 'no empty secrets file is left behind');
		assertAbsent(run, [wrongKey]);
		assertOneLineError(await qredo(['register', 'v1', '--name', 'x', '--partner-api-key', 'k', '--rsa-private-key', join(dir, 'missing.pem'), '--print-secrets']), 1, /--rsa-private-key: cannot read .* \(ENOENT\)/);
		assertOneLineError(await qredo([...v1Args(undefined, ['--print-secrets']), '--base-url', 'ftp://x'], demo.creds.partnerApi.apiKey), 2, /--base-url: expected an http:\/\/ or https:\/\/ URL/);
	});

	test('v2: registers and approves the key registration with the new key; 0600 file; no secret on stdout/stderr', async () => {
		const key = await demo.admin.call<{ keyId: string; secret: string; workspaceId: string }>('POST', '/v2-apikeys', { name: 'cli key' });
		const out = join(dir, 'v2.json');
		const run = await qredo(
			['register', 'v2', '--api-key-id', key.keyId, '--api-secret', '-', '--workspace', key.workspaceId, '--base-url', demo.creds.qredoApiV2.baseUrl, '--out', out],
			key.secret,
		);
		assert.equal(run.code, 0, run.stderr);
		assert.equal(run.stderr, '');
		assert.equal(statSync(out).mode & 0o777, 0o600);
		const saved = JSON.parse(readFileSync(out, 'utf8'));
		assert.ok(!JSON.stringify(saved).includes(key.secret), 'the API secret is not written');
		const shown = fields(run.stdout);
		assert.deepEqual(Object.keys(shown), ['apiKeyId', 'workspaceId', 'actionId', 'feedUrl', 'blsPublicKey', 'ecPublicKey', 'secretsWrittenTo']);
		assert.equal(shown.feedUrl, demo.sandbox.urls.v2Feed);
		assertAbsent(run, [saved.blsPrivateKey, saved.ecPrivateKey, key.secret]);

		const log = await demo.admin.decisions(shown.actionId);
		assert.deepEqual(log.map((d) => [d.decision, d.verified]), [['approve', true]], 'approved with a signature by the new key');
		const state = await demo.admin.call<{ v2ApiKeys: Array<{ keyId: string; registered: boolean }> }>('GET', '/state');
		assert.equal(state.v2ApiKeys.find((k) => k.keyId === key.keyId)?.registered, true);

		// The registered key now approves transactions.
		const tx = await soloFund(demo, key.keyId);
		const tokens = new QredoV2TokenSource({ baseUrl: demo.creds.qredoApiV2.baseUrl, workspaceId: key.workspaceId, apiKeyId: key.keyId, apiSecret: key.secret });
		const record = await decideAction({
			protocol: 'v2',
			actionId: tx.actions[0].actionId,
			decision: 'approve',
			approver: approverFromKeys({ blsPrivateKey: saved.blsPrivateKey }),
			baseUrl: demo.creds.qredoApiV2.baseUrl,
			tokens,
		});
		assert.equal(record.outcome, 'approved');
	});

	test('v2: bad secret → one line naming the step, exit 1; --api-secret-file works; --help', async () => {
		const key = await demo.admin.call<{ keyId: string; secret: string; workspaceId: string }>('POST', '/v2-apikeys', { name: 'cli key 2' });
		const wrong = Buffer.from('$2a$04$not-the-secret-at-all-xxxxxxxxxxxxxxxxxxxxx').toString('base64');
		const base = ['register', 'v2', '--api-key-id', key.keyId, '--workspace', key.workspaceId, '--base-url', demo.creds.qredoApiV2.baseUrl, '--print-secrets'];
		const rejected = await qredo([...base, '--api-secret', wrong]);
		assertOneLineError(rejected, 1, /^qredo: v2 registration failed at PUT \/workspaces\/\{workspaceID\}\/apikeys\/\{keyID\}: Qredo API 401 .* on GET \/api\/v2\/workspaces\/[^/]+\/token$/);
		assertAbsent(rejected, [wrong]);

		const secretFile = join(dir, 'secret.txt');
		writeFileSync(secretFile, key.secret + '\n', { mode: 0o600 });
		const ok = await qredo([...base, '--api-secret-file', secretFile, '--json']);
		assert.equal(ok.code, 0, ok.stderr);
		assert.match(JSON.parse(ok.stdout).blsPrivateKey, /^[0-9a-f]{96}$/);

		const help = await qredo(['register', 'v2', '--help']);
		assert.equal(help.code, 0);
		assert.match(help.stdout, /^Usage: qredo register v2 /);
		const group = await qredo(['register', '--help']);
		assert.match(group.stdout, /qredo register v1 .*\n.*qredo register v2 /);
	});
});

describe('registration library: failures name the step', () => {
	let demo: DemoSandbox;
	before(async () => {
		demo = await startDemo();
	});
	after(() => demo.sandbox.stop());

	test('a failed /coreclient/finish names the pending agent init created', async () => {
		const failingFinish = (options: QredoRequestOptions) =>
			options.url.endsWith('/coreclient/finish') ? qredoRequest({ ...options, body: { idDocSignatureHex: '02' + '00'.repeat(48) } }) : qredoRequest(options);
		await assert.rejects(
			registerAgentV1({ partnerBaseUrl: demo.creds.partnerApi.baseUrl, name: 'half', partnerApiKey: demo.creds.partnerApi.apiKey, rsaPrivateKey: demo.creds.partnerApi.privateKeyPem, request: failingFinish }),
			(error: Error) => {
				assert.ok(error instanceof RegistrationError);
				assert.equal(error.step, 'finish');
				assert.match(error.agentId as string, /\S/);
				assert.match(error.message, /init created agent .*, which stays pending.*Qredo API 400 .*idDocSignatureHex/);
				return true;
			},
		);
	});

	test('caller-supplied keys must be consistent; v2 reuses them and returns the approval record', async () => {
		const keys = { ...demo.creds.agent, blsPublicKey: demo.creds.qredoApiV2.blsPublicKey };
		await assert.rejects(
			registerAgentV1({ partnerBaseUrl: demo.creds.partnerApi.baseUrl, name: 'x', partnerApiKey: 'k', rsaPrivateKey: demo.creds.partnerApi.privateKeyPem, keys }),
			/keys\.blsPublicKey: expected the public key of keys\.blsPrivateKey/,
		);
		const key = await demo.admin.call<{ keyId: string; secret: string; workspaceId: string }>('POST', '/v2-apikeys', {});
		const { blsPrivateKey, blsPublicKey, ecPrivateKey, ecPublicKey } = demo.creds.agent;
		const result = await registerApiKeyV2({ baseUrl: demo.creds.qredoApiV2.baseUrl, apiKeyId: key.keyId, apiSecret: key.secret, workspaceId: key.workspaceId, keys: { blsPrivateKey, blsPublicKey, ecPrivateKey, ecPublicKey } });
		assert.equal(result.keys.blsPublicKey, blsPublicKey);
		assert.equal(result.decision.outcome, 'approved');
		assert.equal(result.decision.approverPublicKey, blsPublicKey);
		assert.equal(result.decision.actionId, result.actionId);
	});
});
