/** Feed frame parsing (lib/feed/frames), detail normalisation (lib/actions/action), enrichment with a scripted HTTP function (lib/actions/lookups), and SeenActions. No network. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { enrichV1Action, enrichV2Action } from '../../../lib/actions/lookups';
import { normaliseDetails, type PendingAction } from '../../../lib/actions/action';
import { parseV1Frame, parseV2Frame, type FrameParseResult } from '../../../lib/feed/frames';
import { SeenActions } from '../../../lib/feed/seenActions';
import type { QredoRequestOptions, QredoResponse } from '../../../lib/transport/request';
import { QredoTransportError } from '../../../lib/wire/errors';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');

function ok(result: FrameParseResult): PendingAction {
	assert.ok(result.ok, result.ok ? '' : result.error.message);
	return result.action;
}

function skipped(result: FrameParseResult, pattern: RegExp, field?: string): void {
	assert.equal(result.ok, false);
	if (result.ok) return;
	assert.equal(result.error.name, 'FeedFrameError');
	assert.match(result.error.message, pattern);
	assert.equal(result.error.field, field);
}

const V1_FRAME = { id: 'AC1', coreClientID: 'AG1', type: 'ApproveWithdraw', status: 'pending', timestamp: 1700000000, expireTime: 1700003600 };

describe('parseV1Frame (§4.1)', () => {
	test('reads the documented fields, keeps the raw frame, tolerates unknown fields', () => {
		const action = ok(parseV1Frame(JSON.stringify({ ...V1_FRAME, somethingNew: { x: 1 } })));
		assert.deepEqual(
			{ ...action, raw: undefined },
			{ actionId: 'AC1', protocol: 'v1', status: 'pending', type: 'ApproveWithdraw', createdAt: 1700000000, expiresAt: 1700003600, approverId: 'AG1', agentId: 'AG1', raw: undefined },
		);
		assert.deepEqual(action.raw.somethingNew, { x: 1 });
		assert.equal(action.details, undefined);
		assert.equal(action.messages, undefined);
	});

	test('the hosted feed says clientID; statuses are normalised, unknown ones kept visible', () => {
		const { coreClientID: _unused, ...rest } = V1_FRAME;
		assert.equal(ok(parseV1Frame(JSON.stringify({ ...rest, clientID: 'HC9' }))).agentId, 'HC9');
		assert.equal(ok(parseV1Frame(JSON.stringify({ ...V1_FRAME, status: 'Approved' }))).status, 'approved');
		assert.equal(ok(parseV1Frame(JSON.stringify({ ...V1_FRAME, status: 'on-hold' }))).status, 'unknown');
		assert.equal(ok(parseV1Frame(JSON.stringify({ ...V1_FRAME, expireTime: '1700003600' }))).expiresAt, 1700003600);
	});

	test('malformed frames become FeedFrameError results naming the field (the sandbox fault frames among them)', () => {
		skipped(parseV1Frame('this is not json'), /not JSON/);
		skipped(parseV1Frame('[1,2,3]'), /got an array/);
		skipped(parseV1Frame('null'), /got null/);
		skipped(parseV1Frame('{"status":"pending","type":"ApproveTransfer"}'), /^v1 feed frame skipped: id: expected a non-empty string$/, 'id');
		skipped(parseV1Frame('{"id":"'), /not JSON/);
		skipped(parseV1Frame(JSON.stringify({ ...V1_FRAME, id: '' })), /non-empty/, 'id');
		skipped(parseV1Frame(JSON.stringify({ ...V1_FRAME, id: 'a\nb' })), /printable/, 'id');
		skipped(parseV1Frame(JSON.stringify({ ...V1_FRAME, type: 7 })), /ApproveTransfer/, 'type');
		skipped(parseV1Frame(JSON.stringify({ ...V1_FRAME, status: 1 })), /string/, 'status');
		skipped(parseV1Frame(JSON.stringify({ ...V1_FRAME, expireTime: undefined })), /Unix seconds/, 'expireTime');
		skipped(parseV1Frame(JSON.stringify({ ...V1_FRAME, expireTime: 1700003600000 })), /milliseconds/, 'expireTime');
		skipped(parseV1Frame(JSON.stringify({ ...V1_FRAME, expireTime: 1.5 })), /integer/, 'expireTime');
		skipped(parseV1Frame(JSON.stringify({ ...V1_FRAME, timestamp: 'yesterday' })), /Unix seconds/, 'timestamp');
		skipped(parseV1Frame(undefined as unknown as string), /text frame/);
		const result = parseV1Frame('x'.repeat(500));
		assert.ok(!result.ok && result.error.preview.length === 120, 'the preview is short');
	});
});

const PAYLOAD = {
	type: 'transfer',
	txID: 'TX1',
	amount: 1000000,
	asset: 'ETH',
	scale: 9,
	fees: 1000,
	netAmount: 999000,
	recipient: { address: '0xabc', walletID: 'W2', name: 'Ops' },
	company: { id: 'C1', name: 'Demo' },
	fund: { id: 'F1', name: 'Treasury' },
	wallet: { id: 'W1', name: 'Treasury ETH', address: '0xdef' },
	initiator: { kind: 'admin', id: 'sandbox-admin', name: 'Sandbox admin' },
	reference: 'ref',
	expires: 1700003600,
};
const V2_FRAME = {
	id: 'AC2',
	type: 25,
	status: 1,
	description: 'Transfer 0.001 ETH',
	approverID: 'KEY1',
	payload: b64(PAYLOAD),
	messages: [Buffer.from('first message').toString('base64'), Buffer.from('second').toString('base64')],
	signatures: null,
	timestamp: 1700000000,
	actionTime: 1700000000,
	expireTime: 1700003600,
	created: 1700000001,
	actionSubject: null,
	metadata: b64('{}'),
};

describe('parseV2Frame (§4.2)', () => {
	test('decodes payload into details and base64 messages into hex', () => {
		const action = ok(parseV2Frame(JSON.stringify(V2_FRAME)));
		assert.equal(action.actionId, 'AC2');
		assert.equal(action.protocol, 'v2');
		assert.equal(action.status, 'pending');
		assert.equal(action.statusCode, 1);
		assert.equal(action.type, '25');
		assert.equal(action.typeCode, 25);
		assert.equal(action.createdAt, 1700000001);
		assert.equal(action.expiresAt, 1700003600);
		assert.equal(action.approverId, 'KEY1');
		assert.equal(action.description, 'Transfer 0.001 ETH');
		assert.deepEqual(action.messages, [Buffer.from('first message').toString('hex'), Buffer.from('second').toString('hex')]);
		const { raw, ...details } = action.details as NonNullable<PendingAction['details']>;
		assert.deepEqual(raw, PAYLOAD);
		assert.deepEqual(details, {
			source: 'v2-payload',
			txId: 'TX1',
			type: 'transfer',
			amount: 1000000,
			asset: 'ETH',
			scale: 9,
			fees: 1000,
			netAmount: 999000,
			address: '0xabc',
			recipientName: 'Ops',
			recipientWalletId: 'W2',
			companyId: 'C1',
			fundId: 'F1',
			fundName: 'Treasury',
			walletId: 'W1',
			walletName: 'Treasury ETH',
			initiator: 'Sandbox admin',
			initiatorId: 'sandbox-admin',
			reference: 'ref',
			expires: 1700003600,
		});
	});

	test('statuses 3/4/5 and unknown codes; no payload, null messages and an EVM payload are fine', () => {
		assert.equal(ok(parseV2Frame(JSON.stringify({ ...V2_FRAME, status: 3 }))).status, 'approved');
		assert.equal(ok(parseV2Frame(JSON.stringify({ ...V2_FRAME, status: 4 }))).status, 'rejected');
		assert.equal(ok(parseV2Frame(JSON.stringify({ ...V2_FRAME, status: 5 }))).status, 'expired');
		assert.equal(ok(parseV2Frame(JSON.stringify({ ...V2_FRAME, status: 2 }))).status, 'unknown');
		const bare = ok(parseV2Frame(JSON.stringify({ ...V2_FRAME, payload: '', messages: null, created: undefined })));
		assert.equal(bare.details, undefined);
		assert.equal(bare.messages, undefined);
		assert.equal(bare.createdAt, 1700000000, 'timestamp stands in for created');
		const evm = ok(parseV2Frame(JSON.stringify({ ...V2_FRAME, payload: b64({ externalExtension: { network: { chainID: '0x1' } }, to: '0x1' }) })));
		assert.equal(evm.details?.chainId, '0x1');
	});

	test('a big amount stays a string (base units can exceed 2^53)', () => {
		const action = ok(parseV2Frame(JSON.stringify({ ...V2_FRAME, payload: b64({ amount: '123456789012345678901234567890' }) })));
		assert.equal(action.details?.amount, '123456789012345678901234567890');
	});

	test('malformed frames name the field', () => {
		skipped(parseV2Frame(JSON.stringify({ ...V2_FRAME, status: 'pending' })), /integer/, 'status');
		skipped(parseV2Frame(JSON.stringify({ ...V2_FRAME, type: null })), /integer/, 'type');
		skipped(parseV2Frame(JSON.stringify({ ...V2_FRAME, payload: 'not base64!' })), /base64 of a JSON object/, 'payload');
		skipped(parseV2Frame(JSON.stringify({ ...V2_FRAME, payload: b64('not json') })), /JSON object/, 'payload');
		skipped(parseV2Frame(JSON.stringify({ ...V2_FRAME, payload: b64([1]) })), /JSON object/, 'payload');
		skipped(parseV2Frame(JSON.stringify({ ...V2_FRAME, messages: 'abc' })), /array/, 'messages');
		skipped(parseV2Frame(JSON.stringify({ ...V2_FRAME, messages: ['!!'] })), /base64/, 'messages[0]');
		skipped(parseV2Frame(JSON.stringify({ ...V2_FRAME, messages: [''] })), /non-empty/, 'messages[0]');
		skipped(parseV2Frame(JSON.stringify({ ...V2_FRAME, approverID: 5 })), /string/, 'approverID');
	});
});

describe('normaliseDetails (Partner API §3.1 action details)', () => {
	test('withdrawal and transfer shapes', () => {
		const withdrawal = normaliseDetails(
			{ txType: 'withdraw', txID: 'T', walletID: 'W', asset: 'BTC', amount: 5, fees: 1, netAmount: 4, recipientAddress: 'tb1q', recipientAddressName: 'Cold', companyID: 'C', fundID: 'F', initiatedBy: 'U1', initiatorName: 'Ann', expires: 1700000000 },
			'partner-api',
		);
		assert.deepEqual({ ...withdrawal, raw: undefined }, {
			source: 'partner-api',
			txId: 'T',
			type: 'withdraw',
			amount: 5,
			asset: 'BTC',
			fees: 1,
			netAmount: 4,
			address: 'tb1q',
			recipientName: 'Cold',
			companyId: 'C',
			fundId: 'F',
			walletId: 'W',
			initiator: 'Ann',
			initiatorId: 'U1',
			expires: 1700000000,
			raw: undefined,
		});
		const transfer = normaliseDetails({ txType: 'transfer', recipientID: 'W9', recipientName: 'Ops', recipientAddressName: '' }, 'partner-api');
		assert.equal(transfer.recipientWalletId, 'W9');
		assert.equal(transfer.recipientName, 'Ops');
	});
});

function scripted(bodies: unknown[]) {
	const calls: QredoRequestOptions[] = [];
	const request = async (options: QredoRequestOptions): Promise<QredoResponse<unknown>> => {
		calls.push(options);
		return { status: 200, headers: {}, body: bodies[calls.length - 1] };
	};
	return { calls, request };
}

describe('enrichV1Action / enrichV2Action with a scripted HTTP function', () => {
	const action = ok(parseV1Frame(JSON.stringify(V1_FRAME)));
	const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

	test('v1 without a Partner API key: unchanged, no call', async () => {
		const http = scripted([]);
		assert.equal(await enrichV1Action(action, { agentId: 'AG1', request: http.request }), action);
		assert.equal(http.calls.length, 0);
	});

	test('v1 with a key: GET /coreclient/{agent}/action/{id}, RSA-signed; details, status and expiry from the answer', async () => {
		const http = scripted([{ id: 'AC1', status: 'approved', expireTime: 1700009999, details: { txType: 'withdraw', txID: 'T', amount: 5 } }]);
		const enriched = await enrichV1Action(action, { agentId: 'AG 1', partner: { baseUrl: 'https://h.test/api/v1/p/', apiKey: 'key', privateKey }, request: http.request });
		assert.equal(http.calls[0].method, 'GET');
		assert.equal(http.calls[0].url, 'https://h.test/api/v1/p/coreclient/AG%201/action/AC1');
		assert.equal(http.calls[0].auth.kind, 'partner');
		assert.equal(enriched.details?.txId, 'T');
		assert.equal(enriched.status, 'approved');
		assert.equal(enriched.expiresAt, 1700009999);
		assert.equal(action.details, undefined, 'the input is not mutated');
	});

	test('v1: an answer about another action or not an object is refused', async () => {
		const partner = { baseUrl: 'https://h.test/api/v1/p', apiKey: 'key', privateKey };
		await assert.rejects(enrichV1Action(action, { agentId: 'AG1', partner, request: scripted([{ id: 'OTHER' }]).request }), (error: Error) => error instanceof QredoTransportError && /different action ID/.test(error.message));
		await assert.rejects(enrichV1Action(action, { agentId: 'AG1', partner, request: scripted(['text']).request }), /JSON object/);
		await assert.rejects(enrichV1Action(ok(parseV2Frame(JSON.stringify(V2_FRAME))), { agentId: 'AG1', partner }), /a v1 action/);
	});

	test('v2: a frame with messages needs no call; one without gets them (hex) from GET /actions/{id}', async () => {
		const withMessages = ok(parseV2Frame(JSON.stringify(V2_FRAME)));
		const tokens = { getToken: async () => 't', invalidate: () => undefined };
		const none = scripted([]);
		assert.equal(await enrichV2Action(withMessages, { baseUrl: 'https://h.test/api/v2', tokens, request: none.request }), withMessages);
		assert.equal(none.calls.length, 0);
		const bare = ok(parseV2Frame(JSON.stringify({ ...V2_FRAME, messages: null })));
		const http = scripted([{ id: 'AC2', status: 1, messages: ['AABB', 'cc'], expireTime: 1700000500 }]);
		const enriched = await enrichV2Action(bare, { baseUrl: 'https://h.test/api/v2', tokens, request: http.request });
		assert.equal(http.calls[0].url, 'https://h.test/api/v2/actions/AC2');
		assert.deepEqual(enriched.messages, ['aabb', 'cc']);
		assert.equal(enriched.expiresAt, 1700000500);
		await assert.rejects(enrichV2Action(bare, { baseUrl: 'https://h.test/api/v2', tokens, request: scripted([{ messages: ['xyz'] }]).request }), /messages\[0\] to be a hex string/);
	});
});

describe('SeenActions', () => {
	let clock = 1_700_000_000_000;
	const now = () => clock;

	test('first sighting only; kept until expireTime + margin; a repeat keeps the later expiry', () => {
		const seen = new SeenActions({ now, marginSeconds: 60 });
		const expires = clock / 1000 + 100;
		assert.equal(seen.add('A', expires), true);
		assert.equal(seen.add('A', expires), false);
		assert.equal(seen.firstSighting({ actionId: 'A', expiresAt: expires + 50 }), false);
		assert.equal(seen.has('A'), true);
		clock += 205_000; // past expires + 60 but not past (expires + 50) + 60
		assert.equal(seen.has('A'), true);
		clock += 10_000;
		assert.equal(seen.has('A'), false);
		assert.equal(seen.add('A', clock / 1000 + 100), true, 'an expired entry counts as new');
	});

	test('bounded: beyond maxSize the oldest are evicted first (expired ones before anything else)', () => {
		const seen = new SeenActions({ now, maxSize: 3, marginSeconds: 0 });
		const later = clock / 1000 + 1000;
		seen.add('old-expired', clock / 1000 - 1);
		seen.add('a', later);
		seen.add('b', later);
		seen.add('c', later);
		assert.deepEqual(seen.toJSON().map(([id]) => id), ['a', 'b', 'c'], 'the expired one went first');
		seen.add('a', later); // a repeat does not refresh its place
		seen.add('d', later);
		assert.deepEqual(seen.toJSON().map(([id]) => id), ['b', 'c', 'd']);
		assert.equal(seen.size, 3);
	});

	test('round-trips through plain JSON; a new array every time; damaged entries are dropped, never fatal', () => {
		const seen = new SeenActions({ now });
		seen.add('x', clock / 1000 + 10);
		seen.add('y', clock / 1000 + 20);
		const saved = seen.toJSON();
		assert.notEqual(seen.toJSON(), saved, 'n8n static data is reassigned, so a fresh array each time');
		const restored = SeenActions.fromJSON(JSON.parse(JSON.stringify(saved)), { now });
		assert.deepEqual(restored.toJSON(), saved);
		assert.equal(restored.has('x'), true);
		const damaged = SeenActions.fromJSON([['ok', clock / 1000 + 5], 'junk', ['', 1], ['n', 'NaN'], [1, 2], null, ['gone', 1]], { now });
		assert.deepEqual(damaged.toJSON(), [['ok', clock / 1000 + 5]]);
		assert.equal(SeenActions.fromJSON(undefined).size, 0);
		assert.equal(SeenActions.fromJSON({ not: 'an array' }).size, 0);
		const small = SeenActions.fromJSON(saved, { now, maxSize: 1 });
		assert.deepEqual(small.toJSON().map(([id]) => id), ['y']);
	});

	test('rejects nonsense options and entries', () => {
		assert.throws(() => new SeenActions({ maxSize: 0 }), /maxSize: expected a positive integer/);
		assert.throws(() => new SeenActions({ marginSeconds: -1 }), /marginSeconds/);
		assert.throws(() => new SeenActions().add('', 1), /actionId/);
		assert.throws(() => new SeenActions().add('a', Number.NaN), /expiresAt/);
	});
});
