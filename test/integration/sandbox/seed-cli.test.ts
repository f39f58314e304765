/**
 * `--seed demo`, the credentials file, and the `qredo sandbox` command (in-process and as a real process):
 * start time, 0600 credentials that work on every surface, no secret on the terminal, clean Ctrl-C.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runSandboxCommand } from '../../../packages/cli/sandbox/cli';
import type { SandboxCredentials } from '../../../packages/cli/sandbox/seed';
import { startSandbox, type RunningSandbox } from '../../../packages/cli/sandbox/server';
import { repoRoot } from '../../support/paths';
import { admin, blsSignHex, openFeed, partnerSend, qapiHeaders, send, v2Login, zkp } from './helpers';

function secretsOf(credentials: SandboxCredentials): string[] {
	return [
		credentials.partnerApi.privateKeyPem,
		credentials.partnerApi.apiKey,
		credentials.qredoApiV1.secret,
		credentials.qredoApiV2.secret,
		credentials.qredoApiV2.blsPrivateKey,
		credentials.qredoApiV2.ecPrivateKey,
		credentials.agent.clientSecret,
		credentials.agent.blsPrivateKey,
		credentials.agent.ecPrivateKey,
	];
}

describe('sandbox: demo seed', () => {
	let sb: RunningSandbox;
	let creds: SandboxCredentials;
	let startMs: number;

	before(async () => {
		const started = performance.now();
		sb = await startSandbox({ seed: 'demo' });
		startMs = performance.now() - started;
		creds = sb.credentials as SandboxCredentials;
	});
	after(() => sb.stop());

	// Timing is reported, not asserted tightly: a loaded CI machine must not fail a test (npm run bench measures).
	it('starts, seeded (time reported)', (t) => {
		t.diagnostic(`startSandbox({seed:'demo'}) took ${Math.round(startMs)} ms`);
		assert.ok(startMs < 30_000, `took ${Math.round(startMs)} ms`);
	});

	it('the credentials hold every base URL, key and ID a client needs', () => {
		assert.equal(creds.baseUrl, sb.url);
		assert.equal(creds.partnerApi.baseUrl, sb.urls.partner);
		assert.match(creds.partnerApi.privateKeyPem, /^-----BEGIN RSA PRIVATE KEY-----/);
		assert.equal(creds.qredoApiV1.baseUrl, sb.urls.qapi);
		assert.equal(creds.qredoApiV2.feedUrl, sb.urls.v2Feed);
		for (const keys of [creds.qredoApiV2, creds.agent]) {
			assert.match(keys.blsPrivateKey, /^[0-9a-f]{96}$/);
			assert.match(keys.ecPrivateKey, /^[0-9a-f]{64}$/);
		}
		assert.equal(creds.agent.feedUrl, sb.urls.agentFeed);
		assert.equal(JSON.parse(Buffer.from(creds.agent.clientID, 'hex').toString()).id, creds.agent.id);
		assert.match(creds.agent.clientSecret, /^04[0-9a-f]{192}$/);
		assert.ok(creds.company.id && creds.fund.id && creds.fund.wallets.BTC && creds.fund.wallets.ETH && creds.operationsFund.wallets.ETH);
	});

	it('the Partner API key works (RSA, from the PEM in the file)', async () => {
		const res = await partnerSend({ apiKey: creds.partnerApi.apiKey, privateKey: creds.partnerApi.privateKeyPem }, 'GET', `${creds.partnerApi.baseUrl}/company/${creds.company.id}`);
		assert.equal(res.status, 200, res.text);
	});

	it('the qapi v1 key works', async () => {
		const url = `${creds.qredoApiV1.baseUrl}/balance`;
		const res = await send('GET', url, qapiHeaders(creds.qredoApiV1.keyId, creds.qredoApiV1.secret, 'GET', url));
		assert.equal(res.status, 200, res.text);
	});

	it('the v2 key logs in and its BLS key is registered', async () => {
		const token = await v2Login(sb, creds.qredoApiV2.apiKeyId, creds.qredoApiV2.secret, creds.qredoApiV2.workspaceId);
		const res = await send('GET', `${creds.qredoApiV2.baseUrl}/workspaces/${creds.qredoApiV2.workspaceId}/apikeys/${creds.qredoApiV2.apiKeyId}`, { 'x-token': token });
		assert.equal(res.json.blsPublicKey, Buffer.from(creds.qredoApiV2.blsPublicKey, 'hex').toString('base64'));
	});

	it('a demo transfer is approved 2-of-3 by the seeded agent and the seeded v2 key', async () => {
		const agentFeed = await openFeed(creds.agent.feedUrl, { 'x-api-zkp': zkp(creds.agent) });
		try {
			const tx = (await admin(sb, 'POST', '/transactions', { type: 'transfer', walletId: creds.fund.wallets.ETH, amount: 1_000_000, recipient: creds.operationsFund.wallets.ETH })).json;
			const frame = await agentFeed.nextJson();
			const actionUrl = `${creds.partnerApi.baseUrl}/coreclient/action/${frame.id}`;
			const { messages } = (await send('GET', actionUrl, { 'x-api-zkp': zkp(creds.agent) })).json;
			const put = await send('PUT', actionUrl, { 'x-api-zkp': zkp(creds.agent), 'content-type': 'application/json' }, JSON.stringify({ signatures: messages.map((m: string) => blsSignHex(creds.agent.blsPrivateKey, Buffer.from(m, 'hex'))) }));
			assert.equal(put.status, 200, put.text);

			const token = await v2Login(sb, creds.qredoApiV2.apiKeyId, creds.qredoApiV2.secret, creds.qredoApiV2.workspaceId);
			const keyAction = tx.actions.find((a: { member: string }) => a.member === creds.qredoApiV2.apiKeyId).actionId;
			const got = await send('GET', `${creds.qredoApiV2.baseUrl}/actions/${keyAction}`, { 'x-token': token });
			const post = await send(
				'POST',
				`${creds.qredoApiV2.baseUrl}/actions/${keyAction}`,
				{ 'x-token': token, 'content-type': 'application/json' },
				JSON.stringify({ status: 3, signatures: [blsSignHex(creds.qredoApiV2.blsPrivateKey, Buffer.from(got.json.messages[0], 'hex'))] }),
			);
			assert.equal(post.status, 200, post.text);
			assert.equal((await admin(sb, 'GET', `/transactions/${tx.txId}`)).json.txStatus, 'approved_transfer');
		} finally {
			agentFeed.close();
		}
	});
});

describe('qredo sandbox command (in-process)', () => {
	let dir: string;
	before(() => {
		dir = mkdtempSync(join(tmpdir(), 'qredo-sandbox-'));
	});
	after(() => rmSync(dir, { recursive: true, force: true }));

	function io() {
		const out = { stdout: '', stderr: '' };
		return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
	}

	it('prints the URLs and where the credentials went, writes them 0600, never prints a secret, stops on abort', async () => {
		const file = join(dir, 'creds.json');
		// An existing, world-readable file must end up 0600 too.
		writeFileSync(file, '{}');
		chmodSync(file, 0o644);
		const { out, io: cliIo } = io();
		const stop = new AbortController();
		const running = runSandboxCommand(['--seed', 'demo', '--credentials-out', file], cliIo, stop.signal);
		for (let i = 0; i < 100 && !out.stdout.includes('Press Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 20));
		const url = /listening on (http:\/\/\S+)/.exec(out.stdout)?.[1];
		assert.ok(url, out.stdout);
		assert.match(out.stdout, new RegExp(`credentials written to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(mode 0600\\)`));
		assert.equal(statSync(file).mode & 0o777, 0o600);
		const creds = JSON.parse(readFileSync(file, 'utf8')) as SandboxCredentials;
		assert.equal(creds.baseUrl, url);
		for (const secret of secretsOf(creds)) {
			assert.ok(!out.stdout.includes(secret) && !out.stderr.includes(secret), 'a secret reached the terminal');
		}
		assert.equal((await send('GET', `${url}/sandbox/admin/state`)).status, 200);
		stop.abort();
		assert.equal(await running, 0);
		assert.match(out.stdout, /Qredo sandbox stopped/);
	});

	it('--help prints the usage; usage errors exit 2 with one line', async () => {
		const help = io();
		assert.equal(await runSandboxCommand(['--help'], help.io), 0);
		assert.match(help.out.stdout, /^Usage: qredo sandbox/);
		for (const argv of [['--credentials-out', join(dir, 'x.json')], ['--seed', 'big'], ['--port', 'abc'], ['--port', '70000'], ['--bogus']]) {
			const run = io();
			assert.equal(await runSandboxCommand(argv, run.io), 2, argv.join(' '));
			assert.match(run.out.stderr, /^qredo sandbox: .*Usage: qredo sandbox/);
			assert.equal(run.out.stderr.trim().split('\n').length, 1);
		}
	});

	it('exits 1 when the port is taken', async () => {
		const busy = await startSandbox();
		try {
			const run = io();
			assert.equal(await runSandboxCommand(['--port', String(busy.port)], run.io), 1);
			assert.match(run.out.stderr, /cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
		} finally {
			await busy.stop();
		}
	});
});

describe('qredo sandbox command (the built bin, a real process)', () => {
	it('starts listening (time reported) and stops cleanly on SIGINT', async (t) => {
		const dir = mkdtempSync(join(tmpdir(), 'qredo-sandbox-'));
		const file = join(dir, 'creds.json');
		let child: ReturnType<typeof spawn> | undefined;
		try {
			const started = performance.now();
			const proc = spawn(process.execPath, [join(repoRoot, 'packages/cli/dist/qredo.js'), 'sandbox', '--seed', 'demo', '--credentials-out', file], { stdio: ['ignore', 'pipe', 'pipe'] });
			child = proc;
			let stdout = '';
			const url = await new Promise<string>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no URL within 30 s: ${stdout}`)), 30_000);
				proc.stdout?.on('data', (chunk: Buffer) => {
					stdout += chunk.toString();
					const match = /listening on (http:\/\/\S+)/.exec(stdout);
					if (match && stdout.includes('Press Ctrl-C')) {
						clearTimeout(timer);
						resolve(match[1]);
					}
				});
				proc.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
			});
			t.diagnostic(`process start to "listening" (seed demo, credentials written): ${Math.round(performance.now() - started)} ms`);
			assert.equal((await send('GET', `${url}/sandbox/admin/state`)).status, 200);
			assert.equal(statSync(file).mode & 0o777, 0o600);
			const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
			proc.kill('SIGINT');
			assert.equal(await exited, 0);
			child = undefined;
			assert.match(stdout, /Qredo sandbox stopped/);
		} finally {
			// A failed assertion must not leave the sandbox running (the test runner would wait for it).
			child?.kill('SIGKILL');
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
