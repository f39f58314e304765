/**
 * `npm run bench -- --smoke`: every part of the bench (crypto, bare script, n8n latency, bursts) with a handful of
 * actions, so the bench cannot rot. Asserts the shape of bench results and exactly-once, never a time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResults } from '../../bench/run';
import { repoRoot } from '../support/paths';

test('npm run bench -- --smoke writes complete results: crypto, latency bare vs n8n (v2, v1), bursts decided exactly once', { timeout: 15 * 60_000 }, async () => {
	const dir = mkdtempSync(join(tmpdir(), 'qredo-bench-'));
	const out = join(dir, 'results.json');
	try {
		const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
			const child = spawn(process.execPath, [join(repoRoot, 'build/bench/run.js'), '--smoke', '--out', out], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
			let output = '';
			child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
			child.on('close', (code) => resolve({ code, output }));
		});
		assert.equal(run.code, 0, run.output);
		const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
		assert.equal(results.mode, 'smoke');
		assert.deepEqual(
			results.crypto.map((row) => row.name),
			['BLS sign, 496-byte message', 'BLS sign, checked (what a decision does)', 'BLS verify', 'M-Pin x-api-zkp token', 'public key from secret key'],
		);
		for (const row of results.crypto) assert.ok(row.medianMs > 0 && row.p95Ms >= row.medianMs, JSON.stringify(row));
		for (const runner of ['bare', 'n8n'] as const) {
			for (const protocol of ['v2', 'v1'] as const) {
				const latency = results.latency[runner][protocol];
				assert.equal(latency.n, 3, `${runner} ${protocol}`);
				assert.ok(latency.p50Ms > 0 && latency.p99Ms >= latency.p50Ms);
			}
			assert.equal(results.burst[runner].actions, 20);
			assert.equal(results.burst[runner].exactlyOnce, true, `${runner} burst decided exactly once`);
			assert.ok(results.burst[runner].decisionsPerSecond > 0);
		}
		assert.ok(results.burst.n8n.rssMb && results.burst.n8n.rssMb.peak >= results.burst.n8n.rssMb.before * 0.5);
		assert.ok(results.ratios.decisionsPerSecondN8nToBare > 0);
		assert.equal(results.n8nFloor.n, 3, 'the n8n floor (webhook, the rule without Qredo) was measured');
		assert.ok(results.n8nFloor.executionsPerSecond > 0);
		assert.ok(results.n8nFloor.p50Ms > 0 && results.n8nFloor.p99Ms >= results.n8nFloor.p50Ms);
		assert.match(run.output, /\| n8n floor: /);
		assert.match(run.output, /\| crypto \| median \| p95 \| AMCL C median \| ratio \|/);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
