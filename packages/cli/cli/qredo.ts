#!/usr/bin/env node
/**
 * `qredo`: keys, signing, registration and the local sandbox. A stable interface: other tools and the project's
 * checks call these commands exactly as documented in the README.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError, type Command, type CliIo, processIo } from './cli';
import { keysFromSeedCommand, keysGenerate, keysPublic } from './commands/keys';
import { sign, verify } from './commands/sign';
import { registerV1, registerV2 } from './commands/register';
import { sandbox } from './commands/sandbox';

export const commands: Command[] = [keysGenerate, keysPublic, keysFromSeedCommand, sign, verify, registerV1, registerV2, sandbox];

function listing(prefix: string[]): string {
	const shown = commands.filter((c) => prefix.every((word, i) => c.path[i] === word));
	const width = Math.max(...shown.map((c) => c.path.join(' ').length));
	return shown.map((c) => `  qredo ${c.path.join(' ').padEnd(width)}  ${c.summary}`).join('\n');
}

/** The package version, read from the package.json above this file (dist/cli, build/cli or the sources). */
function version(): string {
	for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
		const file = join(dir, 'package.json');
		if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
	}
	return 'unknown';
}

/** Runs one command line; returns the exit code. Exported for tests that run the CLI in-process. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
	try {
		if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
			// Asked for: stdout and 0. Not asked for (no command): a usage error, on stderr with 2.
			(argv.length === 0 ? io.stderr : io.stdout)(`Usage: qredo <command> [flags]   (every command takes --help)\n\n${listing([])}\n`);
			return argv.length === 0 ? 2 : 0;
		}
		if (argv[0] === '--version') {
			io.stdout(`${version()}\n`);
			return 0;
		}
		// The longest command path that matches the leading words wins; the rest are its flags.
		const command = commands
			.filter((c) => c.path.every((word, i) => argv[i] === word))
			.sort((a, b) => b.path.length - a.path.length)[0];
		if (!command) {
			const group = commands.filter((c) => c.path[0] === argv[0]);
			if (group.length > 0 && (argv.length === 1 || argv[1].startsWith('-'))) {
				const wantsHelp = argv[1] === '--help' || argv[1] === '-h';
				(wantsHelp ? io.stdout : io.stderr)(`Usage: qredo ${argv[0]} <command> [flags]\n\n${listing([argv[0]])}\n`);
				return wantsHelp ? 0 : 2;
			}
			// Only words that look like command names are echoed: anything else may be a key typed in the wrong place.
			const words = argv.filter((a) => !a.startsWith('-')).slice(0, 2).map((a) => (/^[a-z][a-z-]{0,24}$/.test(a) ? a : '(not shown)'));
			throw new CliError(`unknown command "${words.join(' ')}"; run qredo --help for the list`, 2);
		}
		const code = await command.run(argv.slice(command.path.length), io);
		return typeof code === 'number' ? code : 0;
	} catch (error) {
		if (error instanceof CliError) {
			io.stderr(`qredo: ${error.message}\n`);
			return error.exitCode;
		}
		// Unexpected errors: one line, no stack (stacks can carry argument values).
		io.stderr(`qredo: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
		return 1;
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).then(
		(code) => {
			process.exitCode = code;
		},
		() => {
			process.exitCode = 1;
		},
	);
}
