/** Every "§N.N" a source comment cites is a section of docs/protocol.md, so no comment points at nothing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../../support/paths';

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'vendor' ? [] : sources(path);
		return /\.(ts|js)$/.test(name) ? [path] : [];
	});
}

test('every § a comment cites exists in docs/protocol.md', () => {
	const doc = readFileSync(join(repoRoot, 'docs', 'protocol.md'), 'utf8');
	const sections = new Set([...doc.matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? /gm)].map((m) => m[1]));
	assert.ok(sections.has('4.3.2') && sections.has('1.4'), 'the headings were read');
	const missing: string[] = [];
	let cited = 0;
	for (const folder of ['lib', 'nodes', 'credentials', 'packages/cli/sandbox', 'packages/cli/cli', 'scripts', 'bench', 'test']) {
		for (const file of sources(join(repoRoot, folder))) {
			for (const match of readFileSync(file, 'utf8').matchAll(/§ ?(\d+(?:\.\d+)*)/g)) {
				cited++;
				if (!sections.has(match[1])) missing.push(`${relative(repoRoot, file)}: §${match[1]}`);
			}
		}
	}
	assert.ok(cited > 50, `found the citations (${cited})`);
	assert.deepEqual(missing, []);
});
