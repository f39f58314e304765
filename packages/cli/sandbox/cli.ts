/**
 * `qredo sandbox [--port N] [--host 127.0.0.1] [--seed demo] [--credentials-out FILE] [--log]`: runs the local
 * Qredo sandbox until Ctrl-C (SIGINT) or SIGTERM. Prints the URLs and where the credentials went; never a secret.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { consoleLogger, silentLogger } from './options';
import { startSandbox } from './server';

export const SANDBOX_USAGE = 'qredo sandbox [--port N] [--host 127.0.0.1] [--seed demo] [--credentials-out FILE] [--log]';

const HELP = `Usage: ${SANDBOX_USAGE}

Runs a local, wire-faithful Qredo emulator: Partner API (/api/v1/p, RSA-signed), the Signing Agent v1 endpoints
(/coreclient/*, M-Pin x-api-zkp) and feed, Qredo API v1 (/qapi/v1, HMAC), Qredo API v2 (/api/v2, HMAC then JWT)
with the actions/signrequests feed, and an admin API (/sandbox/admin) to create pending transfers, act as simulated
human approvers, read the decision log and inject faults. It enforces the protocol strictly: client bugs fail here.

  --port N                 TCP port (default 0: a free port, printed on start)
  --host ADDRESS           interface to bind (default 127.0.0.1; the admin API answers loopback peers only)
  --seed demo              create a demo company, fund, wallets, balances, a v2 API key and a v1 agent
  --credentials-out FILE   with --seed demo: write every credential a client needs (keys included) to FILE as
                           JSON, mode 0600. Nothing secret is printed.
  --log                    print one line per request and decision
  -h, --help               this help

Stop with Ctrl-C.
`;

export interface SandboxCommandIo {
	stdout(text: string): void;
	stderr(text: string): void;
}

const processIo: SandboxCommandIo = {
	stdout: (text) => process.stdout.write(text),
	stderr: (text) => process.stderr.write(text),
};

/**
 * Runs the command; resolves with the exit code once the sandbox has stopped (or at once on a usage error).
 * `signal` stops it too (tests); otherwise SIGINT/SIGTERM do.
 */
export async function runSandboxCommand(argv: string[], io: SandboxCommandIo = processIo, signal?: AbortSignal): Promise<number> {
	let values;
	try {
		values = parseArgs({
			args: argv,
			options: {
				port: { type: 'string' },
				host: { type: 'string' },
				seed: { type: 'string' },
				'credentials-out': { type: 'string' },
				log: { type: 'boolean' },
				help: { type: 'boolean', short: 'h' },
			},
			strict: true,
			allowPositionals: false,
		}).values;
	} catch (error) {
		io.stderr(`qredo sandbox: ${(error as Error).message.split('\n')[0]}. Usage: ${SANDBOX_USAGE}\n`);
		return 2;
	}
	if (values.help) {
		io.stdout(HELP);
		return 0;
	}
	const usageError = (message: string) => {
		io.stderr(`qredo sandbox: ${message}. Usage: ${SANDBOX_USAGE}\n`);
		return 2;
	};
	const port = values.port === undefined ? 0 : Number(values.port);
	if (!/^\d+$/.test(values.port ?? '0') || port > 65535) return usageError('--port: expected an integer from 0 to 65535');
	if (values.seed !== undefined && values.seed !== 'demo') return usageError('--seed: expected "demo"');
	if (values['credentials-out'] !== undefined && values.seed !== 'demo') return usageError('--credentials-out: requires --seed demo (there are no credentials without it)');

	let sandbox;
	try {
		sandbox = await startSandbox({ port, host: values.host ?? '127.0.0.1', seed: values.seed === 'demo' ? 'demo' : 'none', logger: values.log ? consoleLogger : silentLogger });
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		io.stderr(`qredo sandbox: cannot listen on ${values.host ?? '127.0.0.1'}:${port} (${code ?? (error as Error).message})\n`);
		return 1;
	}

	const out = values['credentials-out'];
	if (out !== undefined && sandbox.credentials) {
		try {
			writeFileSync(out, JSON.stringify(sandbox.credentials, null, 2) + '\n', { mode: 0o600 });
			// mode applies only when the file is created; an existing file keeps its mode unless we set it.
			chmodSync(out, 0o600);
		} catch (error) {
			await sandbox.stop();
			io.stderr(`qredo sandbox: --credentials-out: cannot write ${out} (${(error as NodeJS.ErrnoException).code ?? 'error'})\n`);
			return 1;
		}
	}

	const { urls } = sandbox;
	io.stdout(
		[
			`Qredo sandbox listening on ${sandbox.url}`,
			`  Partner API     ${urls.partner}`,
			`  Agent feed      ${urls.agentFeed}`,
			`  Qredo API v1    ${urls.qapi}`,
			`  Qredo API v2    ${urls.v2}`,
			`  v2 feed         ${urls.v2Feed}`,
			`  Admin API       ${urls.admin}  (loopback only; see sandbox/README.md)`,
			values.seed === 'demo'
				? out
					? `Demo world seeded; credentials written to ${out} (mode 0600)`
					: 'Demo world seeded; credentials not written (pass --credentials-out FILE to get them)'
				: 'Empty world (pass --seed demo for a demo company, fund, keys and agent)',
			'Press Ctrl-C to stop.',
			'',
		].join('\n'),
	);
	if (!['127.0.0.1', 'localhost', '::1'].includes(values.host ?? '127.0.0.1')) {
		io.stderr(`qredo sandbox: warning: listening on ${values.host}; the sandbox is a test server, do not expose it to untrusted networks\n`);
	}

	await new Promise<void>((resolve) => {
		const done = () => {
			process.off('SIGINT', done);
			process.off('SIGTERM', done);
			signal?.removeEventListener('abort', done);
			resolve();
		};
		process.on('SIGINT', done);
		process.on('SIGTERM', done);
		if (signal?.aborted) done();
		else signal?.addEventListener('abort', done);
	});
	await sandbox.stop();
	io.stdout('Qredo sandbox stopped.\n');
	return 0;
}
