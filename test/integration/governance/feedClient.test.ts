/**
 * FeedClient over real sockets: the sandbox's agent and v2 feeds with its fault API (dropped connections, refused
 * upgrades, forced 5xx/429, bad credentials), and small local ws servers for the watchdog and backoff reset.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { mpinClientSecret } from '../../../lib/crypto/mpin';
import { parseV1Frame, parseV2Frame } from '../../../lib/feed/frames';
import { SeenActions } from '../../../lib/feed/seenActions';
import { type PendingAction } from '../../../lib/actions/action';
import { agentFeedDial, v2FeedDial } from '../../../lib/feed/dial';
import { FeedClient, FeedFatalError, type FeedClientOptions, type FeedDialContext } from '../../../lib/feed/feedClient';
import { WebSocketServer, type WebSocket } from '../../../lib/vendor/ws';
import { QredoApiError } from '../../../lib/wire/errors';
import { type DemoSandbox, FeedRecorder, sleep, startDemo, waitFor, v2Tokens } from './support';

const FAST_BACKOFF = { initialMs: 30, maxMs: 150, factor: 2, jitter: 0.2 };

function client(recorder: FeedRecorder, options: Partial<FeedClientOptions> & Pick<FeedClientOptions, 'dial'>): FeedClient {
	return new FeedClient({
		onMessage: recorder.onMessage,
		onStateChange: recorder.onStateChange,
		logger: recorder.logger,
		backoff: FAST_BACKOFF,
		...options,
	});
}

/** Counts dials and remembers their contexts. */
function counted(dial: FeedClientOptions['dial']) {
	const contexts: FeedDialContext[] = [];
	return {
		contexts,
		dial: (context: FeedDialContext) => {
			contexts.push(context);
			return dial(context);
		},
	};
}

