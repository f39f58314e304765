/**
 * Every connection through an egress proxy, as a custody network allows them: a real tinyproxy (Debian's package)
 * connects out from 127.0.0.3, and the sandbox serves only that address (`allowedPeers`), so anything that goes
 * direct is refused and counted. Covered: Qredo API v2 login and decisions (HTTP, absolute form), the v2 feed
 * (a CONNECT tunnel), NO_PROXY, proxy authentication, and https/wss with a private CA from NODE_EXTRA_CA_CERTS
 * (in child processes: Node reads that variable at start-up), the `qredo` CLI included.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approverFromKeys, decideAction } from '../../../lib/actions/decide';
import { parseV2Frame } from '../../../lib/feed/frames';
import { v2FeedDial } from '../../../lib/feed/dial';
import { FeedClient } from '../../../lib/feed/feedClient';
import { startSandbox, type RunningSandbox } from '../../../packages/cli/sandbox/server';
import { repoRoot } from '../../support/paths';
import { startEgressProxy, type EgressProxy } from '../../support/services';
import { type DemoSandbox, startDemo, v2Tokens } from '../governance/support';

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy'];

function setProxyEnv(values: Record<string, string>): void {
	for (const name of PROXY_VARIABLES) delete process.env[name];
	Object.assign(process.env, values);
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

describe('through an egress proxy (tinyproxy) to a sandbox that only the proxy may reach', () => {
	let proxy: EgressProxy;
	let demo: DemoSandbox;
	before(async () => {
		proxy = await startEgressProxy();
		demo = await startDemo({ allowedPeers: [proxy.outgoingAddress] });
	});
	after(async () => {
		setProxyEnv({});
		await demo?.sandbox.stop();
		await proxy?.stop();
	});
	afterEach(() => setProxyEnv({}));

	test('no proxy configured: the firewall refuses the direct connection (the test can fail)', async () => {
		const refusedBefore = demo.sandbox.refusedPeers.get('127.0.0.1') ?? 0;
		await assert.rejects(v2Tokens(demo.creds).getToken(), /socket hang up|ECONNRESET|closed|request failed/i);
		assert.ok((demo.sandbox.refusedPeers.get('127.0.0.1') ?? 0) > refusedBefore);
	});

	test('HTTP_PROXY: v2 login, the signrequests feed and the decision all go through the proxy', async () => {
		setProxyEnv({ HTTP_PROXY: proxy.url });
		const servedBefore = new Map(demo.sandbox.servedPeers);
		const tokens = v2Tokens(demo.creds);
		const frames: string[] = [];
		const feed = new FeedClient({ dial: v2FeedDial({ feedUrl: demo.creds.qredoApiV2.feedUrl, tokens }), onMessage: (text) => void frames.push(text) });
		feed.start();
		try {
			await feed.connectedOnce();
			const tx = await demo.admin.withdraw(demo.creds, { reference: 'through the proxy' });
			const expected = tx.actions.find((a) => a.member === demo.creds.qredoApiV2.apiKeyId);
			assert.ok(expected);
			await waitFor('the action frame', () => frames.some((frame) => frame.includes(expected.actionId)));
			const parsed = parseV2Frame(frames.find((frame) => frame.includes(expected.actionId)) as string);
			assert.ok(parsed.ok);
			const record = await decideAction({
				protocol: 'v2',
				actionId: expected.actionId,
				decision: 'approve',
				approver: approverFromKeys({ blsPrivateKey: demo.creds.qredoApiV2.blsPrivateKey }),
				baseUrl: demo.creds.qredoApiV2.baseUrl,
				tokens,
			});
			assert.equal(record.outcome, 'approved');
			assert.equal((await demo.admin.decisions(expected.actionId)).filter((d) => !d.error).length, 1);
			const status = feed.status();
			assert.equal(status.state, 'open');
			assert.ok(status.frames >= 1 && status.connectedSince !== undefined);
		} finally {
			await feed.stop();
		}
		// what the sandbox served came from the proxy only; the proxy saw the tunnel and the requests
		assert.deepEqual([...demo.sandbox.refusedPeers.keys()].filter((peer) => peer !== '127.0.0.1'), []);
		assert.ok((demo.sandbox.servedPeers.get(proxy.outgoingAddress) ?? 0) > (servedBefore.get(proxy.outgoingAddress) ?? 0));
		assert.equal(demo.sandbox.servedPeers.get('127.0.0.1') ?? 0, servedBefore.get('127.0.0.1') ?? 0, 'nothing went direct');
		const port = demo.sandbox.port;
		const requests = proxy.requests();
		assert.ok(requests.some((line) => line.startsWith(`CONNECT 127.0.0.1:${port} `)), `the feed tunnel: ${requests.join(' | ')}`);
		assert.ok(requests.some((line) => line.startsWith(`POST http://127.0.0.1:${port}/api/v2/`)), 'the login and the decision in absolute form');
	});

	test('NO_PROXY names the host: the connection goes direct (and the firewall refuses it)', async () => {
		setProxyEnv({ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
		await assert.rejects(v2Tokens(demo.creds).getToken(), /socket hang up|ECONNRESET|closed|request failed/i);
		setProxyEnv({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1:1' }); // another port: still proxied
		assert.match(await v2Tokens(demo.creds).getToken(), /^[\w-]+\.[\w-]+\.[\w-]+$/);
	});
});

describe('a proxy that requires Basic authentication', () => {
	let proxy: EgressProxy;
	let demo: DemoSandbox;
	const password = 'proxy-secret-Zq7';
	before(async () => {
		proxy = await startEgressProxy({ outgoingAddress: '127.0.0.5', auth: { user: 'qredo', password } });
		demo = await startDemo({ allowedPeers: [proxy.outgoingAddress] });
	});
	after(async () => {
		setProxyEnv({});
		await demo?.sandbox.stop();
		await proxy?.stop();
	});

	test('the user and password from the proxy URL are sent; a wrong one fails naming the proxy, never the password', async () => {
		setProxyEnv({ HTTP_PROXY: proxy.url });
		assert.ok(await v2Tokens(demo.creds).getToken());
		const frames: string[] = [];
		const feed = new FeedClient({ dial: v2FeedDial({ feedUrl: demo.creds.qredoApiV2.feedUrl, tokens: v2Tokens(demo.creds) }), onMessage: (text) => void frames.push(text) });
		feed.start();
		await feed.connectedOnce();
		await feed.stop();

		const wrong = proxy.url.replace(encodeURIComponent(password), 'not-the-password');
		setProxyEnv({ HTTP_PROXY: wrong });
		const error = await v2Tokens(demo.creds)
			.getToken()
			.then(() => undefined, (failure: Error) => failure);
		assert.ok(error instanceof Error);
		// tinyproxy answers a wrong password with 401 and a missing one with 407
		assert.match(error.message, /\b40[17]\b/);
		assert.doesNotMatch(error.message, /not-the-password|proxy-secret/);
		setProxyEnv({ HTTP_PROXY: proxy.url.replace(/\/\/[^@]+@/, '//') });
		const unauthenticated = await v2Tokens(demo.creds)
			.getToken()
			.then(() => undefined, (failure: Error) => failure);
		assert.match(unauthenticated?.message ?? '', /the proxy http:\/\/127\.0\.0\.1:\d+ asks for authentication \(HTTP 407\)/);
		const badFeed = new FeedClient({
			dial: v2FeedDial({ feedUrl: demo.creds.qredoApiV2.feedUrl, tokens: { getToken: async () => 'x.y.z', invalidate: () => undefined } }),
			onMessage: () => undefined,
			backoff: { initialMs: 20, maxMs: 50 },
		});
		badFeed.start();
		await waitFor('a refused tunnel', () => badFeed.status().reconnects > 0);
		const { lastError } = badFeed.status();
		await badFeed.stop();
		assert.match(lastError ?? '', /proxy http:\/\/127\.0\.0\.1:\d+: refused CONNECT .*HTTP 40[17]/);
		assert.doesNotMatch(lastError ?? '', /not-the-password|qredo:/);
	});
});

describe('https and wss with a private CA (NODE_EXTRA_CA_CERTS), through HTTPS_PROXY', () => {
	const tlsDir = join(repoRoot, 'test/fixtures/tls');
	let proxy: EgressProxy;
	let sandbox: RunningSandbox;
	before(async () => {
		proxy = await startEgressProxy({ outgoingAddress: '127.0.0.6' });
		sandbox = await startSandbox({
			seed: 'demo',
			tls: { key: readFileSync(join(tlsDir, 'server.key')), cert: readFileSync(join(tlsDir, 'server.pem')) },
			allowedPeers: [proxy.outgoingAddress],
		});
	});
	after(async () => {
		await sandbox?.stop();
		await proxy?.stop();
	});

	const run = (args: string[], env: Record<string, string>) =>
		new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
			const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
			child.on('close', (code) => resolve({ code, stdout, stderr }));
		});

	const creds = () => {
		const v2 = sandbox.credentials!.qredoApiV2;
		return [v2.baseUrl, v2.feedUrl, v2.workspaceId, v2.apiKeyId, v2.secret];
	};
	const child = join(repoRoot, 'build/test/integration/transport/tls-child.js');

	test('with the CA: login over https and the wss feed both connect through the proxy', async () => {
		assert.match(sandbox.url, /^https:\/\//);
		const result = await run([child, JSON.stringify(creds())], { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: join(tlsDir, 'ca.pem') });
		assert.deepEqual(JSON.parse(result.stdout.trim()), { login: 'ok', feed: 'ok' }, result.stderr);
		assert.ok(proxy.requests().filter((line) => line.startsWith(`CONNECT 127.0.0.1:${sandbox.port} `)).length >= 2);
		assert.equal(sandbox.servedPeers.get('127.0.0.1') ?? 0, 0, 'nothing went direct');
	});

	test('without the CA: both fail on the certificate, with a message that says so', async () => {
		const result = await run([child, JSON.stringify(creds())], { HTTPS_PROXY: proxy.url });
		const outcome = JSON.parse(result.stdout.trim()) as { login: string; feed: string };
		assert.match(outcome.login, /certificate|UNABLE_TO_VERIFY|SELF_SIGNED/i);
		assert.match(outcome.feed, /certificate|UNABLE_TO_VERIFY|SELF_SIGNED/i);
	});

	test('the qredo CLI (register v2) goes through the proxy and trusts the extra CA', async () => {
		const v2 = sandbox.credentials!.qredoApiV2;
		const out = join(tmpdir(), `qredo-proxy-register-${process.pid}.json`);
		const cli = join(repoRoot, 'packages/cli/dist/qredo.js');
		const args = [cli, 'register', 'v2', '--api-key-id', v2.apiKeyId, '--api-secret', '-', '--workspace', v2.workspaceId, '--base-url', v2.baseUrl, '--out', out];
		const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
			const proc = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: join(tlsDir, 'ca.pem') }, stdio: ['pipe', 'pipe', 'pipe'] });
			let stdout = '';
			let stderr = '';
			proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
			proc.on('close', (code) => resolve({ code, stdout, stderr }));
			proc.stdin.end(v2.secret);
		});
		rmSync(out, { force: true });
		assert.equal(result.code, 0, result.stderr);
		assert.doesNotMatch(result.stdout + result.stderr, new RegExp(v2.secret.slice(0, 16)));
		assert.equal(sandbox.servedPeers.get('127.0.0.1') ?? 0, 0, 'nothing went direct');
	});
});
