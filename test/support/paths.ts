import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above the compiled test that holds our package.json. */
export const repoRoot: string = (() => {
	for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
		const file = join(dir, 'package.json');
		if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'n8n-nodes-qredo') return dir;
	}
	throw new Error('cannot find the n8n-nodes-qredo package root above ' + __dirname);
})();

export function fixture<T = unknown>(name: string): T {
	return JSON.parse(readFileSync(join(repoRoot, 'test/fixtures', name), 'utf8')) as T;
}

export interface AmclVectors {
	bls: Array<{ sk: string; pk: string; msg: string; sig: string }>;
	seedKeys: Array<{ seed: string; sk: string; pk: string }>;
	mpin: Array<Record<string, string | number>>;
	fixed: {
		sk42: { sk: string; pk: string; signatures: Record<string, string> };
		seed0102to30: { seed: string; sk: string };
		hashToG1_sk1: Record<string, string>;
	};
}

export const amclVectors = (): AmclVectors => fixture<AmclVectors>('amcl-bls-mpin.json');

/** Every file under `dir` that `keep` accepts, skipping node_modules and the folders named in `skip`. */
export function filesUnder(dir: string, keep: (path: string) => boolean, skip: readonly string[] = []): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return name === 'node_modules' || skip.includes(name) ? [] : filesUnder(path, keep, skip);
		return keep(path) ? [path] : [];
	});
}
