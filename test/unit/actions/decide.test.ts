/**
 * The pure parts of the decision flow and the feed client: approver keys, input checks, abstain, the scrubbed record,
 * self-verification, the backoff schedule and the fatal classification. No network.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { approverFromKeys, decideAction, signVerified, type ApproverSigner, type DecideInput } from '../../../lib/actions/decide';
import { scrubResponse } from '../../../lib/wire/redaction';
import { parseAgentCredentials, zkpHeaderSource } from '../../../lib/auth/agentIdentity';
import { mpinClientSecret } from '../../../lib/crypto/mpin';
import { agentFeedDial, agentFeedUrl, v2FeedDial, v2FeedUrl } from '../../../lib/feed/dial';
import { FeedClient, isAuthRejection, isFatalFeedError, reconnectDelayMs } from '../../../lib/feed/feedClient';
import { QredoInputError } from '../../../lib/errors';
import type { QredoRequestOptions, QredoResponse } from '../../../lib/transport/request';
import { QredoApiError, QredoTransportError } from '../../../lib/wire/errors';
import { amclVectors } from '../../support/paths';

const vectors = amclVectors();

describe('approverFromKeys', () => {
	test('from a private key (hex or base64) and from a Signing Agent v1 seed, matching the AMCL vectors', () => {
		for (const v of vectors.seedKeys) {
			assert.equal(approverFromKeys({ blsSeed: v.seed }).publicKey, v.pk);
			assert.equal(approverFromKeys({ blsSeed: Buffer.from(v.seed, 'hex').toString('base64') }).publicKey, v.pk);
			assert.equal(approverFromKeys({ blsPrivateKey: v.sk }).publicKey, v.pk);
			assert.equal(approverFromKeys({ blsPrivateKey: Buffer.from(v.sk, 'hex').toString('base64') }).publicKey, v.pk);
		}
		const sk42 = vectors.fixed.sk42;
		const signer = approverFromKeys({ blsPrivateKey: sk42.sk });
		assert.equal(Buffer.from(signer.sign(Buffer.from('test message'))).toString('hex'), sk42.signatures[Buffer.from('test message').toString('hex')]);
	});

	test('never reveals the key: JSON and inspection show only the public key', () => {
		const { sk, pk } = vectors.seedKeys[0];
		const signer = approverFromKeys({ blsPrivateKey: sk });
		assert.deepEqual(JSON.parse(JSON.stringify(signer)), { publicKey: pk });
		const shown = inspect(signer, { depth: 5, showHidden: true });
		assert.ok(!shown.includes(sk.replace(/^0+/, '')) && !shown.includes(BigInt('0x' + sk).toString()), shown);
		assert.ok(Object.isFrozen(signer));
	});

	test('exactly one of key and seed; errors name the field, never the value', () => {
		assert.throws(() => approverFromKeys({}), /blsPrivateKey: expected either a BLS private key or a BLS seed \(exactly one\)/);
		assert.throws(() => approverFromKeys({ blsPrivateKey: vectors.fixed.sk42.sk, blsSeed: vectors.seedKeys[0].seed }), /exactly one/);
		const bad = 'ab'.repeat(47);
		assert.throws(
			() => approverFromKeys({ blsPrivateKey: bad }),
			(error: Error) => error instanceof QredoInputError && !error.message.includes(bad),
		);
		assert.throws(() => approverFromKeys({ blsSeed: 'cd'.repeat(10) }), /blsSeed: expected 48 bytes/);
	});
});

describe('signVerified', () => {
	test('refuses a signer whose signature does not verify against its own public key', () => {
		const honest = approverFromKeys({ blsPrivateKey: vectors.fixed.sk42.sk });
		const other = approverFromKeys({ blsPrivateKey: vectors.seedKeys[0].sk });
		const liar: ApproverSigner = { publicKey: honest.publicKey, sign: (m) => other.sign(m) };
		assert.throws(() => signVerified(liar, Buffer.from('m'), 2), /approver: expected a BLS key whose signatures verify against its own public key \(self-verification of message 2 failed; nothing was sent\)/);
		const { signature, digest } = signVerified(honest, Buffer.from('abc'), 0);
		assert.equal(signature, vectors.fixed.sk42.signatures[Buffer.from('abc').toString('hex')]);
		assert.equal(digest, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
	});
});

describe('decideAction without network', () => {
	const approver = approverFromKeys({ blsPrivateKey: vectors.fixed.sk42.sk });
	const nothing = async (options: QredoRequestOptions): Promise<QredoResponse<unknown>> => {
		throw new Error(`unexpected call ${options.method} ${options.url}`);
	};
	const tokens = { getToken: async () => 'tok', invalidate: () => undefined };
	const v2 = (extra: Partial<DecideInput> = {}) => ({ protocol: 'v2', actionId: 'AC1', decision: 'approve', approver, baseUrl: 'https://h.test/api/v2', tokens, request: nothing, ...extra }) as DecideInput;

	test('abstain: a complete record, no call, no key needed', async () => {
		let t = 1_700_000_000_000;
		const record = await decideAction(v2({ decision: 'abstain', approver: undefined, reason: 'outside office hours', now: () => (t += 5) }));
		assert.deepEqual(record, {
			actionId: 'AC1',
			protocol: 'v2',
			decision: 'abstain',
			outcome: 'abstained',
			reason: 'outside office hours',
			approverId: null,
			approverPublicKey: null,
			signatures: [],
			messageDigests: [],
			actionStatus: null,
			serverStatus: null,
			serverResponse: null,
			detail: 'no action taken: the decision is left to the other approvers',
			expiresAt: null,
			attempts: 0,
			retriedAfter: [],
			startedAt: new Date(1_700_000_000_005).toISOString(),
			decidedAt: new Date(1_700_000_000_010).toISOString(),
			durationMs: 5,
		});
	});

	test('input checks name the field', async () => {
		await assert.rejects(decideAction(v2({ decision: 'maybe' as 'approve' })), /decision: expected approve, reject or abstain/);
		await assert.rejects(decideAction(v2({ protocol: 'v3' as 'v2' })), /protocol: expected v1 or v2/);
		await assert.rejects(decideAction(v2({ actionId: ' ' })), /actionId: expected the ID/);
		await assert.rejects(decideAction(v2({ approver: undefined })), /approver: expected a BLS approver key \(approverFromKeys\) to approve a v2 action/);
		await assert.rejects(decideAction(v2({ decision: 'reject', approver: undefined })), /to reject a v2 action/);
		await assert.rejects(decideAction(v2({ approver: null as unknown as ApproverSigner })), /^QredoInputError: approver: expected a BLS approver key/);
		await assert.rejects(decideAction(v2({ retry: { attempts: 0 } })), /retry\.attempts: expected a whole number from 1 to 20/);
		await assert.rejects(decideAction(v2({ action: { protocol: 'v1' } })), /action\.protocol: expected a v2 action \(the trigger item is a v1 action\)/);
		await assert.rejects(decideAction(v2({ baseUrl: 'ftp://x' })), /baseUrl: expected an http:\/\/ or https:\/\/ URL/);
		const v1 = { protocol: 'v1', actionId: 'AC1', decision: 'reject', baseUrl: 'https://h.test/api/v1/p', agentId: 'AG1', request: nothing } as const;
		await assert.rejects(decideAction({ ...v1, mpin: { identity: '', clientSecret: '00' } }), /mpin\.identity: expected/);
		await assert.rejects(decideAction({ ...v1, mpin: { identity: '7b7d', clientSecret: '04' + '00'.repeat(96) } }), /mpin\.clientSecret: expected an uncompressed G1 point/);
	});

	test('v2 status and expiry checks on a scripted answer; a 2xx without messages is a transport error', async () => {
		const answer = (body: unknown) => async (): Promise<QredoResponse<unknown>> => ({ status: 200, headers: {}, body });
		const now = () => 1_700_000_000_000;
		await assert.rejects(decideAction(v2({ request: answer({ id: 'AC1', status: 2, messages: ['aa'] }), now })), /has status 2\)/);
		await assert.rejects(decideAction(v2({ request: answer({ id: 'AC1', messages: ['aa'] }), now })), /has no status/);
		const expired = await decideAction(v2({ request: answer({ id: 'AC1', status: 1, messages: ['aa'], expireTime: 1_699_999_999 }), now }));
		assert.equal(expired.outcome, 'expired');
		assert.equal(expired.detail, 'action AC1 expired at 2023-11-14T22:13:19.000Z, 1 s ago');
		assert.deepEqual(expired.signatures, []);
		await assert.rejects(decideAction(v2({ request: answer({ id: 'AC1', status: 1, messages: [] }), now })), (error: Error) => error instanceof QredoTransportError && /no messages to sign/.test(error.message));
		await assert.rejects(decideAction(v2({ request: answer({ id: 'AC2', status: 1, messages: ['aa'] }), now })), /different action ID/);
	});

	test('the trigger item: its earlier expiry wins over the server one; decided items need no call', async () => {
		const now = () => 1_700_000_000_000;
		const answer = async (): Promise<QredoResponse<unknown>> => ({ status: 200, headers: {}, body: { id: 'AC1', status: 1, messages: ['aa'], expireTime: 1_800_000_000 } });
		assert.equal((await decideAction(v2({ request: answer, now, action: { expiresAt: 1_700_000_000 } }))).outcome, 'expired');
		const decided = await decideAction(v2({ action: { status: 'rejected' } }));
		assert.equal(decided.outcome, 'alreadyDecided');
		assert.equal(decided.actionStatus, 'rejected');
	});
});

describe('scrubResponse', () => {
	test('redacts credential-like fields and known secret values; cuts long strings and deep nesting', () => {
		const secret = 'S3CR3T-VALUE-0123456789';
		const deep: Record<string, unknown> = {};
		let cursor = deep;
		for (let i = 0; i < 12; i++) cursor = cursor.next = {} as Record<string, unknown>;
		const scrubbed = scrubResponse(
			{ id: 'AC1', status: 3, signatures: ['02ab'], token: 'jwt', wsToken: 'x', blsPrivateKey: 'k', nested: { apiKey: 'a', 'x-api-zkp': 'z', note: `echo ${secret}` }, long: 'y'.repeat(5000), deep, missing: undefined },
			[secret],
		) as Record<string, unknown>;
		assert.equal(scrubbed.token, '[redacted]');
		assert.equal(scrubbed.wsToken, '[redacted]');
		assert.equal(scrubbed.blsPrivateKey, '[redacted]');
		assert.deepEqual(scrubbed.signatures, ['02ab'], 'signatures are public');
		assert.deepEqual(scrubbed.nested, { apiKey: '[redacted]', 'x-api-zkp': '[redacted]', note: 'echo [redacted]' });
		assert.equal((scrubbed.long as string).length, 2001);
		assert.match(JSON.stringify(scrubbed.deep), /nested too deep/);
		assert.equal(scrubbed.missing, null);
	});
});

describe('feed dialling and agent identity', () => {
	const identity = Buffer.from('{"id":"AG1","curve":"BLS381","created":1700000000}');
	const mpin = { identity: identity.toString('hex'), clientSecret: Buffer.from(mpinClientSecret(99n, identity)).toString('hex') };

	test('feed URLs under base URLs', () => {
		assert.equal(agentFeedUrl('https://api.qredo.network/api/v1/p/'), 'wss://api.qredo.network/api/v1/p/coreclient/feed');
		assert.equal(v2FeedUrl('http://127.0.0.1:9/api/v2'), 'ws://127.0.0.1:9/api/v2/actions/signrequests');
	});

	test('agentFeedDial builds a fresh x-api-zkp per dial', async () => {
		const dial = agentFeedDial({ feedUrl: 'wss://h.test/api/v1/p/coreclient/feed', mpin });
		const a = await dial({ attempt: 1, afterAuthRejection: false });
		const b = await dial({ attempt: 2, afterAuthRejection: false });
		assert.equal(a.url, 'wss://h.test/api/v1/p/coreclient/feed');
		assert.notEqual(a.headers?.['x-api-zkp'], b.headers?.['x-api-zkp']);
		const token = JSON.parse(Buffer.from(a.headers?.['x-api-zkp'] as string, 'hex').toString('utf8'));
		assert.deepEqual(Object.keys(token), ['ID', 'ET', 'U', 'V']);
		assert.equal(Buffer.from(token.ID, 'base64').toString('utf8'), identity.toString('utf8'));
		assert.throws(() => agentFeedDial({ feedUrl: 'https://h.test/feed', mpin }), /feedUrl: expected a ws:\/\/ or wss:\/\/ URL/);
		assert.throws(() => agentFeedDial({ feedUrl: 'wss://h.test/feed?token=x', mpin }), /without query/);
		assert.equal(parseAgentCredentials({ ...mpin, pin: 7 }).pin, 7);
		assert.throws(() => zkpHeaderSource({ ...mpin, pin: -1 }), /mpin\.pin: expected a non-negative integer/);
	});

	test('v2FeedDial: x-token header, or ?token= websocket token; drops the cached JWT after a refusal', async () => {
		const events: string[] = [];
		const tokens = {
			getToken: async () => (events.push('getToken'), 'jwt'),
			invalidate: () => void events.push('invalidate'),
			getWebsocketToken: async () => (events.push('wsToken'), 'w s'),
		};
		const header = v2FeedDial({ feedUrl: 'wss://h.test/api/v2/actions/signrequests', tokens });
		assert.deepEqual(await header({ attempt: 1, afterAuthRejection: false }), { url: 'wss://h.test/api/v2/actions/signrequests', headers: { 'x-token': 'jwt' } });
		await header({ attempt: 2, afterAuthRejection: true });
		assert.deepEqual(events, ['getToken', 'invalidate', 'getToken']);
		const query = v2FeedDial({ feedUrl: 'wss://h.test/api/v2/actions/signrequests', tokens, auth: 'query' });
		assert.deepEqual(await query({ attempt: 1, afterAuthRejection: false }), { url: 'wss://h.test/api/v2/actions/signrequests?token=w%20s' });
		assert.throws(() => v2FeedDial({ feedUrl: 'wss://h.test/x', tokens: { getToken: tokens.getToken, invalidate: tokens.invalidate }, auth: 'query' }), /getWebsocketToken/);
	});
});

describe('FeedClient policy (pure parts)', () => {
	test('reconnectDelayMs: exponential, capped, jittered within ±jitter and never above the cap', () => {
		const backoff = { initialMs: 500, maxMs: 60_000, factor: 2, jitter: 0.2 };
		assert.deepEqual([1, 2, 3, 4, 5].map((n) => reconnectDelayMs(n, backoff, () => 0.5)), [500, 1000, 2000, 4000, 8000]);
		assert.equal(reconnectDelayMs(1, backoff, () => 0), 400);
		assert.equal(reconnectDelayMs(1, backoff, () => 0.999999), 600);
		assert.equal(reconnectDelayMs(200, backoff, () => 0.5), 60_000, 'no overflow, capped');
		assert.equal(reconnectDelayMs(200, backoff, () => 0.999), 60_000, 'jitter never exceeds the cap');
		assert.equal(reconnectDelayMs(200, backoff, () => 0), 48_000);
		assert.equal(reconnectDelayMs(1, {}, () => 0.5), 500, 'defaults: 500 ms first');
	});

	test('fatal: only rejected credentials and configuration errors', () => {
		const api = (status: number) => new QredoApiError({ status, method: 'GET', url: 'ws://h/feed', bodyText: '' });
		assert.equal(isFatalFeedError(api(401)), true);
		assert.equal(isFatalFeedError(api(403)), true);
		assert.equal(isAuthRejection(api(403)), true);
		for (const status of [400, 404, 408, 429, 500, 502, 503]) assert.equal(isFatalFeedError(api(status)), false, `HTTP ${status} is transient`);
		assert.equal(isFatalFeedError(new QredoInputError('dial().url', 'a ws URL')), true);
		assert.equal(isFatalFeedError(new Error('connect ECONNREFUSED')), false);
		assert.equal(isFatalFeedError(new QredoTransportError('network', 'GET', 'https://h/x', 'reset')), false);
	});

	test('options are validated, and start() after stop() is refused', async () => {
		const dial = async () => ({ url: 'ws://127.0.0.1:9' });
		const onMessage = () => undefined;
		assert.throws(() => new FeedClient({ dial, onMessage, backoff: { jitter: 2 } }), /backoff\.jitter: expected a number from 0 to 1/);
		assert.throws(() => new FeedClient({ dial, onMessage, pingIntervalMs: 0 }), /pingIntervalMs/);
		assert.throws(() => new FeedClient({ onMessage } as never), /dial: expected a function/);
		const feed = new FeedClient({ dial, onMessage });
		await feed.stop();
		assert.throws(() => feed.start(), /create a new FeedClient/);
		await assert.rejects(feed.connectedOnce(), /stopped before the first connection/);
	});
});
