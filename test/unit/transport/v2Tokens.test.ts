import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { decodeJwtExpiry, QredoV2TokenSource } from '../../../lib/transport/v2Tokens';
import { QredoInputError } from '../../../lib/errors';
import { qredoRequest, type QredoRequestOptions } from '../../../lib/transport/request';
import { QredoApiError, QredoTransportError } from '../../../lib/wire/errors';
import { json, startServer, type RecordedRequest, type TestServer } from './testServer';

import { hmacVectors } from '../auth/vectors';

const { secret: SECRET, v2Login } = hmacVectors();
const API_KEY_ID = v2Login.apiKey;
const ISSUED_AT = 1_700_000_000;

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function jwt(claims: Record<string, unknown>, tag = 'sig'): string {
	return `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}.${tag}`;
}
const header = (request: RecordedRequest, name: string) => request.headers[name] as string | undefined;

describe('decodeJwtExpiry', () => {
	it('reads exp from the unverified payload', () => {
		assert.equal(decodeJwtExpiry(jwt({ exp: 1700000600, sub: 'x' })), 1700000600);
	});

	it('returns undefined for malformed tokens or a missing / non-numeric exp', () => {
		for (const token of ['', 'abc', 'a.b', 'a..c', 'a.b.c.d', `x.${Buffer.from('not json').toString('base64url')}.y`, jwt({ sub: 'x' }), jwt({ exp: '1700000600' }), jwt({ exp: -1 }), `x.${b64url([1])}.y`, `x.@@@.y`, undefined as unknown as string]) {
			assert.equal(decodeJwtExpiry(token), undefined, String(token));
		}
	});
});

