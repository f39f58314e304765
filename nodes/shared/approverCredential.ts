/**
 * Turns the decrypted "Qredo Approver API" credential into what the trigger and the Approve/Reject node need:
 * the signer (its key stays in a closure), the decision endpoint and the feed dial. Values are checked here, once,
 * so a wrong key fails with a message that names the field before anything is sent.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { approverFromKeys, type ApproverSigner, type DecideInput } from '../../lib/actions/decide';
import { parseAgentCredentials, type AgentCredentials } from '../../lib/auth/agentIdentity';
import { QredoV2TokenSource } from '../../lib/transport/v2Tokens';
import { requireBaseUrl } from '../../lib/environments';
import { QredoInputError } from '../../lib/errors';
import { agentFeedDial, agentFeedUrl, v2FeedDial, v2FeedUrl, type FeedDial } from '../../lib/feed/dial';
import { parseEcPrivateKey } from '../../lib/crypto/keys';
import { credentialUrls, text } from './qredoApiCredential';

export type ApproverProtocol = 'v1' | 'v2';

export interface ApproverAccess {
	protocol: ApproverProtocol;
	/** API key ID (v2) or agent ID (v1) */
	approverId: string;
	signer: ApproverSigner;
	/** the API base the decisions go to: Qredo API v2, or the Partner API for v1 agents */
	baseUrl: string;
	/** v2 only */
	tokens?: QredoV2TokenSource;
	/** v1 only */
	mpin?: AgentCredentials;
	feedUrl: string;
}

function required(data: ICredentialDataDecryptedObject, name: string, expected: string): string {
	const value = text(data, name);
	if (value === '') throw new QredoInputError(name, expected);
	return value;
}

export function approverAccess(data: ICredentialDataDecryptedObject): ApproverAccess {
	const { environment, urls } = credentialUrls(data);
	const protocol = (text(data, 'approverType') || 'v2') as ApproverProtocol;
	if (protocol !== 'v1' && protocol !== 'v2') throw new QredoInputError('approverType', 'v1 or v2');
	const signer =
		text(data, 'blsKeySource') === 'seed'
			? approverFromKeys({ blsSeed: required(data, 'blsSeed', 'the 48-byte Signing Agent bls_seed (hex or base64)') })
			: approverFromKeys({ blsPrivateKey: required(data, 'blsPrivateKey', 'the 48-byte BLS private key (hex or base64)') });
	// The EC key is not used to sign decisions; checked anyway so a damaged credential is reported, not carried along.
	if (text(data, 'ecPrivateKey') !== '') parseEcPrivateKey(text(data, 'ecPrivateKey'), 'ecPrivateKey');

	if (protocol === 'v2') {
		const baseUrl = requireBaseUrl(urls, 'qapiV2', environment);
		const approverId = required(data, 'apiKeyId', 'the Qredo API v2 key ID');
		const tokens = new QredoV2TokenSource({
			baseUrl,
			workspaceId: required(data, 'workspaceId', 'the Qredo API v2 workspace ID'),
			apiKeyId: approverId,
			apiSecret: required(data, 'apiSecret', 'the Qredo API v2 secret (base64)'),
		});
		return { protocol, approverId, signer, baseUrl, tokens, feedUrl: v2FeedUrl(baseUrl) };
	}
	const baseUrl = requireBaseUrl(urls, 'partnerApi', environment);
	const mpin: AgentCredentials = {
		identity: required(data, 'mpinIdentity', 'the M-Pin identity (clientID hex from /coreclient/init)'),
		clientSecret: required(data, 'mpinClientSecret', 'the M-Pin client secret (97 bytes hex from /coreclient/init)'),
		pin: agentPin(data.mpinPin),
	};
	parseAgentCredentials(mpin, 'mpinClientSecret');
	return {
		protocol,
		approverId: required(data, 'agentId', 'the agent ID (accountCode from /coreclient/init)'),
		signer,
		baseUrl,
		mpin,
		feedUrl: agentFeedUrl(baseUrl),
	};
}

/**
 * The Signing Agent PIN: empty (or 0) for a client secret. Credentials saved before it became a password field hold a
 * number. Anything but digits is refused, naming the field and never echoing the value.
 */
function agentPin(value: unknown): number {
	if (value === undefined || value === null || value === '') return 0;
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!/^\d{1,15}$/.test(text)) throw new QredoInputError('mpinPin', 'the Signing Agent PIN: digits only, or empty for a client secret');
	return Number(text);
}

/** The feed of pending actions for this approver, with fresh auth on every dial. */
export function approverFeedDial(access: ApproverAccess, v2Auth: 'header' | 'query' = 'header'): FeedDial {
	if (access.protocol === 'v2') return v2FeedDial({ feedUrl: access.feedUrl, tokens: access.tokens as QredoV2TokenSource, auth: v2Auth });
	return agentFeedDial({ feedUrl: access.feedUrl, mpin: access.mpin as AgentCredentials });
}

/** The protocol-specific half of decideAction's input. */
export function decisionTarget(access: ApproverAccess): Pick<DecideInput, 'protocol' | 'baseUrl' | 'approver' | 'approverId'> &
	({ protocol: 'v2'; tokens: QredoV2TokenSource } | { protocol: 'v1'; agentId: string; mpin: AgentCredentials }) {
	const common = { baseUrl: access.baseUrl, approver: access.signer, approverId: access.approverId };
	return access.protocol === 'v2'
		? { ...common, protocol: 'v2', tokens: access.tokens as QredoV2TokenSource }
		: { ...common, protocol: 'v1', agentId: access.approverId, mpin: access.mpin as AgentCredentials };
}
