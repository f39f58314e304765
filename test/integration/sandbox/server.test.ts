/**
 * Server-level behaviour over real sockets: the admin API answers loopback peers only, request limits, the Host
 * header, and the route table (every documented endpoint of the core surfaces exists; every admin route is
 * documented in packages/cli/sandbox/README.md).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from '../../../packages/cli/sandbox/server';
import { repoRoot } from '../../support/paths';
import { admin, isQredoError, send } from './helpers';

const externalIpv4 = Object.values(networkInterfaces())
	.flat()
	.find((i) => i && !i.internal && i.family === 'IPv4')?.address;

/** Sends raw bytes and returns the raw response text (for requests node:http will not produce). */
function rawRequest(port: number, text: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = connect(port, '127.0.0.1', () => socket.end(text));
		let out = '';
		socket.on('data', (c) => (out += c.toString()));
		socket.on('end', () => resolve(out));
		socket.on('error', reject);
	});
}

describe('sandbox: server', () => {
	let sb: RunningSandbox;
	before(async () => {
		sb = await startSandbox();
	});
	after(() => sb.stop());

	it('binds to loopback by default', () => {
		assert.equal(sb.host, '127.0.0.1');
	});

	it('refuses a body over 1 MiB with 413', async () => {
		const res = await send('POST', `${sb.urls.partner}/coreclient/init`, { 'content-type': 'application/json' }, Buffer.alloc(1024 * 1024 + 1, 0x20));
		assert.equal(res.status, 413);
	});

	it('requires the Host header (the full URL is signed)', async () => {
		const text = await rawRequest(sb.port, 'GET /api/v2/actions/x HTTP/1.0\r\n\r\n');
		assert.match(text, /^HTTP\/1\.[01] 400/);
		assert.match(text, /"reason":"Host: expected the Host header/);
	});

	it('registers every documented endpoint of the agent and v2 surfaces', async () => {
		const routes = (await admin(sb, 'GET', '')).json.routes.map((r: { method: string; pattern: string }) => `${r.method} ${r.pattern}`);
		for (const route of [
			'POST /api/v1/p/coreclient/init',
			'POST /api/v1/p/coreclient/finish',
			'GET /api/v1/p/coreclient/action/:action_id',
			'PUT /api/v1/p/coreclient/action/:action_id',
			'DELETE /api/v1/p/coreclient/action/:action_id',
			'WS /api/v1/p/coreclient/feed',
			'GET /api/v2/workspaces/:workspaceID/token',
			'GET /api/v2/workspaces/:workspaceID/token/refresh',
			'POST /api/v2/websocket/token',
			'PUT /api/v2/workspaces/:workspaceID/apikeys/:keyID',
			'GET /api/v2/workspaces/:workspaceID/apikeys/:keyID',
			'GET /api/v2/actions/:actionID',
			'POST /api/v2/actions/:actionID',
			'WS /api/v2/actions/signrequests',
		]) {
			assert.ok(routes.includes(route), `missing ${route}`);
		}
	});

	it('documents every admin route in packages/cli/sandbox/README.md', async () => {
		const readme = readFileSync(join(repoRoot, 'packages/cli/sandbox/README.md'), 'utf8');
		const routes = (await admin(sb, 'GET', '')).json.routes.filter((r: { pattern: string }) => r.pattern.startsWith('/sandbox/admin'));
		for (const { pattern } of routes as Array<{ pattern: string }>) {
			const documented = pattern.replace(/:(\w+)/g, '{$1}');
			const last = documented.split('/').pop() as string;
			assert.ok(readme.includes(documented) || readme.includes(`\`/${last}\``) || readme.includes(`/${last}\``), `README does not document ${pattern}`);
		}
	});
});

describe('sandbox: admin API from a non-loopback peer', { skip: externalIpv4 ? false : 'no non-loopback IPv4 interface' }, () => {
	let sb: RunningSandbox;
	before(async () => {
		sb = await startSandbox({ host: '0.0.0.0' });
	});
	after(() => sb.stop());

	it('is refused with 403, while the API surfaces still answer', async () => {
		const remote = `http://${externalIpv4}:${sb.port}`;
		const refused = await send('GET', `${remote}/sandbox/admin/state`);
		assert.equal(refused.status, 403);
		assert.ok(isQredoError(refused.json, 403));
		assert.match(refused.json.detail.reason, /loopback/);
		assert.equal((await send('GET', `${remote}/api/v2/actions/x`)).status, 401);
		assert.equal((await send('GET', `http://127.0.0.1:${sb.port}/sandbox/admin/state`)).status, 200);
		assert.equal(sb.url, `http://127.0.0.1:${sb.port}`);
	});
});
