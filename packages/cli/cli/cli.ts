/**
 * The small framework every `qredo` command shares: one-line errors on stderr, `--help` everywhere,
 * strict flag parsing (unknown flags are errors), and secret inputs that need not sit on the command line.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFileSync } from 'node:fs';
import { parseBlsSecretKey, QredoInputError } from 'n8n-nodes-qredo/core';

/** An error the user caused or can fix; printed as one line, exit code 2 for usage errors and 1 otherwise. */
export class CliError extends Error {
	constructor(
		message: string,
		readonly exitCode = 1,
	) {
		super(message);
		this.name = 'CliError';
	}
}

export interface Command {
	/** words after `qredo`, e.g. ['keys', 'generate'] */
	path: string[];
	summary: string;
	usage: string;
	/** resolves with an exit code when the command reports its own errors (e.g. the sandbox), else with nothing */
	run(argv: string[], io: CliIo): Promise<void | number> | void | number;
}

export interface CliIo {
	stdout(text: string): void;
	stderr(text: string): void;
	readStdin(): string;
}

export const processIo: CliIo = {
	stdout: (text) => process.stdout.write(text),
	stderr: (text) => process.stderr.write(text),
	readStdin: () => readFileSync(0, 'utf8'),
};

export interface FlagSpec {
	/** flags that take a value: --name VALUE */
	strings?: string[];
	/** flags that are on or off: --name */
	booleans?: string[];
}

export interface ParsedFlags {
	values: Record<string, string | undefined>;
	switches: Record<string, boolean>;
	help: boolean;
}

/**
 * node:util's message, minus anything the user typed that is not a flag name: a stray positional or a value is often a
 * key pasted in the wrong place ("Unexpected argument '<key>'"), and stderr ends up in logs.
 */
function flagErrorText(message: string): string {
	const line = message.split('\n')[0];
	if (/^Unexpected argument/i.test(line)) return 'unexpected argument (not shown: it may be a secret); this command takes flags only';
	return line.replace(/'([^']*)'/g, (quoted, inner: string) => (/^--?[A-Za-z][\w-]*( <value>)?$/.test(inner) ? quoted : "'(not shown)'"));
}

/** Parses flags strictly (unknown flags and positionals are usage errors); `--help`/`-h` is always accepted. */
export function parseFlags(argv: string[], spec: FlagSpec, usage: string): ParsedFlags {
	const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
	for (const name of spec.strings ?? []) options[name] = { type: 'string' };
	for (const name of spec.booleans ?? []) options[name] = { type: 'boolean' };
	let parsed: Record<string, string | boolean | undefined>;
	try {
		parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as typeof parsed;
	} catch (error) {
		throw new CliError(`${flagErrorText((error as Error).message)}. Usage: ${usage}`, 2);
	}
	const values: Record<string, string | undefined> = {};
	const switches: Record<string, boolean> = {};
	for (const name of spec.strings ?? []) values[name] = parsed[name] as string | undefined;
	for (const name of spec.booleans ?? []) switches[name] = parsed[name] === true;
	return { values, switches, help: parsed.help === true };
}

/**
 * Reads a secret given as `--flag VALUE`, `--flag -` (standard input) or `--flag-file PATH`, so keys can stay out
 * of shell history and the process list. Exactly one form must be used.
 */
export function readSecret(
	io: CliIo,
	flag: string,
	direct: string | undefined,
	file: string | undefined,
	required = true,
): string | undefined {
	if (direct !== undefined && file !== undefined) throw new CliError(`--${flag}: give either --${flag} or --${flag}-file, not both`, 2);
	let value = direct;
	if (direct === '-') value = io.readStdin();
	if (file !== undefined) {
		try {
			value = readFileSync(file, 'utf8');
		} catch (error) {
			// The path is not echoed: a key pasted where the path belongs would end up on stderr.
			throw new CliError(`--${flag}-file: cannot read the file given (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
		}
	}
	value = value?.trim();
	if (required && !value) throw new CliError(`--${flag} is required (a value, - for standard input, or --${flag}-file PATH)`, 2);
	return value;
}

/** Turns library input errors into CLI errors that name the flag instead of the library field. */
export function asCliError(error: unknown, flag: string): unknown {
	if (error instanceof QredoInputError) return new CliError(`--${flag}: expected ${error.expected}`, 2);
	return error;
}

/** The BLS private key of `--bls-private-key` (or `-`, or `--bls-private-key-file`), parsed; errors name the flag. */
export function readBlsPrivateKey(io: CliIo, values: Record<string, string | undefined>): bigint {
	const text = readSecret(io, 'bls-private-key', values['bls-private-key'], values['bls-private-key-file']) as string;
	try {
		return parseBlsSecretKey(text);
	} catch (error) {
		throw asCliError(error, 'bls-private-key');
	}
}
