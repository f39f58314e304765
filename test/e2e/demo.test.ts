/**
 * `npm run demo` as a user runs it (scripts/demo.js, here with --no-build because `npm test` has just built): it
 * prints the editor URL and a login that works, demo transactions get decided as the rule says with signatures the
 * sandbox verified, and Ctrl-C (SIGINT) stops n8n and the sandbox and exits 0.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './harness/n8n';
import { repoRoot } from '../support/paths';

describe('npm run demo', { timeout: 10 * 60_000 }, () => {
	const demoDir = mkdtempSync(join(tmpdir(), 'qredo-demo-test-'));
	let child: ChildProcess | undefined;
	let output = '';

	after(() => {
		if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		rmSync(demoDir, { recursive: true, force: true });
	});

	const line = (pattern: RegExp) => pattern.exec(output)?.[1];

	test('starts, decides demo transactions as the rule says, and stops cleanly on Ctrl-C', async () => {
		const n8nPort = await freePort();
		child = spawn(process.execPath, [join(repoRoot, 'scripts', 'demo.js'), '--no-build'], {
			cwd: repoRoot,
			env: { ...process.env, QREDO_DEMO_DIR: demoDir, QREDO_DEMO_N8N_PORT: String(n8nPort), QREDO_DEMO_INTERVAL_MS: '1500' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
		child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
		const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

		await waitFor(() => /^Ready\.$/m.test(output) || (child?.exitCode !== null ? Promise.reject(new Error(`the demo exited:\n${output}`)) : undefined), 'the demo to be ready', 5 * 60_000, 500);
		const editorUrl = line(/n8n editor:\s+(\S+)/);
		const login = /login:\s+(\S+) \/ (\S+)/.exec(output);
		const adminDecisions = line(/decision log:\s+(\S+)/);
		assert.equal(editorUrl, `http://127.0.0.1:${n8nPort}/`);
		assert.ok(login && adminDecisions, `the demo printed a login and the decision log URL:\n${output}`);

		// The printed login opens the editor.
		const res = await fetch(`${editorUrl}rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: login[1], password: login[2] }),
		});
		assert.equal(res.status, 200, `login with the printed account: ${await res.text()}`);

		// Decisions flow: each printed decision matches what the printed rule case expects, signatures verified.
		const decided = await waitFor(
			() => {
				const lines = [...output.matchAll(/decided: (approve|reject) by \S+ \S+ \(([^)]*)\) ← (.+)/g)];
				return lines.length >= 4 ? lines : undefined;
			},
			'four decisions printed by the demo',
			120_000,
			500,
		);
		const expected = new Map([...output.matchAll(/created: (.+); the rule should (approve|reject)/g)].map((m) => [m[1], m[2]]));
		for (const [, decision, check, label] of decided) {
			const rule = expected.get(label);
			assert.equal(decision, rule, `"${label}": the rule says ${rule}`);
			assert.equal(check, 'signature verified by the sandbox');
		}
		assert.ok(decided.some((d) => d[1] === 'approve') && decided.some((d) => d[1] === 'reject'), 'both branches of the rule seen');
		const log = (await (await fetch(adminDecisions)).json()) as { decisions: Array<{ verified: boolean | null; error?: string }> };
		assert.ok(log.decisions.length >= 4 && log.decisions.every((d) => d.verified === true && d.error === undefined), 'the sandbox verified every signature');

		// Ctrl-C stops everything.
		child.kill('SIGINT');
		const [code] = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the demo did not stop within 60 s:\n${output}`)), 60_000))]);
		assert.equal(code, 0, output);
		assert.match(output, /^Stopped\.$/m);
		await assert.rejects(fetch(`${editorUrl}healthz`, { signal: AbortSignal.timeout(2000) }), 'n8n no longer listens');
		await assert.rejects(fetch(adminDecisions, { signal: AbortSignal.timeout(2000) }), 'the sandbox no longer listens');
	});
});
