/**
 * lib/ is layered: a folder imports only folders below it (crypto → auth → transport → actions → feed, with errors,
 * wire and vendor at the bottom, lib/index.ts — the published `core` entry — on top), so no folder imports back into one
 * that imports it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths';

const LAYERS = ['vendor', 'errors', 'deadline', 'wire', 'crypto', 'auth', 'environments', 'transport', 'actions', 'feed', 'registration', 'index'];

const layerOf = (name: string) => {
	const index = LAYERS.indexOf(name.replace(/\.ts$/, ''));
	assert.ok(index >= 0, `lib/${name} has a place in the layering (add it to LAYERS)`);
	return index;
};

test('every import in lib/ goes to a lower layer or within its own folder', () => {
	const lib = join(repoRoot, 'lib');
	const problems: string[] = [];
	for (const entry of readdirSync(lib)) {
		const path = join(lib, entry);
		const files = statSync(path).isDirectory() ? readdirSync(path).filter((f) => f.endsWith('.ts')).map((f) => join(path, f)) : entry.endsWith('.ts') ? [path] : [];
		const own = layerOf(entry);
		for (const file of files) {
			const up = statSync(path).isDirectory() ? '../' : './';
			for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.\.?\/[^']+)'/g)) {
				const target = match[1];
				if (!target.startsWith(up)) continue; // within its own folder
				const name = target.slice(up.length).split('/')[0];
				if (layerOf(name) > own) problems.push(`${file.slice(repoRoot.length + 1)} imports ${target}`);
			}
		}
	}
	assert.deepEqual(problems, []);
});
