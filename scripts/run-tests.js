#!/usr/bin/env node
/**
 * Runs the compiled test files (build/test/**\/*.test.js, produced by `npm run build:test`) with Node's test runner.
 * `node scripts/run-tests.js [unit|integration|e2e ...]` limits the run to those folders; the default is all of them,
 * in that order, so fast failures come first.
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

const files = suites.flatMap((s) => collect(path.join(root, 'build/test', s)));
if (files.length === 0) {
	console.error(`no compiled tests found for ${suites.join(', ')}: run \`npm run build:test\` first`);
	process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
