/** Every "§N.N" a source comment cites is a section of docs/protocol.md, so no comment points at nothing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { filesUnder, repoRoot } from '../../support/paths';

const sources = (dir: string) => filesUnder(dir, (path) => /\.(ts|js)$/.test(path), ['vendor']);

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
