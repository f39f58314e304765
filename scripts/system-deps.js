#!/usr/bin/env node
/**
 * The Debian services some tests run for real: an egress proxy (tinyproxy), Redis and PostgreSQL (n8n's queue mode).
 * `node scripts/system-deps.js ensure` installs the missing ones with apt-get (as root; `apt-get update` once first);
 * the tests start and stop their own throwaway instances on loopback, never the system services.
 * `node scripts/system-deps.js paths` prints where each program was found, as JSON.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** program → how to find it, and the Debian package that provides it */
const PROGRAMS = {
	tinyproxy: { pkg: 'tinyproxy', find: () => onPath('tinyproxy') },
	'redis-server': { pkg: 'redis-server', find: () => onPath('redis-server') },
	postgres: { pkg: 'postgresql', find: () => postgresBin('postgres') },
	initdb: { pkg: 'postgresql', find: () => postgresBin('initdb') },
};

function onPath(name) {
	for (const dir of (process.env.PATH || '').split(path.delimiter).concat(['/usr/sbin', '/usr/bin', '/sbin'])) {
		const file = path.join(dir, name);
		if (dir && fs.existsSync(file)) return file;
	}
	return undefined;
}

/** Debian keeps PostgreSQL's server programs in /usr/lib/postgresql/<major>/bin, off the PATH. */
function postgresBin(name) {
	const base = '/usr/lib/postgresql';
	if (!fs.existsSync(base)) return onPath(name);
	const majors = fs.readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
	for (const major of majors) {
		const file = path.join(base, major, 'bin', name);
		if (fs.existsSync(file)) return file;
	}
	return onPath(name);
}

function paths() {
	return Object.fromEntries(Object.entries(PROGRAMS).map(([name, { find }]) => [name, find()]));
}

function ensure() {
	const missing = Object.entries(PROGRAMS).filter(([, { find }]) => !find());
	if (missing.length === 0) return 0;
	const packages = [...new Set(missing.map(([, { pkg }]) => pkg))];
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!isRoot || !onPath('apt-get')) {
		console.error(`missing for the tests: ${missing.map(([name]) => name).join(', ')}; install the Debian packages ${packages.join(' ')} (as root: apt-get update && apt-get install -y ${packages.join(' ')})`);
		return 1;
	}
	console.error(`installing ${packages.join(' ')} from Debian's packages…`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...packages]]) {
		const result = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
		if (result.status !== 0) {
			console.error(`apt-get ${args[0]} failed (exit ${result.status})`);
			return 1;
		}
	}
	const still = Object.entries(PROGRAMS).filter(([, { find }]) => !find());
	if (still.length > 0) {
		console.error(`still missing after apt-get: ${still.map(([name]) => name).join(', ')}`);
		return 1;
	}
	return 0;
}

module.exports = { paths };

if (require.main === module) {
	const command = process.argv[2];
	if (command === 'ensure') process.exit(ensure());
	else if (command === 'paths') console.log(JSON.stringify(paths()));
	else {
		console.error('usage: node scripts/system-deps.js ensure|paths');
		process.exit(2);
	}
}
