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

/** Runs a program as the unprivileged `postgres` user when we are root (PostgreSQL refuses to run as root). */
function postgresUser(): { uid?: number; gid?: number } {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
	const line = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith('postgres:'));
	if (!line) throw new Error('running as root, but there is no postgres user to run PostgreSQL as (install the postgresql package)');
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

async function runToEnd(file: string, args: string[], options: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
	const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	if (code !== 0) throw new Error(`${file} ${args.join(' ')} exited ${code}:\n${output}`);
}

export interface Postgres {
	host: string;
	port: number;
	user: string;
	database: string;
	stop(): Promise<void>;
}

/** A throwaway PostgreSQL cluster on 127.0.0.1 (trust auth, fsync off) with one empty database. */
export async function startPostgres(database = 'n8n'): Promise<Postgres> {
	const dir = mkdtempSync(join(tmpdir(), 'qredo-pg-'));
	const data = join(dir, 'data');
	const user = postgresUser();
	if (user.uid !== undefined) await runToEnd('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
	const initdb = program('initdb');
	await runToEnd(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions'], user);
	const port = await freePort();
	const child = spawn(program('postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'], {
		...user,
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	try {
		await waitForPort(port, '127.0.0.1', child, 'postgres', 30_000);
		await runToEnd(join(initdb, '..', 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database], user);
	} catch (error) {
		child.kill('SIGKILL');
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`${(error as Error).message}\n${stderr.slice(-2000)}`);
	}
	return {
		host: '127.0.0.1',
		port,
		user: 'postgres',
		database,
		stop: async () => {
			await stopChild(child, 'SIGINT'); // fast shutdown
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

export interface Redis {
	host: string;
	port: number;
	stop(): Promise<void>;
}

/** A throwaway Redis on 127.0.0.1, nothing persisted. */
export async function startRedis(): Promise<Redis> {
	const dir = mkdtempSync(join(tmpdir(), 'qredo-redis-'));
	const port = await freePort();
	const child = spawn(program('redis-server'), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	try {
		await waitForPort(port, '127.0.0.1', child, 'redis-server');
	} catch (error) {
		child.kill('SIGKILL');
		throw new Error(`${(error as Error).message}\n${output.slice(-2000)}`);
	}
	return {
		host: '127.0.0.1',
		port,
		stop: async () => {
			await stopChild(child);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
