/**
 * Two packages from one repository (npm workspaces): the n8n package at the root ships what n8n loads and nothing
 * else; packages/cli ships the `qredo` command and the sandbox as one bundled file with no dependencies. The sandbox
 * takes only crypto primitives from the core, never the client's auth or transport code (packages/cli/sandbox/README.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { filesUnder, repoRoot } from '../../support/paths';
import { packList } from '../../support/npmPack';

const sources = (dir: string) => filesUnder(dir, (path) => path.endsWith('.ts'), ['dist']);

test('the n8n package ships dist (nodes, credentials, the protocol core) and its notices, no CLI, no sandbox', () => {
	const packed = packList();
	assert.equal(packed.name, 'n8n-nodes-qredo');
	const paths = packed.files.map((f) => f.path);
	const unexpected = paths.filter((p) => !/^(dist\/(index\.(js|d\.ts)|lib\/|nodes\/|credentials\/|icons\/)|package\.json$|README\.md$|LICENSE$|THIRD-PARTY-NOTICES\.md$)/.test(p));
	assert.deepEqual(unexpected, []);
	assert.ok(paths.includes('dist/nodes/QredoTrigger/QredoTrigger.node.js') && paths.includes('dist/lib/index.js'));
	const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
	assert.equal(manifest.bin, undefined, 'the qredo command is in the CLI package');
	assert.equal(manifest.dependencies, undefined, 'n8n installs the package with no dependencies');
	for (const path of paths.filter((p) => p.endsWith('.js'))) {
		assert.doesNotMatch(readFileSync(join(repoRoot, path), 'utf8'), /require\("(node:)?child_process"\)/, `${path} starts no processes`);
	}
});

test('the CLI package ships one bundled, executable qredo.js with the licence and notices, and no dependencies', () => {
	const packed = packList('--workspace', 'packages/cli');
	assert.equal(packed.name, '@n8n-nodes-qredo/cli');
	assert.deepEqual(packed.files.map((f) => f.path).sort(), ['LICENSE', 'README.md', 'THIRD-PARTY-NOTICES.md', 'dist/qredo.js', 'package.json']);
	const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages/cli/package.json'), 'utf8')) as { bin: Record<string, string>; dependencies?: unknown; version: string };
	assert.deepEqual(manifest.bin, { qredo: 'dist/qredo.js' });
	assert.equal(manifest.dependencies, undefined, 'everything it runs is in dist/qredo.js');
	const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
	assert.equal(manifest.version, root.version, 'the two packages are released together');
	const bin = join(repoRoot, 'packages/cli/dist/qredo.js');
	assert.ok(statSync(bin).mode & 0o100, 'qredo.js is executable');
	assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
	// ws's optional native accelerators aside (loaded in try/catch), only Node's own modules are required at run time.
	const required = new Set([...readFileSync(bin, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1].replace(/^node:/, '')));
	assert.deepEqual([...required].filter((id) => !builtinModules.includes(id) && id !== 'bufferutil' && id !== 'utf-8-validate'), []);
});

test('the CLI and the sandbox reach the core only through n8n-nodes-qredo/core; the sandbox takes only crypto from it', () => {
	const cryptoExports = new Set(
		sources(join(repoRoot, 'lib/crypto')).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/^export (?:async )?(?:function|const|class|type|interface) (\w+)/gm)].map((m) => m[1])),
	);
	const problems: string[] = [];
	for (const file of sources(join(repoRoot, 'packages/cli'))) {
		const text = readFileSync(file, 'utf8');
		const name = relative(repoRoot, file);
		for (const m of text.matchAll(/from '([^']+)'/g)) {
			if (/^(\.\.\/)+lib\b|^n8n-nodes-qredo(?!\/core$)/.test(m[1])) problems.push(`${name} imports ${m[1]}`);
		}
		if (!name.startsWith('packages/cli/sandbox/')) continue;
		for (const m of text.matchAll(/import \{([^}]+)\} from 'n8n-nodes-qredo\/core'/g)) {
			for (const item of m[1].split(',').map((s) => s.trim().replace(/^type /, ''))) {
				if (!cryptoExports.has(item)) problems.push(`${name} takes ${item} from the core (not a crypto primitive)`);
			}
		}
	}
	assert.ok(cryptoExports.has('blsVerify') && cryptoExports.has('mpinHashId'), 'read lib/crypto exports');
	assert.deepEqual(problems, []);
});
