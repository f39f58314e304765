/**
 * Partner API x-nonce mode from several processes sharing one key (queue-mode workers do this): each process's
 * nonces increase, but Qredo wants every nonce above the last one it saw from anyone. Three real processes fire
 * requests at the sandbox at once; every request must succeed (refused nonces are signed again with a fresh one).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths';
import { type DemoSandbox, startDemo } from './support';

const PROCESSES = 3;
const REQUESTS_PER_PROCESS = 60;

/** One worker: REQUESTS_PER_PROCESS concurrent-ish GET /assets in x-nonce mode; prints {ok, failed, errors}. */
const WORKER = `
const { qredoRequest } = require(process.env.BUILD + '/lib/transport/request.js');
const { loadRsaPrivateKey, NonceSource } = require(process.env.BUILD + '/lib/auth/partnerApi.js');
const input = JSON.parse(process.env.INPUT);
(async () => {
	const privateKey = loadRsaPrivateKey(input.pem, 'pem');
	const nonce = new NonceSource();
	let ok = 0; const errors = [];
	await Promise.all(Array.from({ length: input.count }, async (_, i) => {
		await new Promise((r) => setTimeout(r, (i % 10) * 3));
		try {
			await qredoRequest({ method: 'GET', url: input.url, auth: { kind: 'partner', apiKey: input.apiKey, privateKey, nonce } });
			ok++;
		} catch (e) { errors.push(e.message); }
	}));
	process.stdout.write(JSON.stringify({ ok, failed: errors.length, errors: errors.slice(0, 3) }));
})();
`;

function runWorker(env: Record<string, string>): Promise<{ ok: number; failed: number; errors: string[] }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['-e', WORKER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker exited with ${code}: ${out}`))));
	});
}

describe('Partner API x-nonce from several processes sharing one key', () => {
	let demo: DemoSandbox;
	before(async () => {
		demo = await startDemo();
	});
	after(() => demo.sandbox.stop());

	test(`${PROCESSES} processes × ${REQUESTS_PER_PROCESS} requests at once: none refused`, async () => {
		const { partnerApi } = demo.creds;
		const input = JSON.stringify({ url: `${partnerApi.baseUrl}/assets`, apiKey: partnerApi.apiKey, pem: partnerApi.privateKeyPem, count: REQUESTS_PER_PROCESS });
		const results = await Promise.all(Array.from({ length: PROCESSES }, () => runWorker({ BUILD: join(repoRoot, 'build'), INPUT: input })));
		const failed = results.reduce((sum, r) => sum + r.failed, 0);
		assert.equal(failed, 0, `refused: ${JSON.stringify(results.flatMap((r) => r.errors))}`);
		assert.equal(results.reduce((sum, r) => sum + r.ok, 0), PROCESSES * REQUESTS_PER_PROCESS);
	});
});
