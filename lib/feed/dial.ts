/**
 * `dial` functions for FeedClient, one per feed: each call returns fresh auth for one connection attempt.
 * - v1 agent feed (`/coreclient/feed`, §4.1): a new `x-api-zkp` token per dial (§1.4).
 * - v2 signrequests (`/actions/signrequests`, §1.2 step 4): the current `x-token`, or a short-lived `?token=`
 *   websocket token; after a refused attempt the cached JWT is dropped so the retry logs in again.
 */
import { zkpHeaderSource, type AgentCredentials } from '../auth/agentIdentity';
import { QredoInputError } from '../errors';
import { websocketUrl } from '../environments';
import type { QredoV2Tokens } from '../transport/request';
import type { FeedDialContext, FeedDialTarget } from './feedClient';

export type FeedDial = (context: FeedDialContext) => Promise<FeedDialTarget>;

function feedUrl(url: string, field: string): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new QredoInputError(field, 'an absolute ws:// or wss:// URL');
	}
	if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new QredoInputError(field, 'a ws:// or wss:// URL', `got ${parsed.protocol}`);
	if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
		throw new QredoInputError(field, 'a feed URL without query, fragment or user/password');
	}
	return parsed.href;
}

/** The v1 agent feed URL under a Partner API base URL: …/api/v1/p → ws(s)://…/api/v1/p/coreclient/feed. */
export function agentFeedUrl(partnerBaseUrl: string): string {
	return websocketUrl(partnerBaseUrl.replace(/\/+$/, ''), '/coreclient/feed');
}

/** The v2 signrequests URL under a Qredo API v2 base URL: …/api/v2 → ws(s)://…/api/v2/actions/signrequests. */
export function v2FeedUrl(v2BaseUrl: string): string {
	return websocketUrl(v2BaseUrl.replace(/\/+$/, ''), '/actions/signrequests');
}

/** Dials the v1 agent feed with a fresh `x-api-zkp` header. The identity is checked now, not at the first dial. */
export function agentFeedDial(options: { feedUrl: string; mpin: AgentCredentials }): FeedDial {
	const url = feedUrl(options.feedUrl, 'feedUrl');
	const header = zkpHeaderSource(options.mpin, 'mpin');
	return async () => ({ url, headers: { 'x-api-zkp': header() } });
}

export interface V2FeedDialOptions {
	feedUrl: string;
	tokens: QredoV2Tokens;
	/**
	 * 'header' (default) sends `x-token`; 'query' sends a websocket token as `?token=` (for proxies that strip
	 * headers); it needs a token source with getWebsocketToken (QredoV2TokenSource).
	 */
	auth?: 'header' | 'query';
}

export function v2FeedDial(options: V2FeedDialOptions): FeedDial {
	const url = feedUrl(options.feedUrl, 'feedUrl');
	const { tokens } = options;
	const mode = options.auth ?? 'header';
	if (mode !== 'header' && mode !== 'query') throw new QredoInputError('auth', "'header' or 'query'");
	const websocketTokens = tokens as QredoV2Tokens & { getWebsocketToken?: () => Promise<string> };
	if (mode === 'query' && typeof websocketTokens.getWebsocketToken !== 'function') {
		throw new QredoInputError('tokens', 'a token source with getWebsocketToken() for auth "query"');
	}
	return async ({ afterAuthRejection }) => {
		if (afterAuthRejection) tokens.invalidate();
		if (mode === 'header') return { url, headers: { 'x-token': await tokens.getToken() } };
		const wsToken = await (websocketTokens.getWebsocketToken as () => Promise<string>)();
		return { url: `${url}?token=${encodeURIComponent(wsToken)}` };
	};
}
