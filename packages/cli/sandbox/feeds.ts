/**
 * Websocket feeds. Each connection has an audience: a v1 agent (/coreclient/feed, §4.1 frames), a v2 API key
 * (/actions/signrequests, §4.2 frames), or a custom renderer for other feeds (e.g. the qapi transactions feed).
 * Action events from the state fan out to the member's connections; the fault switches (duplicate and malformed
 * frames, drop, refuse) apply to every feed alike.
 */
import type { WebSocket } from 'ws';
import type { Faults } from './faults';
import type { ResolvedOptions, SandboxLogger } from './options';
import type { SandboxState } from './governance';
import { type Action, type StateEvent, txStatusName } from './model';

export type FeedAudience =
	| { kind: 'agent'; id: string }
	| { kind: 'apikey'; id: string }
	/** Any other feed: return the frame text for an event, or undefined to skip it. */
	| { kind: 'custom'; name: string; render: (event: StateEvent) => string | undefined };

interface FeedConnection {
	socket: WebSocket;
	audience: FeedAudience;
}

/** v2 action status codes: 1 = pending is documented (§4.2); 3 and 4 are the approve/reject codes of POST /actions; 5 is the sandbox's "expired". */
export const V2_STATUS = { pending: 1, approved: 3, rejected: 4, expired: 5 } as const;
/** v2 action type codes. §4.2 shows 25 without its meaning; the others are the sandbox's own. */
export const V2_TYPE = { ApproveTransfer: 25, ApproveWithdraw: 26, ApproveKeyRegistration: 30 } as const;

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export class FeedHub {
	private readonly connections = new Set<FeedConnection>();
	private readonly pingTimer?: NodeJS.Timeout;
	private readonly unsubscribe: () => void;

	constructor(
		private readonly state: SandboxState,
		private readonly faults: Faults,
		private readonly options: ResolvedOptions,
		private readonly log: SandboxLogger,
	) {
		this.unsubscribe = state.onEvent((event) => this.onEvent(event));
		if (options.feedPingIntervalMs > 0) {
			this.pingTimer = setInterval(() => {
				for (const { socket } of this.connections) if (socket.readyState === socket.OPEN) socket.ping();
			}, options.feedPingIntervalMs);
			this.pingTimer.unref();
		}
	}

	/** Registers a connected socket; replays the member's pending actions when `feedReplayPending` is on. */
	attach(socket: WebSocket, audience: FeedAudience): void {
		const connection = { socket, audience };
		this.connections.add(connection);
		socket.on('close', () => this.connections.delete(connection));
		socket.on('error', () => this.connections.delete(connection));
		// Clients only listen; anything they send is ignored, as Qredo does.
		socket.on('message', () => undefined);
		this.log.info('feed connected', { audience: audience.kind === 'custom' ? audience.name : `${audience.kind}:${audience.id}` });
		if (this.options.feedReplayPending && audience.kind !== 'custom') {
			this.state.sweep();
			const pending = [...this.state.actions.values()].filter((a) => a.member === audience.id && a.status === 'pending');
			for (const action of pending) this.send(connection, this.render(action, audience.kind));
		}
	}

	count(): number {
		return this.connections.size;
	}

	/** Fault: drops every feed connection, abruptly (no close frame) or with a close frame (1001 going away). */
	dropAll(mode: 'terminate' | 'close' = 'terminate'): number {
		const count = this.connections.size;
		for (const { socket } of this.connections) {
			if (mode === 'close') socket.close(1001, 'sandbox fault: feed dropped');
			else socket.terminate();
		}
		this.connections.clear();
		return count;
	}

	/** Fault: sends one raw text frame to every feed connection. */
	broadcastRaw(text: string): number {
		for (const { socket } of this.connections) if (socket.readyState === socket.OPEN) socket.send(text);
		return this.connections.size;
	}

	close(): void {
		this.unsubscribe();
		if (this.pingTimer) clearInterval(this.pingTimer);
		this.dropAll('terminate');
	}

	private onEvent(event: StateEvent): void {
		for (const connection of this.connections) {
			const { audience } = connection;
			if (audience.kind === 'custom') {
				const text = audience.render(event);
				if (text !== undefined) this.send(connection, text);
			} else if (event.kind === 'action' && event.action.member === audience.id) {
				this.send(connection, this.render(event.action, audience.kind));
			}
		}
	}

	private send(connection: FeedConnection, text: string): void {
		if (connection.socket.readyState !== connection.socket.OPEN) return;
		for (const frame of this.faults.framesFor(text)) connection.socket.send(frame);
	}

	private render(action: Action, kind: 'agent' | 'apikey'): string {
		return JSON.stringify(kind === 'agent' ? v1Frame(action) : v2Frame(this.state, action));
	}
}