describe('FeedClient against the sandbox agent feed (v1)', () => {
	let demo: DemoSandbox;
	before(async () => {
		demo = await startDemo();
	});
	after(() => demo.sandbox.stop());

	const agentDial = () => agentFeedDial({ feedUrl: demo.creds.agent.feedUrl, mpin: { identity: demo.creds.agent.clientID, clientSecret: demo.creds.agent.clientSecret } });

	test('receives §4.1 frames, reconnects after dropped connections (terminate and close 1001) with fresh auth, and dedups replays', async () => {
		const recorder = new FeedRecorder();
		const dial = counted(agentDial());
		const feed = client(recorder, { dial: dial.dial });
		feed.start();
		try {
			await feed.connectedOnce();
			const tx = await demo.admin.transfer(demo.creds);
			const agentAction = tx.actions.find((a) => a.member === demo.creds.agent.id);
			assert.ok(agentAction);
			await waitFor('the action frame', () => recorder.messages.some((m) => m.includes(agentAction.actionId)));

			for (const mode of ['terminate', 'close'] as const) {
				const opensBefore = recorder.count('open');
				const { dropped } = await demo.admin.dropFeeds(mode);
				assert.equal(dropped, 1);
				await waitFor(`reopened after ${mode}`, () => recorder.count('open') === opensBefore + 1);
			}
			assert.equal(dial.contexts.length, 3, 'one dial per connection: every upgrade carries a fresh x-api-zkp');
			assert.ok(recorder.details('reconnecting').some((d) => /code 1001/.test(d)), 'the close code is named');

			// The sandbox replays pending actions on every connect; the de-dup set lets each through once.
			const tx2 = await demo.admin.transfer(demo.creds);
			const second = tx2.actions.find((a) => a.member === demo.creds.agent.id);
			assert.ok(second);
			await waitFor('the second action frame', () => recorder.messages.some((m) => m.includes(second.actionId)));
			const seen = new SeenActions();
			const emitted: PendingAction[] = [];
			for (const text of recorder.messages) {
				const result = parseV1Frame(text);
				assert.ok(result.ok, `frame should parse: ${text}`);
				if (result.action.status === 'pending' && seen.firstSighting(result.action)) emitted.push(result.action);
			}
			assert.ok(recorder.messages.filter((m) => m.includes(agentAction.actionId)).length >= 3, 'replayed after each reconnect');
			assert.deepEqual(emitted.map((a) => a.actionId), [agentAction.actionId, second.actionId]);
			assert.equal(emitted[0].agentId, demo.creds.agent.id);
			assert.equal(emitted[0].type, 'ApproveTransfer');
			assert.equal(emitted[0].expiresAt, agentAction.expireTime);
		} finally {
			await feed.stop();
		}
		assert.equal(feed.getState(), 'closed');
		for (const line of recorder.logLines) assert.ok(!line.includes(demo.creds.agent.clientSecret) && !/x-api-zkp:/.test(line), `no secrets in logs: ${line}`);
	});

	test('keeps retrying through refused upgrades (503 + Retry-After, TCP reset) and forced 5xx/429, then reconnects', async () => {
		const recorder = new FeedRecorder();
		const feed = client(recorder, { dial: agentDial() });
		feed.start();
		try {
			await feed.connectedOnce();

			await demo.admin.refuseFeeds(1, 'status');
			let opens = recorder.count('open');
			const refusedAt = Date.now();
			await demo.admin.dropFeeds();
			await waitFor('reopened after refused upgrades', () => recorder.count('open') === opens + 1, 8000);
			assert.ok(Date.now() - refusedAt >= 900, 'Retry-After was honoured');
			assert.ok(recorder.details('reconnecting').some((d) => /Qredo API 503 .* on GET \/api\/v1\/p\/coreclient\/feed \(retry after 1 s\)/.test(d)), recorder.details('reconnecting').join('\n'));

			await demo.admin.refuseFeeds(1, 'reset');
			opens = recorder.count('open');
			await demo.admin.dropFeeds();
			await waitFor('reopened after TCP resets', () => recorder.count('open') === opens + 1, 8000);
			assert.ok(recorder.details('reconnecting').some((d) => /socket hang up|ECONNRESET/.test(d)), recorder.details('reconnecting').join('\n'));

			for (const status of [502, 429]) {
				await demo.admin.faults({ failNext: { count: 3, status, retryAfterSeconds: status === 429 ? 1 : undefined, scope: 'feeds' } });
				opens = recorder.count('open');
				const reconnectingBefore = recorder.count('reconnecting');
				await demo.admin.dropFeeds();
				await waitFor(`reopened after three ${status}s`, () => recorder.count('open') === opens + 1, 10_000);
				assert.equal(recorder.count('reconnecting') - reconnectingBefore, 4, `the drop and three ${status} refusals`);
				assert.ok(recorder.details('reconnecting').some((d) => d.includes(`Qredo API ${status}`)));
			}
			assert.equal(recorder.count('failed'), 0);
		} finally {
			await feed.stop();
		}
	});

	test('stops only on rejected credentials: 401 twice in a row → failed, onFatal with the cause, connectedOnce rejects', async () => {
		const recorder = new FeedRecorder();
		const identity = Buffer.from(JSON.stringify({ id: 'not-an-agent', curve: 'BLS381', created: 1700000000 }));
		const dial = counted(
			agentFeedDial({
				feedUrl: demo.creds.agent.feedUrl,
				mpin: { identity: identity.toString('hex'), clientSecret: Buffer.from(mpinClientSecret(12345n, identity)).toString('hex') },
			}),
		);
		const fatal: FeedFatalError[] = [];
		const feed = client(recorder, { dial: dial.dial, onFatal: (error) => fatal.push(error) });
		feed.start();
		await assert.rejects(feed.connectedOnce(), (error: Error) => error instanceof FeedFatalError && /credentials/.test(error.message));
		assert.equal(feed.getState(), 'failed');
		assert.equal(fatal.length, 1);
		assert.equal(fatal[0].status, 401);
		assert.ok(fatal[0].cause instanceof QredoApiError);
		assert.match(fatal[0].message, /rejected the credentials twice in a row \(Qredo API 401 .*x-api-zkp: ID: .*unknown identity.* on GET \/api\/v1\/p\/coreclient\/feed\)/);
		assert.deepEqual(
			dial.contexts.map((c) => c.afterAuthRejection),
			[false, true],
			'the refusal is confirmed once with freshly dialled credentials',
		);
		await sleep(300);
		assert.equal(dial.contexts.length, 2, 'no dial after failing');
		await feed.stop();
		await feed.stop();
		assert.equal(feed.getState(), 'failed');
		assert.throws(() => feed.start(), /create a new FeedClient/);
	});
});

