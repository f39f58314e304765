#!/usr/bin/env node
/**
 * Runs the compiled test files (build/test/**\/*.test.js, produced by `npm run build:test`) with Node's test runner.
 * `node scripts/run-tests.js [unit|integration|e2e ...]` limits the run to those folders; the default is all of them,
 * in that order, so fast failures come first. Every suite runs even when an earlier one failed; the exit code is
 * non-zero when any did.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'e2e'];

function collect(dir) {
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir, { withFileTypes: true })
		.flatMap((e) => (e.isDirectory() ? collect(path.join(dir, e.name)) : e.name.endsWith('.test.js') ? [path.join(dir, e.name)] : []))
		.sort();
}

/**
 * Test files run side by side: most tests wait on sockets, not the CPU (node's default is one file per spare core,
 * which is one file at a time on a 2-core CI machine). End-to-end files each run a real n8n, so fewer at once.
 */
const CONCURRENCY = { unit: 4, integration: 4, e2e: 2 };

const missing = suites.filter((s) => collect(path.join(root, 'build/test', s)).length === 0);
if (missing.length === suites.length) {
	console.error(`no compiled tests found for ${suites.join(', ')}: run \`npm run build:test\` first`);
	process.exit(1);
}
let failed = false;
// The integration and e2e suites run a real proxy, Redis and PostgreSQL (Debian's packages); installed once, up front.
if (suites.some((suite) => suite !== 'unit')) {
	const deps = spawnSync(process.execPath, [path.join(__dirname, 'system-deps.js'), 'ensure'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
	if (deps.status !== 0) {
		console.log('\n# the system services the tests need could not be installed (see above)\n');
		process.exit(1);
	}
}
for (const suite of suites) {
	const files = collect(path.join(root, 'build/test', suite));
	if (files.length === 0) continue;
	if (suite === 'e2e') {
		// Installed before any e2e file starts: on a machine that has never run them, the first install takes minutes,
		// and files that run side by side would otherwise spend their own time limits waiting for it.
		const ensure = spawnSync(process.execPath, [path.join(__dirname, 'n8n-runtime.js'), 'ensure'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
		if (ensure.status !== 0) {
			console.log('\n# e2e: the n8n runtime could not be installed (see above); e2e not run\n');
			failed = true;
			continue;
		}
	}
	const started = Date.now();
	const concurrency = CONCURRENCY[suite] ?? 1;
	const result = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { cwd: root, stdio: 'inherit' });
	const ok = result.status === 0;
	console.log(`\n# ${suite}: ${files.length} files, ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
	if (!ok) failed = true;
}
process.exit(failed ? 1 : 0);
