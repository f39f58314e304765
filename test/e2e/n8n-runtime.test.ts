/**
 * The real-n8n runtime the end-to-end suite runs on: Node 24 + n8n 2.41.1 from the npm registry, installed into
 * the user cache by scripts/n8n-runtime.js. The first run installs it (about 5 min, ~3 GB); later runs reuse it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';
import { n8nRuntime } from './harness/n8n';

const INSTALL_TIMEOUT_MS = 30 * 60_000;

describe('n8n runtime for end-to-end tests', () => {
	test('installs (or reuses) Node 24 and n8n, and n8n --version prints 2.41.1 under Node 24', { timeout: INSTALL_TIMEOUT_MS }, async () => {
		const started = Date.now();
		const runtime = await n8nRuntime();
		const secs = ((Date.now() - started) / 1000).toFixed(1);
		console.log(`n8n runtime at ${runtime.root}: ${runtime.installedNow ? `installed in ${secs} s` : 'reused'} (install timings: ${JSON.stringify(runtime.timings)})`);
		for (const file of [runtime.nodeBin, runtime.npmCli, runtime.n8nBin]) assert.ok(existsSync(file), `missing ${file}`);

		const node = spawnSync(runtime.nodeBin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
		assert.equal(node.status, 0, node.stderr);
		assert.equal(node.stdout.trim(), 'v24.21.0');

		const n8n = spawnSync(runtime.nodeBin, [runtime.n8nBin, '--version'], { encoding: 'utf8', timeout: 120_000 });
		assert.equal(n8n.status, 0, `n8n --version failed: ${n8n.stderr}`);
		assert.equal(n8n.stdout.trim().split('\n').pop(), '2.41.1');
	});

	test('a second ensure is a no-op', { timeout: 60_000 }, async () => {
		const { ensureN8nRuntime } = createRequire(__filename)(join(repoRoot, 'scripts', 'n8n-runtime.js')) as { ensureN8nRuntime(): Promise<{ installedNow: boolean }> };
		const again = await ensureN8nRuntime();
		assert.equal(again.installedNow, false);
	});
});
