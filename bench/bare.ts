/**
 * The bare script: what a custody engineer would write without n8n, on this package's protocol core — the feed
 * client, the frame parser, the same rule as the example workflows (per-asset limit and allowlist, fail closed), and
 * decideAction, with up to 16 decisions in flight. `npm run bench` runs it beside the package in a real n8n.
 */
import { QredoV2TokenSource } from '../lib/transport/v2Tokens';
import { approverFromKeys, decideAction } from '../lib/actions/decide';
import { enrichV1Action } from '../lib/actions/lookups';
import { parseV1Frame, parseV2Frame } from '../lib/feed/frames';
import { type PendingAction } from '../lib/actions/action';
import { agentFeedDial, v2FeedDial } from '../lib/feed/dial';
import { FeedClient } from '../lib/feed/feedClient';
import type { SandboxCredentials } from '../packages/cli/sandbox/seed';

/** The example workflows' rule: base-unit limits per asset, and the allowlisted addresses (scripts/demo.js). */
export interface Rule {
	limits: Record<string, number>;
	allowlist: string[];
}

export interface BareApprover {
	/** resolves when the feed is connected */
	ready: Promise<void>;
	/** decisions made (accepted by Qredo or already decided) */
	decided(): number;
	errors(): string[];
	stop(): Promise<void>;
}

const MAX_IN_FLIGHT = 16;

export function startBareApprover(creds: SandboxCredentials, protocol: 'v1' | 'v2', rule: Rule): BareApprover {
	const seen = new Set<string>();
	const queue: PendingAction[] = [];
	const errors: string[] = [];
	let inFlight = 0;
	let decided = 0;
	const approver = approverFromKeys({ blsPrivateKey: protocol === 'v2' ? creds.qredoApiV2.blsPrivateKey : creds.agent.blsPrivateKey });
	const v2 = creds.qredoApiV2;
	const tokens = new QredoV2TokenSource({ baseUrl: v2.baseUrl, workspaceId: v2.workspaceId, apiKeyId: v2.apiKeyId, apiSecret: v2.secret });
	const mpin = { identity: creds.agent.clientID, clientSecret: creds.agent.clientSecret };
	const partner = { baseUrl: creds.partnerApi.baseUrl, apiKey: creds.partnerApi.apiKey, privateKey: creds.partnerApi.privateKeyPem };

	const decideOne = async (pending: PendingAction) => {
		const action = protocol === 'v1' ? await enrichV1Action(pending, { agentId: creds.agent.id, partner }) : pending;
		const details = action.details;
		const limit = details?.asset === undefined ? undefined : rule.limits[details.asset];
		const approve = details?.amount !== undefined && limit !== undefined && Number(details.amount) <= limit && rule.allowlist.includes(String(details.address));
		const decision = approve ? 'approve' : 'reject';
		if (protocol === 'v2') {
			await decideAction({ protocol, actionId: action.actionId, decision, approver, baseUrl: v2.baseUrl, tokens, action });
		} else {
			await decideAction({ protocol, actionId: action.actionId, decision, approver, baseUrl: creds.partnerApi.baseUrl, agentId: creds.agent.id, mpin, action });
		}
		decided++;
	};
	const pump = () => {
		while (inFlight < MAX_IN_FLIGHT && queue.length > 0) {
			const action = queue.shift() as PendingAction;
			inFlight++;
			decideOne(action)
				.catch((error: Error) => {
					errors.push(`${action.actionId}: ${error.message}`);
					seen.delete(action.actionId); // offered again by the next replay
				})
				.finally(() => {
					inFlight--;
					pump();
				});
		}
	};
	const client = new FeedClient({
		dial: protocol === 'v2' ? v2FeedDial({ feedUrl: v2.feedUrl, tokens }) : agentFeedDial({ feedUrl: creds.agent.feedUrl, mpin }),
		onMessage: (text) => {
			const parsed = protocol === 'v2' ? parseV2Frame(text) : parseV1Frame(text);
			if (!parsed.ok || parsed.action.status !== 'pending' || seen.has(parsed.action.actionId)) return;
			seen.add(parsed.action.actionId);
			queue.push(parsed.action);
			pump();
		},
	});
	client.start();
	return {
		ready: client.connectedOnce(),
		decided: () => decided,
		errors: () => [...errors],
		stop: () => client.stop(),
	};
}
