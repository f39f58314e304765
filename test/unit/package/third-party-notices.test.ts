/**
 * THIRD-PARTY-NOTICES.md names every package the build bundles into dist/lib/vendor (found by bundling those modules
 * again, as gulpfile.js does, and reading esbuild's list of inputs), at the installed version, and ships with the
 * package.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../../support/paths';

test('every bundled package is in THIRD-PARTY-NOTICES.md with its version and licence, and the file ships', async () => {
	const vendor = join(repoRoot, 'lib', 'vendor');
	const entryPoints = readdirSync(vendor).filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts')).map((name) => join(vendor, name));
	const result = await build({ entryPoints, bundle: true, platform: 'node', format: 'cjs', write: false, metafile: true, outdir: 'out', external: ['bufferutil', 'utf-8-validate'], logLevel: 'silent' });
	const bundled = new Set<string>();
	for (const input of Object.keys(result.metafile.inputs)) {
		const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
		if (match) bundled.add(match[1]);
	}
	assert.deepEqual([...bundled].sort(), ['@noble/curves', '@noble/hashes', 'mcl-wasm', 'ws'], 'the packages the build bundles (update THIRD-PARTY-NOTICES.md when this changes)');

	const notices = readFileSync(join(repoRoot, 'THIRD-PARTY-NOTICES.md'), 'utf8');
	for (const name of bundled) {
		const manifest = JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string; license: string };
		assert.ok(notices.includes(`## ${name} ${manifest.version} — ${manifest.license}`), `${name} ${manifest.version} (${manifest.license}) is listed`);
	}
	const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { files: string[]; license: string };
	assert.ok(pkg.files.includes('THIRD-PARTY-NOTICES.md'), 'package.json "files" ships the notices');
	assert.equal(pkg.license, 'MIT');
	assert.match(readFileSync(join(repoRoot, 'LICENSE'), 'utf8'), /^MIT License/);
});
