/**
 * Build: TypeScript → CommonJS in dist/, then the runtime dependencies (@noble/*, ws) bundled into the two
 * lib/vendor modules, then icons and codex files copied next to their nodes. The result needs nothing at
 * runtime but Node and n8n-workflow (which n8n provides), so the package installs with zero dependencies.
 */
const { series, src, dest } = require('gulp');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const { builtinModules } = require('node:module');

const root = __dirname;
const dist = path.join(root, 'dist');

function clean(done) {
	fs.rmSync(dist, { recursive: true, force: true });
	done();
}

function compile(done) {
	execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
		cwd: root,
		stdio: 'inherit',
	});
	done();
}

async function bundleVendor() {
	for (const name of fs.readdirSync(path.join(root, 'lib/vendor'))) {
		if (!name.endsWith('.ts') || name.endsWith('.d.ts')) continue;
		await esbuild.build({
			entryPoints: [path.join(root, 'lib/vendor', name)],
			outfile: path.join(dist, 'lib/vendor', name.replace(/\.ts$/, '.js')),
			bundle: true,
			platform: 'node',
			format: 'cjs',
			target: 'node20',
			// ws loads these native accelerators inside try/catch when present; it works without them.
			external: ['bufferutil', 'utf-8-validate'],
			legalComments: 'inline',
			logLevel: 'warning',
		});
	}
}

function copyAssets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}', 'icons/**/*.{svg,png}'], {
		base: root,
		allowEmpty: true,
		encoding: false,
	}).pipe(dest(dist));
}

/** Fails the build if anything in dist/ would need a package that is not shipped. */
function checkSelfContained(done) {
	const allowed = new Set(['n8n-workflow', 'bufferutil', 'utf-8-validate', ...builtinModules]);
	const problems = [];
	const walk = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const file = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(file);
			else if (entry.name.endsWith('.js')) {
				const text = fs.readFileSync(file, 'utf8');
				for (const m of text.matchAll(/require\(["']([^"']+)["']\)/g)) {
					const id = m[1].replace(/^node:/, '');
					if (id.startsWith('.')) continue;
					const pkg = id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0];
					if (!allowed.has(pkg) && !allowed.has(id)) problems.push(`${path.relative(root, file)} requires ${m[1]}`);
				}
			}
		}
	};
	walk(dist);
	if (problems.length) return done(new Error(`dist/ is not self-contained:\n${problems.join('\n')}`));
	done();
}

exports.clean = clean;
exports.build = series(clean, compile, bundleVendor, copyAssets, checkSelfContained);
exports.default = exports.build;