describe('FeedClient against the sandbox v2 signrequests feed', () => {
	let demo: DemoSandbox;
	before(async () => {
		demo = await startDemo();
	});
	after(() => demo.sandbox.stop());

	const tokens = () =>
		v2Tokens(demo.creds);

	for (const auth of ['header', 'query'] as const) {
		test(`x-token ${auth === 'header' ? 'header' : 'as ?token= websocket token'}: §4.2 frames parse with payload details and hex messages`, async () => {
			const recorder = new FeedRecorder();
			const feed = client(recorder, { dial: v2FeedDial({ feedUrl: demo.creds.qredoApiV2.feedUrl, tokens: tokens(), auth }) });
			feed.start();
			try {
				await feed.connectedOnce();
				const tx = await demo.admin.withdraw(demo.creds, { reference: `v2 ${auth}` });
				const expected = tx.actions.find((a) => a.member === demo.creds.qredoApiV2.apiKeyId);
				assert.ok(expected);
				await waitFor('the v2 frame', () => recorder.messages.some((m) => m.includes(expected.actionId)));
				const result = parseV2Frame(recorder.messages.find((m) => m.includes(expected.actionId)) as string);
				assert.ok(result.ok);
				const action = result.action;
				assert.equal(action.protocol, 'v2');
				assert.equal(action.status, 'pending');
				assert.equal(action.statusCode, 1);
				assert.equal(action.approverId, demo.creds.qredoApiV2.apiKeyId);
				assert.equal(action.expiresAt, expected.expireTime);
				assert.deepEqual(action.messages, expected.messages);
				assert.equal(action.details?.source, 'v2-payload');
				assert.equal(action.details?.txId, tx.txId);
				assert.equal(action.details?.type, 'withdraw');
				assert.equal(action.details?.amount, 2_000_000);
				assert.equal(action.details?.asset, 'ETH');
				assert.equal(action.details?.address, demo.creds.whitelist[0].address);
				assert.equal(action.details?.fundId, demo.creds.fund.id);
				assert.equal(action.details?.reference, `v2 ${auth}`);
				assert.equal(action.details?.initiator, 'Sandbox admin');
			} finally {
				await feed.stop();
			}
		});
	}

	test('a rejected x-token stops the feed after one confirming redial; a valid source recovers from an invalidated token', async () => {
		const recorder = new FeedRecorder();
		const fatal: Error[] = [];
		const feed = client(recorder, {
			dial: async () => ({ url: demo.creds.qredoApiV2.feedUrl, headers: { 'x-token': 'aaaa.bbbb.cccc' } }),
			onFatal: (error) => fatal.push(error),
		});
		feed.start();
		await assert.rejects(feed.connectedOnce(), /credentials/);
		assert.match(fatal[0].message, /Qredo API 401 .*x-token/);
		assert.ok(!fatal[0].message.includes('aaaa.bbbb.cccc'), 'the token is not echoed');
		await feed.stop();

		// A token the server no longer accepts (e.g. issued before a restart) costs one redial, not the feed.
		const source = tokens();
		let first = true;
		const recovering = new FeedRecorder();
		const good = client(recovering, {
			dial: async (context) => {
				if (context.afterAuthRejection) source.invalidate();
				const token = first ? 'aaaa.bbbb.cccc' : await source.getToken();
				first = false;
				return { url: demo.creds.qredoApiV2.feedUrl, headers: { 'x-token': token } };
			},
		});
		good.start();
		try {
			await good.connectedOnce();
			assert.equal(recovering.count('failed'), 0);
			assert.match(recovering.details('reconnecting')[0], /Qredo API 401 .*; retrying once with freshly dialled credentials before giving up/);
		} finally {
			await good.stop();
		}
	});

	test('malformed and duplicate frames (sandbox faults) become skip results and dedup hits, never exceptions', async () => {
		await demo.admin.reset(); // no replayed actions from earlier tests
		const recorder = new FeedRecorder();
		const feed = client(recorder, { dial: v2FeedDial({ feedUrl: demo.creds.qredoApiV2.feedUrl, tokens: tokens() }) });
		feed.start();
		try {
			await feed.connectedOnce();
			await demo.admin.faults({ malformedFrames: 4, duplicateFrames: 2 });
			const txs = [];
			for (let i = 0; i < 4; i++) txs.push(await demo.admin.transfer(demo.creds, { amount: 1000 + i }));
			const ids = txs.map((tx) => tx.actions.find((a) => a.member === demo.creds.qredoApiV2.apiKeyId)?.actionId as string);
			await waitFor('all four actions', () => ids.every((id) => recorder.messages.some((m) => m.includes(id))));
			const seen = new SeenActions();
			const emitted: string[] = [];
			const skipped: string[] = [];
			for (const text of recorder.messages) {
				const result = parseV2Frame(text);
				if (!result.ok) skipped.push(`${result.error.field ?? '-'}: ${result.error.message}`);
				else if (seen.firstSighting(result.action)) emitted.push(result.action.actionId);
			}
			assert.equal(skipped.length, 4, skipped.join('\n'));
			assert.match(skipped[0], /not JSON/);
			assert.match(skipped[1], /an array/);
			assert.match(skipped[2], /^id: /);
			assert.match(skipped[3], /not JSON/);
			assert.deepEqual(emitted, ids, 'each action once, in order, despite duplicates');
		} finally {
			await demo.admin.clearFaults();
			await feed.stop();
		}
	});
});