describe('QredoV2TokenSource against a local server', () => {
	let server: TestServer;
	let clock = ISSUED_AT * 1000;
	let loginTtl = 600;
	let refreshFails = false;
	let loginDelayMs = 0;
	let logins = 0;
	let refreshes = 0;
	before(async () => {
		server = await startServer((request, response) => {
			const path = request.target;
			if (path === '/api/v2/workspaces/WS%2F1/token') {
				logins++;
				const token = jwt({ iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) + loginTtl, n: `login-${logins}` });
				setTimeout(() => json(response, 200, { token }), loginDelayMs);
			} else if (path === '/api/v2/workspaces/WS%2F1/token/refresh') {
				refreshes++;
				if (refreshFails) json(response, 401, { code: 401, msg: 'Unauthorized' });
				else json(response, 200, { token: jwt({ iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) + 600, n: `refresh-${refreshes}` }) });
			} else if (path === '/api/v2/websocket/token' && request.method === 'POST') {
				json(response, 200, { wsToken: `ws-for-${header(request, 'x-token')?.split('.')[1]}` });
			} else {
				json(response, 404, { code: 404, msg: 'not found' });
			}
		});
	});
	after(() => server.close());

	const source = (overrides: Partial<ConstructorParameters<typeof QredoV2TokenSource>[0]> = {}) =>
		new QredoV2TokenSource({ baseUrl: `${server.origin}/api/v2/`, workspaceId: 'WS/1', apiKeyId: API_KEY_ID, apiSecret: SECRET, now: () => clock, ...overrides });
	const resetServer = () => {
		server.requests.length = 0;
		clock = ISSUED_AT * 1000;
		loginTtl = 600;
		refreshFails = false;
		loginDelayMs = 0;
	};
	const claimN = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).n as string;

	it('logs in with the §1.2 HMAC headers, computed independently here', async () => {
		resetServer();
		const tokens = source();
		const token = await tokens.getToken();
		assert.match(claimN(token), /^login-/);
		const [login] = server.requests;
		assert.equal(login.method, 'GET');
		assert.equal(header(login, 'qredo-api-key'), API_KEY_ID);
		const ts = header(login, 'qredo-api-timestamp') as string;
		assert.ok(Math.abs(Number(ts) - Date.now() / 1000) < 5, 'signed with the real clock, in seconds');
		const url = `http://${login.headers.host}${login.target}`;
		assert.equal(url, `${server.origin}/api/v2/workspaces/WS%2F1/token`);
		const expected = createHmac('sha256', Buffer.from(SECRET, 'base64')).update(`${ts}GET${url}`).digest('base64url');
		assert.equal(header(login, 'qredo-api-signature'), expected);
		assert.equal(header(login, 'x-token'), undefined);
	});

	it('reuses the token until half its TTL, then refreshes with x-token', async () => {
		resetServer();
		const tokens = source();
		const first = await tokens.getToken();
		clock += 299_000;
		assert.equal(await tokens.getToken(), first);
		assert.equal(server.requests.length, 1);
		clock += 1_000; // 300 s = TTL / 2
		const second = await tokens.getToken();
		assert.match(claimN(second), /^refresh-/);
		const refresh = server.requests[1];
		assert.equal(refresh.target, '/api/v2/workspaces/WS%2F1/token/refresh');
		assert.equal(header(refresh, 'x-token'), first);
		assert.equal(header(refresh, 'qredo-api-signature'), undefined);
	});

	it('logs in again when the refresh fails, and skips the refresh once the token has expired', async () => {
		resetServer();
		const tokens = source();
		await tokens.getToken();
		refreshFails = true;
		clock += 400_000;
		assert.match(claimN(await tokens.getToken()), /^login-/);
		assert.deepEqual(
			server.requests.map((request) => request.target.split('/').pop()),
			['token', 'refresh', 'token'],
		);

		server.requests.length = 0;
		clock += 700_000; // past exp
		await tokens.getToken();
		assert.deepEqual(server.requests.map((request) => request.target.split('/').pop()), ['token']);
	});

	it('concurrent callers share one in-flight login', async () => {
		resetServer();
		loginDelayMs = 100;
		const tokens = source();
		const results = await Promise.all(Array.from({ length: 10 }, () => tokens.getToken()));
		assert.equal(new Set(results).size, 1);
		assert.equal(server.requests.length, 1);
		assert.equal(await tokens.getToken(), results[0]);
		assert.equal(server.requests.length, 1);
	});

	it('invalidate() forces a fresh login (not a refresh with the rejected token)', async () => {
		resetServer();
		const tokens = source();
		const first = await tokens.getToken();
		tokens.invalidate();
		const second = await tokens.getToken();
		assert.notEqual(second, first);
		assert.deepEqual(server.requests.map((request) => request.target.split('/').pop()), ['token', 'token']);

		// A late 401 for the token already replaced must not throw away the new one.
		tokens.invalidate(first);
		assert.equal(await tokens.getToken(), second);
		tokens.invalidate(second);
		assert.notEqual(await tokens.getToken(), second);
		assert.equal(server.requests.length, 3);
	});

	it('uses exp − iat, not our clock, for the lifetime; falls back when exp is missing', async () => {
		resetServer();
		clock += 3_600_000; // our clock runs an hour ahead of the token's iat/exp
		let skewedCalls = 0;
		const skewed = source({
			request: async () => {
				skewedCalls++;
				return { status: 200, headers: {}, body: { token: jwt({ iat: ISSUED_AT, exp: ISSUED_AT + 600 }) } };
			},
		});
		// By our clock this token expired an hour ago; with exp − now it would be renewed on every call.
		await skewed.getToken();
		clock += 299_000;
		await skewed.getToken();
		assert.equal(skewedCalls, 1);
		clock += 1_000;
		await skewed.getToken();
		assert.equal(skewedCalls, 2, 'renewed at half of exp − iat');

		let calls = 0;
		const counting = source({
			request: async () => {
				calls++;
				return { status: 200, headers: {}, body: { token: jwt({ sub: 'no-exp' }) } };
			},
			fallbackTtlMs: 60_000,
		});
		await counting.getToken();
		clock += 29_000;
		await counting.getToken();
		assert.equal(calls, 1);
		clock += 1_000;
		await counting.getToken();
		assert.equal(calls, 2, 'refreshed at half the fallback lifetime');
	});

	it('getWebsocketToken posts with x-token and returns wsToken', async () => {
		resetServer();
		const tokens = source();
		const wsToken = await tokens.getWebsocketToken();
		const post = server.requests[1];
		assert.equal(post.method, 'POST');
		assert.equal(post.target, '/api/v2/websocket/token');
		assert.equal(wsToken, `ws-for-${(header(post, 'x-token') as string).split('.')[1]}`);
	});

	it('works as the transport auth: a 401 triggers one fresh login and a retry', async () => {
		resetServer();
		const tokens = source();
		const seen: string[] = [];
		const api = await startServer((request, response) => {
			seen.push(header(request, 'x-token') as string);
			if (seen.length === 1) json(response, 401, { code: 401, msg: 'Unauthorized', detail: { reason: 'token revoked' } });
			else json(response, 200, { id: 'act1', status: 1 });
		});
		try {
			const result = await qredoRequest({ method: 'GET', url: `${api.origin}/api/v2/actions/act1`, auth: { kind: 'qapiV2', tokens } });
			assert.deepEqual(result.body, { id: 'act1', status: 1 });
			assert.equal(seen.length, 2);
			assert.notEqual(seen[0], seen[1]);
			assert.equal(logins >= 2, true);
		} finally {
			await api.close();
		}
	});

	it('a 2xx without a usable token is a QredoTransportError that does not echo the body', async () => {
		for (const body of [{}, { token: '' }, { token: 'a b\r\nx-evil: 1' }, 'text', undefined]) {
			const tokens = source({ request: async () => ({ status: 200, headers: {}, body }) });
			await assert.rejects(tokens.getToken(), (error: unknown) => {
				assert.ok(error instanceof QredoTransportError);
				assert.equal(error.kind, 'response');
				assert.ok(!error.message.includes('x-evil'));
				return true;
			});
		}
	});

	it('a rejected login surfaces as QredoApiError without the secret or signature', async () => {
		const failing = await startServer((_request, response) => json(response, 401, { code: 401, msg: 'Unauthorized', detail: { reason: 'signature' } }));
		try {
			const tokens = new QredoV2TokenSource({ baseUrl: `${failing.origin}/api/v2`, workspaceId: 'W', apiKeyId: API_KEY_ID, apiSecret: SECRET });
			const error = await tokens.getToken().catch((caught: unknown) => caught);
			assert.ok(error instanceof QredoApiError);
			assert.equal(error.message, 'Qredo API 401 Unauthorized (reason: signature) on GET /api/v2/workspaces/W/token');
			assert.ok(!JSON.stringify(error).includes(SECRET));
			assert.ok(!String(error.stack).includes(header(failing.requests[0], 'qredo-api-signature') as string));
		} finally {
			await failing.close();
		}
	});

	it('the injected request receives the login as custom auth headers over the exact URL', async () => {
		let seen: QredoRequestOptions | undefined;
		const tokens = source({
			request: async (options) => {
				seen = options;
				return { status: 200, headers: {}, body: { token: jwt({ exp: ISSUED_AT + 600, iat: ISSUED_AT }) } };
			},
		});
		await tokens.getToken();
		assert.ok(seen !== undefined && seen.auth.kind === 'custom');
		const url = `${server.origin}/api/v2/workspaces/WS%2F1/token`;
		assert.equal(seen.url, url);
		const headers = await seen.auth.headers({ method: 'GET', url, body: undefined });
		const expected = createHmac('sha256', Buffer.from(SECRET, 'base64')).update(`${headers['qredo-api-timestamp']}GET${url}`).digest('base64url');
		assert.equal(headers['qredo-api-signature'], expected);
	});

	it('validates its configuration with clear errors', () => {
		const valid = { baseUrl: 'https://api-v2.qredo.network/api/v2', workspaceId: 'W', apiKeyId: 'K', apiSecret: SECRET };
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ baseUrl: 'api-v2.qredo.network' }, 'baseUrl'],
			[{ baseUrl: 'https://h/api/v2?x=1' }, 'baseUrl'],
			[{ workspaceId: '' }, 'workspaceId'],
			[{ apiKeyId: ' ' }, 'apiKeyId'],
			[{ apiSecret: 'not*base64' }, 'apiSecret'],
			[{ fallbackTtlMs: 0 }, 'fallbackTtlMs'],
		];
		for (const [override, field] of cases) {
			assert.throws(
				() => new QredoV2TokenSource({ ...valid, ...override } as ConstructorParameters<typeof QredoV2TokenSource>[0]),
				(error: unknown) => error instanceof QredoInputError && error.field === field && !error.message.includes('not*base64'),
				field,
			);
		}
	});
});
