/**
 * Throwaway instances of the Debian services some tests run for real (scripts/system-deps.js installs them): each on
 * loopback, on a free port, with its files in a temporary folder that stop() removes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths';

const systemDeps = createRequire(__filename)(join(repoRoot, 'scripts', 'system-deps.js')) as { paths(): Record<string, string | undefined> };

export function program(name: string): string {
	const file = systemDeps.paths()[name];
	if (!file) throw new Error(`${name} is not installed: run \`node scripts/system-deps.js ensure\` (as root) or install it from Debian's packages`);
	return file;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, host, () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

export async function waitForPort(port: number, host: string, child: ChildProcess, what: string, timeoutMs = 20_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`${what} exited (code ${child.exitCode}) before it listened on ${host}:${port}`);
		const open = await new Promise<boolean>((resolve) => {
			const socket = connect({ port, host });
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		if (Date.now() > deadline) throw new Error(`${what} did not listen on ${host}:${port} within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.kill(signal);
	const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
}

export interface EgressProxy {
	/** http://127.0.0.1:PORT (with user:password when the proxy requires them) */
	url: string;
	/** the address the proxy connects out from: let only this one reach the sandbox (`allowedPeers`) */
	outgoingAddress: string;
	/** the request lines the proxy received, e.g. "CONNECT 127.0.0.1:4431 HTTP/1.1" or "GET http://… HTTP/1.1" */
	requests(): string[];
	stop(): Promise<void>;
}

/**
 * tinyproxy, as a well-kept corporate egress proxy: listens on loopback, connects out from its own address (127.0.0.3
 * by default), optionally requires Basic proxy authentication.
 */
export async function startEgressProxy(options: { outgoingAddress?: string; auth?: { user: string; password: string } } = {}): Promise<EgressProxy> {
	const dir = mkdtempSync(join(tmpdir(), 'qredo-proxy-'));
	const port = await freePort();
	const outgoingAddress = options.outgoingAddress ?? '127.0.0.3';
	const log = join(dir, 'tinyproxy.log');
	const config = [
		`Port ${port}`,
		'Listen 127.0.0.1',
		`Bind ${outgoingAddress}`,
		'Timeout 600',
		`LogFile "${log}"`,
		'LogLevel Connect',
		'MaxClients 200',
		'Allow 127.0.0.1',
		'DisableViaHeader Yes',
		// no ConnectPort line: CONNECT is allowed to every port (the sandbox does not listen on 443)
		...(options.auth ? [`BasicAuth ${options.auth.user} ${options.auth.password}`] : []),
	];
	writeFileSync(join(dir, 'tinyproxy.conf'), config.join('\n') + '\n');
	const child = spawn(program('tinyproxy'), ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	try {
		await waitForPort(port, '127.0.0.1', child, 'tinyproxy');
	} catch (error) {
		child.kill('SIGKILL');
		throw new Error(`${(error as Error).message}\n${stderr}`);
	}
	const userinfo = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.password)}@` : '';
	return {
		url: `http://${userinfo}127.0.0.1:${port}`,
		outgoingAddress,
		requests: () =>
			(existsSync(log) ? readFileSync(log, 'utf8') : '')
				.split('\n')
				.map((line) => /Request \(file descriptor \d+\): (.*)$/.exec(line)?.[1])
				.filter((line): line is string => line !== undefined),
		stop: async () => {
			await stopChild(child);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
