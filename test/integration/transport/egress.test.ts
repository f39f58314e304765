/**
 * n8n's egress filter (SSRF protection) applied to the package's own transport, over real sockets: a refused URL is
 * never connected to (HTTP or feed) and fails with a clear, final error; an allowed one connects, and a direct
 * connection resolves its name through the filter's lookup.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { lookup as dnsLookup, type LookupAddress, type LookupOneOptions } from 'node:dns';
import { FeedClient, FeedFatalError } from '../../../lib/feed/feedClient';
import { useEgressFilter, type EgressFilter } from '../../../lib/transport/outbound';
import { qredoRequest } from '../../../lib/transport/request';
import { QredoTransportError } from '../../../lib/wire/errors';
import { type DemoSandbox, startDemo } from '../governance/support';

let demo: DemoSandbox;
before(async () => {
	demo = await startDemo();
});
after(() => demo?.sandbox.stop());
afterEach(() => useEgressFilter(undefined));

/** Like n8n's: refuses hosts in `blocked`, and counts the names its lookup resolved. */
function filter(blocked: string[]): EgressFilter & { validated: string[]; looked: string[] } {
	const validated: string[] = [];
	const looked: string[] = [];
	return {
		validated,
		looked,
		validateUrl: async (url: string) => {
			validated.push(url);
			const host = new URL(url).hostname;
			return blocked.includes(host) ? { ok: false, error: new Error(`Host "${host}" resolves to a blocked IP range`) } : { ok: true };
		},
		createSecureLookup: () =>
			((hostname: string, options: LookupOneOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
				looked.push(hostname);
				dnsLookup(hostname, options, callback);
			}) as unknown as ReturnType<EgressFilter['createSecureLookup']>,
	};
}

test('a URL the policy refuses: no connection, a final error naming the policy (not retried)', async () => {
	const served = demo.sandbox.servedPeers.get('127.0.0.1') ?? 0;
	useEgressFilter(filter(['127.0.0.1']));
	const error = await qredoRequest({ method: 'GET', url: `${demo.creds.partnerApi.baseUrl}/assets`, auth: { kind: 'none' } }).then(
		() => undefined,
		(failure: unknown) => failure,
	);
	assert.ok(error instanceof QredoTransportError);
	assert.equal(error.kind, 'egress');
	assert.match(error.message, /n8n's outbound network policy does not allow http:\/\/127\.0\.0\.1:\d+: Host "127\.0\.0\.1" resolves to a blocked IP range/);
	const feed = new FeedClient({ dial: async () => ({ url: demo.creds.qredoApiV2.feedUrl }), onMessage: () => undefined });
	feed.start();
	await assert.rejects(feed.connectedOnce(), (failure: unknown) => failure instanceof FeedFatalError && /outbound network policy/.test(failure.message));
	await feed.stop();
	assert.equal(demo.sandbox.servedPeers.get('127.0.0.1') ?? 0, served, 'nothing reached the sandbox');
});

test('an allowed URL: checked, then connected, with names resolved by the filter\'s lookup', async () => {
	const allowing = filter([]);
	useEgressFilter(allowing);
	const url = demo.creds.partnerApi.baseUrl.replace('127.0.0.1', 'localhost');
	const response = await qredoRequest({ method: 'GET', url: `${url}/assets`, auth: { kind: 'none' } }).catch((failure: unknown) => failure);
	// the Partner API wants a signature: a 401 from the sandbox proves the request arrived
	assert.ok(response instanceof Error && /401/.test(response.message), String(response));
	assert.deepEqual(allowing.validated, [`${url}/assets`]);
	assert.deepEqual(allowing.looked, ['localhost']);
});
