/**
 * Hands n8n's egress filter (its SSRF protection, N8N_SSRF_*) to the package's own transport, which cannot go through
 * `helpers.httpRequest`: Qredo's signatures cover the exact bytes and URL we send, and the feeds are WebSockets.
 */
import type { NodeEgressFilter } from 'n8n-workflow';
import { useEgressFilter } from '../../lib/transport/outbound';

/** Any node context's helpers; `getSecureEgressFilter` exists from n8n 2.41 on. */
export function adoptEgressFilter(helpers: object): void {
	const source = (helpers as { getSecureEgressFilter?: (policy?: 'safe') => NodeEgressFilter }).getSecureEgressFilter;
	// 'safe': the instance's policy as configured (a pass-through when SSRF protection is off).
	if (typeof source === 'function') useEgressFilter(source.call(helpers, 'safe'));
}
