/** `npm pack` of this repository's packages, as publishing would make them (install scripts not run). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths';

export interface PackResult {
	name: string;
	filename: string;
	files: Array<{ path: string }>;
}

function npm(args: string[], cwd = repoRoot): string {
	// The npm that runs `npm test`, else the one on the PATH.
	const cli = process.env.npm_execpath;
	const [command, prefix] = cli && cli.endsWith('.js') ? [process.execPath, [cli]] : ['npm', []];
	return execFileSync(command, [...prefix, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** What `npm pack` would put in the tarball (`--workspace packages/cli` for the CLI package). */
export function packList(...args: string[]): PackResult {
	return (JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts', ...args])) as PackResult[])[0];
}

/** Packs the n8n package into a new temporary folder and unpacks it there; returns the unpacked package folder. */
export function packAndUnpack(): string {
	const dir = mkdtempSync(join(tmpdir(), 'qredo-pack-'));
	const [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', `--pack-destination=${dir}`])) as PackResult[];
	const unpacked = join(dir, 'package');
	mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', join(dir, packed.filename), '-C', unpacked, '--strip-components=1']);
	return unpacked;
}
