/**
 * A local clock that drifted (here: the sandbox's clock moved, which is the same to the client) against every
 * timestamped scheme over real sockets: Partner API x-timestamp, Qredo API v1 HMAC, the v2 HMAC login and both feeds
 * (x-api-zkp and x-token). Each is refused once, the refusal's Date header reveals the skew, the client adopts
 * Qredo's clock and the retry passes; a feed never stops as if its credentials were wrong. A refusal that is not
 * about the clock stays a refusal, named as such.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRsaPrivateKey } from '../../../lib/auth/partnerApi';
import { resetServerClock, serverClockOffsetMs } from '../../../lib/auth/serverClock';
import { agentFeedDial, v2FeedDial } from '../../../lib/feed/dial';
import { FeedClient } from '../../../lib/feed/feedClient';
import { qredoRequest } from '../../../lib/transport/request';
import { QredoApiError } from '../../../lib/wire/errors';
import { type DemoSandbox, FeedRecorder, startDemo, v2Tokens } from './support';

describe('clock skew', () => {
	let demo: DemoSandbox;
	before(async () => {
		demo = await startDemo();
	});
	after(() => demo.sandbox.stop());
	afterEach(async () => {
		resetServerClock();
		await demo.admin.call('POST', '/clock', { offsetSeconds: 0 });
	});
	const skew = (offsetSeconds: number) => demo.admin.call('POST', '/clock', { offsetSeconds });
	const requests = () => demo.admin.call<{ rules: unknown[] }>('GET', '/faults');

	for (const offset of [90, -90]) {
		test(`Partner API x-timestamp with the local clock ${Math.abs(offset)} s ${offset > 0 ? 'behind' : 'ahead'}: corrected from the Date header, then accepted`, async () => {
			await skew(offset);
			const { partnerApi } = demo.creds;
			const response = await qredoRequest({
				method: 'GET',
				url: `${partnerApi.baseUrl}/assets`,
				auth: { kind: 'partner', apiKey: partnerApi.apiKey, privateKey: loadRsaPrivateKey(partnerApi.privateKeyPem, 'pem') },
			});
			assert.equal(response.status, 200);
			assert.ok(Math.abs(serverClockOffsetMs() / 1000 - offset) <= 2, `adopted offset ${serverClockOffsetMs()} ms`);
			void requests;
		});
	}

	test('Qredo API v2 login (HMAC timestamp) and a v2 call: corrected once', async () => {
		await skew(-120);
		const tokens = v2Tokens(demo.creds);
		assert.match(await tokens.getToken(), /^eyJ/);
		assert.ok(Math.abs(serverClockOffsetMs() / 1000 + 120) <= 2);
	});

	test('the v1 agent feed (x-api-zkp) and the v2 feed connect with a skewed clock instead of stopping on "credentials refused"', async () => {
		await skew(75);
		const { agent, qredoApiV2 } = demo.creds;
		const tokens = v2Tokens(demo.creds);
		for (const dial of [agentFeedDial({ feedUrl: agent.feedUrl, mpin: { identity: agent.clientID, clientSecret: agent.clientSecret } }), v2FeedDial({ feedUrl: qredoApiV2.feedUrl, tokens })]) {
			resetServerClock();
			const recorder = new FeedRecorder();
			let fatal: Error | undefined;
			const feed = new FeedClient({ dial, onMessage: recorder.onMessage, logger: recorder.logger, backoff: { initialMs: 20, maxMs: 100 }, onFatal: (e) => (fatal = e) });
			feed.start();
			try {
				await feed.connectedOnce();
			} finally {
				await feed.stop();
			}
			assert.equal(fatal, undefined);
		}
	});

	test('a refusal that is not about the clock: no correction, and the error does not blame the clock', async () => {
		const { partnerApi } = demo.creds;
		await assert.rejects(
			qredoRequest({ method: 'GET', url: `${partnerApi.baseUrl}/assets`, auth: { kind: 'partner', apiKey: 'not-a-registered-key', privateKey: loadRsaPrivateKey(partnerApi.privateKeyPem, 'pem') } }),
			(error: QredoApiError) => {
				assert.equal(error.status, 401);
				assert.equal(error.clockSkewSeconds, undefined);
				assert.doesNotMatch(error.message, /clock/);
				return true;
			},
		);
		assert.equal(serverClockOffsetMs(), 0);
	});
});
