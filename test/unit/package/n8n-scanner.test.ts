/**
 * n8n's community-package scanner (@n8n/scan-community-package) as it judges this package: its own ESLint
 * configuration on its two legs — the sources it lints (package.json, nodes/, credentials/) and every .js file and the
 * package.json of the packed tarball. (Its provenance and download steps need the package on the npm registry.)
 * Every rule still broken, and where, is listed in the README ("Rules n8n's scanner reports") with the reason; this
 * test fails on a new break and on a listed one that is gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ESLint } from 'eslint';
import { filesUnder, repoRoot } from '../../support/paths';
import { packAndUnpack } from '../../support/npmPack';

interface Scanner {
	buildScanConfig(): Promise<ESLint.Options['overrideConfig']>;
}

const SCANNER = '@n8n/scan-community-package/scanner/scanner.mjs';

/** `rule path` for every error, as the scanner's ESLint run reports them. */
async function scan(dir: string, targets: string[]): Promise<Set<string>> {
	const scanner = (await import(SCANNER)) as Scanner;
	const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await scanner.buildScanConfig() });
	const broken = new Set<string>();
	for (const result of await eslint.lintFiles(targets)) {
		for (const message of result.messages) {
			if (message.severity === 2) broken.add(`${(message.ruleId ?? 'parse-error').replace('@n8n/community-nodes/', '')} ${relative(dir, result.filePath)}`);
		}
	}
	return broken;
}

/** The README's table: one row per rule, the files in backticks in the second column. */
function documented(): Set<string> {
	const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
	const start = readme.indexOf("### Rules n8n's scanner reports");
	assert.ok(start > 0, "README has the section \"Rules n8n's scanner reports\"");
	const section = readme.slice(start, readme.indexOf('\n#', start + 10));
	const listed = new Set<string>();
	for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
		const [, rule, where] = row.split('|').map((cell) => cell.trim());
		for (const file of where.matchAll(/`([^`]+)`/g)) listed.add(`${rule.replace(/`/g, '')} ${file[1]}`);
	}
	return listed;
}

test("n8n's scanner reports exactly the rules the README lists, on the sources and on the packed tarball", async () => {
	const sourceFiles = [join(repoRoot, 'package.json'), ...['nodes', 'credentials'].flatMap((dir) => filesUnder(join(repoRoot, dir), (p) => /\.(ts|js|json)$/.test(p)))];
	const unpacked = packAndUnpack();
	try {
		const tarballFiles = [join(unpacked, 'package.json'), ...filesUnder(unpacked, (p) => p.endsWith('.js'))];
		assert.ok(tarballFiles.some((p) => p.endsWith('QredoTrigger.node.js')), 'the tarball was unpacked');
		const broken = new Set([...(await scan(repoRoot, sourceFiles)), ...(await scan(unpacked, tarballFiles))]);
		const listed = documented();
		assert.deepEqual(
			{ notInReadme: [...broken].filter((b) => !listed.has(b)).sort(), listedButFixed: [...listed].filter((l) => !broken.has(l)).sort() },
			{ notInReadme: [], listedButFixed: [] },
		);
	} finally {
		rmSync(dirname(unpacked), { recursive: true, force: true });
	}
});
