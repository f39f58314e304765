/**
 * Run as a child process by proxy.test.ts, with the environment under test (HTTPS_PROXY, NODE_EXTRA_CA_CERTS), which
 * Node reads only at start-up: logs in to Qredo API v2 over https and opens the wss signrequests feed, then prints one
 * JSON line {login, feed} with "ok" or the error message.
 */
import { QredoV2TokenSource } from '../../../lib/transport/v2Tokens';
import { v2FeedDial } from '../../../lib/feed/dial';
import { FeedClient } from '../../../lib/feed/feedClient';

async function main(): Promise<void> {
	const [baseUrl, feedUrl, workspaceId, apiKeyId, apiSecret] = JSON.parse(process.argv[2] ?? '[]') as string[];
	const tokens = new QredoV2TokenSource({ baseUrl, workspaceId, apiKeyId, apiSecret });
	const result: Record<string, string> = {};
	try {
		await tokens.getToken();
		result.login = 'ok';
	} catch (error) {
		result.login = (error as Error).message;
	}
	const feed = new FeedClient({ dial: v2FeedDial({ feedUrl, tokens }), onMessage: () => undefined, backoff: { initialMs: 50, maxMs: 100 } });
	feed.start();
	const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('no connection within 5 s'), 5000).unref());
	result.feed = await Promise.race([feed.connectedOnce().then(() => 'ok', (error: Error) => error.message), timeout]);
	if (result.feed !== 'ok') result.feed += ` | last: ${String(feed.status().lastError ?? '')}`;
	await feed.stop();
	process.stdout.write(JSON.stringify(result) + '\n');
}

void main();
