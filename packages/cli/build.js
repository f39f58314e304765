#!/usr/bin/env node
/**
 * Builds the `qredo` command into one file, dist/qredo.js: the CLI, the sandbox, the protocol core (from the built
 * n8n-nodes-qredo package beside it; run the root build first) and the libraries they use. The published package
 * therefore has no dependencies, like the n8n package. The licence and the third-party notices are the root's.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const here = __dirname;
const root = path.resolve(here, '../..');

async function build() {
	if (!fs.existsSync(path.join(root, 'dist/lib/index.js'))) throw new Error('the n8n-nodes-qredo core is not built: run `npm run build` at the repository root');
	fs.rmSync(path.join(here, 'dist'), { recursive: true, force: true });
	await esbuild.build({
		entryPoints: [path.join(here, 'cli/qredo.ts')],
		outfile: path.join(here, 'dist/qredo.js'),
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		// ws loads these native accelerators inside try/catch when present; it works without them.
		external: ['bufferutil', 'utf-8-validate'],
		legalComments: 'inline',
		logLevel: 'warning',
	});
	fs.chmodSync(path.join(here, 'dist/qredo.js'), 0o755);
	for (const file of ['LICENSE', 'THIRD-PARTY-NOTICES.md']) fs.copyFileSync(path.join(root, file), path.join(here, file));
}

build().catch((error) => {
	console.error(error.message);
	process.exit(1);
});
