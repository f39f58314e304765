/** The URL of every surface under one sandbox base URL. */
import { ADMIN_BASE, PARTNER_BASE, QAPI_BASE, V2_BASE } from './router';
import { AGENT_FEED_PATH } from './routes/coreclient';
import { V2_FEED_PATH } from './routes/v2';

export interface SandboxUrls {
	/** Partner API base, e.g. http://127.0.0.1:PORT/api/v1/p */
	partner: string;
	/** Qredo API v1 base (…/qapi/v1). */
	qapi: string;
	/** Qredo API v2 base (…/api/v2). */
	v2: string;
	/** Agent feed websocket (ws://…/api/v1/p/coreclient/feed). */
	agentFeed: string;
	/** v2 signrequests websocket (ws://…/api/v2/actions/signrequests). */
	v2Feed: string;
	/** Admin API base (…/sandbox/admin). */
	admin: string;
}

export function sandboxUrls(base: string): SandboxUrls {
	const ws = base.replace(/^http/, 'ws');
	return {
		partner: base + PARTNER_BASE,
		qapi: base + QAPI_BASE,
		v2: base + V2_BASE,
		agentFeed: ws + AGENT_FEED_PATH,
		v2Feed: ws + V2_FEED_PATH,
		admin: base + ADMIN_BASE,
	};
}