describe('FeedClient watchdog and backoff against local ws servers', () => {
	async function server(options: { autoPong: boolean; onConnection?: (socket: WebSocket, index: number) => void }) {
		const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: options.autoPong });
		await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
		let connections = 0;
		wss.on('connection', (socket) => {
			const index = connections++;
			options.onConnection?.(socket, index);
		});
		return {
			url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/feed`,
			connections: () => connections,
			close: () =>
				new Promise<void>((resolve) => {
					for (const socket of wss.clients) socket.terminate();
					wss.close(() => resolve());
				}),
		};
	}

	test('a server that stops answering pings is detected and replaced within ping interval + pong timeout', async () => {
		const silent = await server({ autoPong: false });
		const recorder = new FeedRecorder();
		const feed = client(recorder, { dial: async () => ({ url: silent.url }), pingIntervalMs: 80, pongTimeoutMs: 80 });
		feed.start();
		try {
			await feed.connectedOnce();
			const openedAt = Date.now();
			await waitFor('a second connection', () => silent.connections() >= 2, 3000);
			const elapsed = Date.now() - openedAt;
			assert.ok(elapsed >= 150 && elapsed < 5000, `detected after ${elapsed} ms`);
			assert.match(recorder.details('reconnecting')[0], /watchdog: no pong within 80 ms of a ping/);
		} finally {
			await feed.stop();
			await silent.close();
		}
	});

	test('a healthy server that answers pings keeps the connection; an idle timeout replaces a silent one', async () => {
		const healthy = await server({ autoPong: true });
		const recorder = new FeedRecorder();
		const feed = client(recorder, { dial: async () => ({ url: healthy.url }), pingIntervalMs: 40, pongTimeoutMs: 80 });
		feed.start();
		await feed.connectedOnce();
		await sleep(400);
		assert.equal(healthy.connections(), 1, 'pongs keep it alive');
		assert.equal(recorder.count('reconnecting'), 0);
		await feed.stop();

		const idle = new FeedRecorder();
		const idleFeed = client(idle, { dial: async () => ({ url: healthy.url }), pingIntervalMs: 60_000, idleTimeoutMs: 120 });
		idleFeed.start();
		try {
			await waitFor('reconnected after idling', () => healthy.connections() >= 3, 3000);
			assert.match(idle.details('reconnecting')[0], /watchdog: no frame, ping or pong for 120 ms/);
		} finally {
			await idleFeed.stop();
			await healthy.close();
		}
	});

	test('backoff grows over consecutive failures and resets once a connection stays healthy', async () => {
		// Connections 0–2 and 4 are closed at once; connection 3 lives 300 ms, past resetAfterMs.
		const flaky = await server({
			autoPong: true,
			onConnection: (socket, index) => setTimeout(() => socket.close(1011, 'flaky'), index === 3 ? 300 : 5),
		});
		const recorder = new FeedRecorder();
		const feed = client(recorder, { dial: async () => ({ url: flaky.url }), backoff: { ...FAST_BACKOFF, resetAfterMs: 150 } });
		feed.start();
		try {
			await waitFor('five connections', () => flaky.connections() >= 5 && recorder.count('reconnecting') >= 5, 5000);
			const retries = recorder.details('reconnecting').map((d) => Number(/^retry (\d+)/.exec(d)?.[1]));
			assert.deepEqual(retries.slice(0, 5), [1, 2, 3, 1, 2]);
		} finally {
			await feed.stop();
			await flaky.close();
		}
	});

	test('a dial() that never settles counts as a failed attempt; a throwing dial is retried', async () => {
		const healthy = await server({ autoPong: true });
		const recorder = new FeedRecorder();
		let calls = 0;
		const feed = client(recorder, {
			dialTimeoutMs: 100,
			dial: () => {
				calls++;
				if (calls === 1) return new Promise(() => undefined);
				if (calls === 2) throw new Error('token service unreachable');
				return Promise.resolve({ url: healthy.url });
			},
		});
		feed.start();
		try {
			await feed.connectedOnce();
			assert.deepEqual(recorder.details('reconnecting').map((d) => d.replace(/^retry \d+ in [\d.]+ s after: /, '')), ['dial() did not finish within 100 ms', 'token service unreachable']);
		} finally {
			await feed.stop();
			await healthy.close();
		}
	});

	test('stop() during a backoff wait cancels the reconnect; stop() is idempotent; refused connections never give up', async () => {
		const closed = await server({ autoPong: true });
		const url = closed.url;
		await closed.close(); // nothing listens there any more: ECONNREFUSED on every attempt
		const recorder = new FeedRecorder();
		const dial = counted(async () => ({ url }));
		const feed = client(recorder, { dial: dial.dial, backoff: { initialMs: 20, maxMs: 40 } });
		feed.start();
		await waitFor('ten refused attempts', () => dial.contexts.length >= 10, 5000);
		assert.ok(recorder.details('reconnecting').every((d) => /ECONNREFUSED/.test(d)));
		assert.equal(recorder.count('failed'), 0, 'transient errors never stop the client');
		const stopping = feed.stop();
		assert.equal(feed.stop(), stopping);
		await stopping;
		const dials = dial.contexts.length;
		await sleep(200);
		assert.equal(dial.contexts.length, dials, 'no dial after stop()');
		assert.equal(feed.getState(), 'closed');
		await assert.rejects(feed.connectedOnce(), /stopped before the first connection/);
	});
});