/** §4.1: {"id","coreClientID","type","status","timestamp","expireTime"}, times as integer Unix seconds. */
export function v1Frame(action: Action) {
	return { id: action.id, coreClientID: action.member, type: action.type, status: action.status, timestamp: action.created, expireTime: action.expireTime };
}

/** §4.2 frame; `payload` is standard base64 of a JSON document with what a workflow needs to decide. */
export function v2Frame(state: SandboxState, action: Action) {
	const details = v2Payload(state, action);
	return {
		id: action.id,
		type: V2_TYPE[action.type],
		status: V2_STATUS[action.status],
		description: details.description,
		approverID: action.member,
		dataID: action.txId ?? action.member,
		senderID: details.senderID,
		payload: b64(JSON.stringify(details.payload)),
		messages: action.messages.map((m) => m.toString('base64')),
		signatures: null,
		timestamp: action.created,
		actionTime: action.decidedAt ?? action.created,
		expireTime: action.expireTime,
		created: action.created,
		actionSubject: null,
		metadata: b64('{}'),
	};
}

function v2Payload(state: SandboxState, action: Action): { description: string; senderID: string; payload: Record<string, unknown> } {
	if (action.type === 'ApproveKeyRegistration') {
		const apiKey = state.v2ApiKeys.get(action.member);
		return {
			description: `Register BLS and EC keys for API key ${apiKey?.name ?? action.member}`,
			senderID: action.member,
			payload: {
				type: 'apikey-registration',
				actionID: action.id,
				apiKeyID: action.member,
				workspaceID: apiKey?.workspaceId,
				blsPublicKey: action.keyRegistration?.blsPublicKey.toString('base64'),
				ecPublicKey: action.keyRegistration?.ecPublicKey.toString('base64'),
				expires: action.expireTime,
			},
		};
	}
	const tx = action.txId ? state.transactions.get(action.txId) : undefined;
	if (!tx) return { description: action.type, senderID: '', payload: { type: action.type, actionID: action.id } };
	const wallet = state.wallets.get(tx.walletId);
	const fund = state.funds.get(tx.fundId);
	const company = state.companies.get(tx.companyId);
	const asset = state.assets.find((a) => a.code === tx.asset);
	const whole = asset ? `${(tx.amount / 10 ** asset.scale).toString()} ${tx.asset}` : `${tx.amount} ${tx.asset}`;
	return {
		description: `${tx.type === 'withdraw' ? 'Withdraw' : 'Transfer'} ${whole} from ${fund?.name ?? tx.fundId} to ${tx.recipient.name ?? tx.recipient.address}`,
		senderID: tx.initiator.id,
		payload: {
			type: tx.type,
			actionID: action.id,
			txID: tx.id,
			status: txStatusName(tx),
			amount: tx.amount,
			asset: tx.asset,
			scale: asset?.scale,
			fees: tx.fees,
			netAmount: tx.netAmount,
			recipient: { address: tx.recipient.address, walletID: tx.recipient.walletId ?? null, name: tx.recipient.name ?? null },
			company: { id: tx.companyId, name: company?.name ?? null },
			fund: { id: tx.fundId, name: fund?.name ?? null },
			wallet: { id: tx.walletId, name: wallet?.name ?? null, address: wallet?.address ?? null },
			initiator: tx.initiator,
			reference: tx.reference,
			benefitOf: tx.benefitOf,
			accountNo: tx.accountNo,
			partnerTxID: tx.partnerTxId,
			custody: { threshold: tx.custodyGroup.threshold, members: tx.custodyGroup.members.length, approvals: tx.approvals.length },
			created: tx.created,
			expires: tx.expires,
		},
	};
}
