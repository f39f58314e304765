/**
 * decideAction against the sandbox, v1 (agent, x-api-zkp) and v2 (API key, x-token): approve, reject, abstain,
 * refusal of decided/closed/expired actions, "already decided" reporting, and the sandbox's decision log showing
 * that every signature we sent verified with the pairing. Also the v1 detail lookup through the Partner API.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { QredoV2TokenSource } from '../../../lib/transport/v2Tokens';
import { approverFromKeys, decideAction, type DecideInput, type DecisionRecord } from '../../../lib/actions/decide';
import { enrichV1Action, enrichV2Action } from '../../../lib/actions/lookups';
import { parseV1Frame } from '../../../lib/feed/frames';
import { type PendingAction } from '../../../lib/actions/action';
import { qredoRequest, type QredoRequestOptions } from '../../../lib/transport/request';
import { QredoApiError } from '../../../lib/wire/errors';
import { type AdminAction, type DemoSandbox, sleep, startDemo, v2Tokens } from './support';

const sha256 = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

/** Everything secret the demo world holds; none of it may appear in a record or an error. */
function secretsOf(demo: DemoSandbox): string[] {
	const { creds } = demo;
	return [
		creds.agent.clientSecret,
		creds.agent.blsPrivateKey,
		creds.agent.ecPrivateKey,
		creds.qredoApiV2.secret,
		creds.qredoApiV2.blsPrivateKey,
		creds.qredoApiV2.ecPrivateKey,
		creds.partnerApi.privateKeyPem.split('\n')[1],
	];
}

function assertNoSecrets(demo: DemoSandbox, value: unknown): void {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	for (const secret of secretsOf(demo)) assert.ok(!text.includes(secret), 'a secret leaked into the output');
	assert.ok(!/eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(text), 'a JWT leaked into the output');
}

/** Counts calls so tests can prove what did (not) go over the network. */
function countingRequest() {
	const calls: string[] = [];
	return {
		calls,
		request: (options: QredoRequestOptions) => {
			calls.push(`${options.method} ${new URL(options.url).pathname}`);
			return qredoRequest(options);
		},
	};
}

function assertRecordShape(record: DecisionRecord): void {
	assert.ok(!Number.isNaN(Date.parse(record.startedAt)) && !Number.isNaN(Date.parse(record.decidedAt)));
	assert.ok(record.durationMs >= 0);
	assert.equal(record.signatures.length, record.messageDigests.length);
	for (const signature of record.signatures) assert.match(signature, /^[0-9a-f]{98}$/);
}

describe('decideAction v2 (Qredo API v2 key)', () => {
	let demo: DemoSandbox;
	let tokens: QredoV2TokenSource;
	before(async () => {
		demo = await startDemo();
		tokens = v2Tokens(demo.creds);
	});
	after(() => demo.sandbox.stop());

	const approver = () => approverFromKeys({ blsPrivateKey: demo.creds.qredoApiV2.blsPrivateKey });
	const v2 = (actionId: string, decision: 'approve' | 'reject' | 'abstain', extra: Partial<DecideInput> = {}): DecideInput =>
		({ protocol: 'v2', actionId, decision, reason: `test ${decision}`, approver: approver(), approverId: demo.creds.qredoApiV2.apiKeyId, baseUrl: demo.creds.qredoApiV2.baseUrl, tokens, ...extra }) as DecideInput;
	const v2Action = async (kind: 'transfer' | 'withdraw' = 'transfer'): Promise<AdminAction> => {
		const tx = kind === 'transfer' ? await demo.admin.transfer(demo.creds) : await demo.admin.withdraw(demo.creds);
		return demo.admin.actionFor(tx, demo.creds.qredoApiV2.apiKeyId);
	};

	test('approve: signs messages[0] only, self-verified; the sandbox verifies it; a second approve reports alreadyDecided', async () => {
		const action = await v2Action();
		assert.equal(action.messages.length, 2);
		const record = await decideAction(v2(action.actionId, 'approve'));
		assertRecordShape(record);
		assert.equal(record.outcome, 'approved');
		assert.equal(record.actionStatus, 'approved');
		assert.equal(record.serverStatus, 200);
		assert.equal(record.reason, 'test approve');
		assert.equal(record.approverId, demo.creds.qredoApiV2.apiKeyId);
		assert.equal(record.approverPublicKey, demo.creds.qredoApiV2.blsPublicKey);
		assert.deepEqual(record.messageDigests, [sha256(action.messages[0])]);
		assert.equal(record.expiresAt, action.expireTime);
		assert.deepEqual(record.serverResponse, { id: action.actionId, status: 3 });
		const log = await demo.admin.decisions(action.actionId);
		assert.equal(log.length, 1);
		assert.equal(log[0].verified, true);
		assert.equal(log[0].decision, 'approve');
		assert.deepEqual(log[0].signatures, record.signatures);
		assertNoSecrets(demo, record);

		const again = await decideAction(v2(action.actionId, 'approve'));
		assert.equal(again.outcome, 'alreadyDecided');
		assert.equal(again.actionStatus, 'approved');
		assert.deepEqual(again.signatures, [], 'nothing is signed for a decided action');
		assert.match(again.detail as string, /already approved \(status 3\)/);
		assert.equal((await demo.admin.decisions(action.actionId)).length, 1, 'nothing was sent');
	});

	test('reject: also signs messages[0] (status 4); the transaction is custody-rejected', async () => {
		const action = await v2Action('withdraw');
		const record = await decideAction(v2(action.actionId, 'reject'));
		assert.equal(record.outcome, 'rejected');
		assert.equal(record.actionStatus, 'rejected');
		assert.deepEqual(record.messageDigests, [sha256(action.messages[0])]);
		const log = await demo.admin.decisions(action.actionId);
		assert.deepEqual(log.map((d) => [d.decision, d.verified]), [['reject', true]]);
		assert.equal((await demo.admin.transaction(action.txId as string)).txStatus, 'custody_rejected_withdrawal');
		const again = await decideAction(v2(action.actionId, 'approve'));
		assert.equal(again.outcome, 'alreadyDecided');
		assert.equal(again.actionStatus, 'rejected');
	});

	test('abstain: a record and no network call at all', async () => {
		const counter = countingRequest();
		const record = await decideAction(v2('AC-never-fetched', 'abstain', { request: counter.request, reason: 'amount needs a human' }));
		assert.equal(record.outcome, 'abstained');
		assert.equal(record.reason, 'amount needs a human');
		assert.equal(record.serverStatus, null);
		assert.deepEqual(record.signatures, []);
		assert.deepEqual(counter.calls, []);
	});

	test('an action closed because the transaction was decided by others (status 5): reported expired, nothing signed', async () => {
		const tx = await demo.admin.transfer(demo.creds);
		// Alice rejects: the transfer cannot reach its threshold, so the v2 key's action closes (status 5)
		const alice = tx.actions.find((a) => a.memberKind === 'human') as AdminAction;
		await demo.admin.humanDecides(alice.actionId, 'reject');
		const action = await demo.admin.actionFor(tx, demo.creds.qredoApiV2.apiKeyId);
		assert.equal(action.status, 'expired');
		const record = await decideAction(v2(action.actionId, 'approve'));
		assert.equal(record.outcome, 'expired');
		assert.match(record.detail ?? '', /^Qredo says action .* is expired \(status 5\)$/);
		assert.deepEqual(record.signatures, []);
		assert.equal((await demo.admin.decisions(action.actionId)).length, 0, 'nothing was signed or sent');
	});

	test('an expired action is reported expired, never signed: by the sandbox clock (status 5), by the response expireTime, by the trigger item', async () => {
		const tx = await demo.admin.transfer(demo.creds, { expiresInSeconds: 1 });
		const action = await demo.admin.actionFor(tx, demo.creds.qredoApiV2.apiKeyId);
		await sleep(2100);
		const byStatus = await decideAction(v2(action.actionId, 'approve'));
		assert.equal(byStatus.outcome, 'expired');
		assert.match(byStatus.detail ?? '', /status 5/);

		const fresh = await v2Action();
		const later = () => (fresh.expireTime + 5) * 1000;
		const byExpiry = await decideAction(v2(fresh.actionId, 'approve', { now: later }));
		assert.equal(byExpiry.outcome, 'expired');
		assert.match(byExpiry.detail ?? '', /^action .* expired at .*, 5 s ago$/);
		assert.deepEqual(byExpiry.signatures, []);

		const counter = countingRequest();
		const trigger: Partial<PendingAction> = { actionId: fresh.actionId, protocol: 'v2', status: 'pending', expiresAt: Math.floor(Date.now() / 1000) - 1 };
		assert.equal((await decideAction(v2(fresh.actionId, 'approve', { action: trigger, request: counter.request }))).outcome, 'expired');
		assert.deepEqual(counter.calls, [], 'decided from the trigger item, before any call');
		assert.equal((await demo.admin.decisions(fresh.actionId)).length, 0);
		// and it is still pending: approve it for real
		assert.equal((await decideAction(v2(fresh.actionId, 'approve', { action: { ...trigger, expiresAt: fresh.expireTime } }))).outcome, 'approved');
	});

	test('a decision that loses a race (409 already approved on POST) is reported as alreadyDecided with what was sent', async () => {
		const action = await v2Action();
		let raced = false;
		const racing = async (options: QredoRequestOptions) => {
			if (options.method === 'POST' && !raced) {
				raced = true;
				await decideAction(v2(action.actionId, 'approve')); // another instance wins between our GET and POST
			}
			return qredoRequest(options);
		};
		const record = await decideAction(v2(action.actionId, 'approve', { request: racing }));
		assert.equal(record.outcome, 'alreadyDecided');
		assert.equal(record.serverStatus, 409);
		assert.equal(record.signatures.length, 1, 'the refused signature is on the record');
		assert.match(record.detail as string, /already approved/);
	});

	test('wrong approver key: the sandbox refuses the signature (400) and the decision log shows it unverified', async () => {
		const action = await v2Action();
		const stranger = approverFromKeys({ blsPrivateKey: '00'.repeat(47) + '2a' });
		await assert.rejects(decideAction(v2(action.actionId, 'approve', { approver: stranger })), (error: Error) => {
			assert.ok(error instanceof QredoApiError);
			assert.equal(error.status, 400);
			assert.match(error.message, /verification failed/);
			assertNoSecrets(demo, error.message);
			return true;
		});
		const log = await demo.admin.decisions(action.actionId);
		assert.deepEqual(log.map((d) => d.verified), [false]);
	});

	test('enrichV2Action fetches messages (hex) for a frame that had none', async () => {
		const action = await v2Action();
		const bare: PendingAction = { actionId: action.actionId, protocol: 'v2', status: 'pending', statusCode: 1, type: '25', expiresAt: action.expireTime, raw: {} };
		const enriched = await enrichV2Action(bare, { baseUrl: demo.creds.qredoApiV2.baseUrl, tokens });
		assert.deepEqual(enriched.messages, action.messages);
		assert.equal(enriched.status, 'pending');
		assert.equal(bare.messages, undefined, 'the input is not mutated');
	});
});

describe('decideAction v1 (Signing Agent identity, x-api-zkp)', () => {
	let demo: DemoSandbox;
	before(async () => {
		demo = await startDemo();
	});
	after(() => demo.sandbox.stop());

	const v1 = (actionId: string, decision: 'approve' | 'reject' | 'abstain', extra: Partial<DecideInput> = {}): DecideInput =>
		({
			protocol: 'v1',
			actionId,
			decision,
			reason: `test ${decision}`,
			approver: approverFromKeys({ blsPrivateKey: demo.creds.agent.blsPrivateKey }),
			baseUrl: demo.creds.partnerApi.baseUrl,
			agentId: demo.creds.agent.id,
			mpin: { identity: demo.creds.agent.clientID, clientSecret: demo.creds.agent.clientSecret },
			...extra,
		}) as DecideInput;
	const agentAction = async (kind: 'transfer' | 'withdraw'): Promise<AdminAction> => {
		const tx = kind === 'transfer' ? await demo.admin.transfer(demo.creds) : await demo.admin.withdraw(demo.creds);
		return demo.admin.actionFor(tx, demo.creds.agent.id);
	};

	for (const kind of ['transfer', 'withdraw'] as const) {
		test(`approve a ${kind}: one signature per message, in order, each verified by the sandbox`, async () => {
			const action = await agentAction(kind);
			assert.equal(action.messages.length, kind === 'transfer' ? 2 : 3);
			const counter = countingRequest();
			const record = await decideAction(v1(action.actionId, 'approve', { request: counter.request }));
			assertRecordShape(record);
			assert.equal(record.outcome, 'approved');
			assert.equal(record.protocol, 'v1');
			assert.equal(record.approverId, demo.creds.agent.id);
			assert.equal(record.approverPublicKey, demo.creds.agent.blsPublicKey);
			assert.deepEqual(record.messageDigests, action.messages.map(sha256));
			assert.deepEqual(counter.calls, [`GET /api/v1/p/coreclient/action/${action.actionId}`, `PUT /api/v1/p/coreclient/action/${action.actionId}`]);
			const log = await demo.admin.decisions(action.actionId);
			assert.equal(log.length, 1);
			assert.equal(log[0].verified, true);
			assert.deepEqual(log[0].signatures, record.signatures);
			assertNoSecrets(demo, record);

			const again = await decideAction(v1(action.actionId, 'approve'));
			assert.equal(again.outcome, 'alreadyDecided');
			assert.equal(again.actionStatus, 'approved');
			assert.equal(again.serverStatus, 409);
		});
	}

	test('reject: DELETE without a body or signature; a later approve reports alreadyDecided (rejected)', async () => {
		const action = await agentAction('transfer');
		const counter = countingRequest();
		const record = await decideAction(v1(action.actionId, 'reject', { request: counter.request, approver: undefined }));
		assert.equal(record.outcome, 'rejected');
		assert.deepEqual(record.signatures, []);
		assert.deepEqual(record.messageDigests, []);
		assert.equal(record.approverPublicKey, null);
		assert.deepEqual(counter.calls, [`DELETE /api/v1/p/coreclient/action/${action.actionId}`]);
		const log = await demo.admin.decisions(action.actionId);
		assert.deepEqual(log.map((d) => [d.decision, d.verified, d.signatures.length]), [['reject', null, 0]]);
		const again = await decideAction(v1(action.actionId, 'approve'));
		assert.equal(again.outcome, 'alreadyDecided');
		assert.equal(again.actionStatus, 'rejected');
	});

	test('an action that expired at Qredo (410 on PUT or DELETE) is reported expired, not an error', async () => {
		for (const decision of ['approve', 'reject'] as const) {
			const tx = await demo.admin.withdraw(demo.creds, { expiresInSeconds: 1 });
			const action = await demo.admin.actionFor(tx, demo.creds.agent.id);
			await sleep(2100);
			const record = await decideAction(v1(action.actionId, decision));
			assert.equal(record.outcome, 'expired', `${decision}: ${JSON.stringify(record)}`);
			assert.equal(record.serverStatus, 410);
			assert.equal(record.attempts, 1);
		}
	});

	test('refusals from the trigger item (not pending, expired) happen before any call; a closed action is a clear 409 error', async () => {
		const action = await agentAction('transfer');
		const counter = countingRequest();
		const item = (extra: Partial<PendingAction>) => ({ action: { actionId: action.actionId, protocol: 'v1' as const, ...extra }, request: counter.request });
		assert.equal((await decideAction(v1(action.actionId, 'approve', item({ status: 'expired' })))).outcome, 'expired');
		assert.equal((await decideAction(v1(action.actionId, 'reject', item({ status: 'pending', expiresAt: 1_700_000_000 })))).outcome, 'expired');
		await assert.rejects(decideAction(v1(action.actionId, 'approve', item({ status: 'unknown' }))), /^QredoInputError: actionId: expected a pending action \(action .* is unknown according to the trigger item\)$/);
		const decided = await decideAction(v1(action.actionId, 'approve', item({ status: 'approved' })));
		assert.equal(decided.outcome, 'alreadyDecided');
		assert.deepEqual(counter.calls, []);
		await assert.rejects(decideAction(v1(action.actionId, 'approve', { action: { actionId: 'AC-other' } })), /action\.actionId: expected the same action ID/);

		// Alice rejects the transaction: the agent's action closes; approving it now is an error, not "already decided".
		const tx = await demo.admin.transaction(action.txId as string);
		await demo.admin.humanDecides((tx.actions.find((a) => a.memberKind === 'human') as AdminAction).actionId, 'reject');
		await assert.rejects(decideAction(v1(action.actionId, 'approve')), (error: Error) => {
			assert.ok(error instanceof QredoApiError);
			assert.equal(error.status, 409);
			assert.match(error.message, /no longer pending \(transaction .* is custody_rejected_transfer\)/);
			return true;
		});
	});

	test('a wrong M-Pin PIN is refused by Qredo (401) without leaking the token or the secret', async () => {
		const action = await agentAction('transfer');
		// The client secret with a PIN it was never extracted with: the one-pass proof cannot verify.
		const tampered = await decideAction(
			v1(action.actionId, 'approve', { mpin: { identity: demo.creds.agent.clientID, clientSecret: demo.creds.agent.clientSecret, pin: 1234 } }),
		).catch((error: Error) => error);
		assert.ok(tampered instanceof QredoApiError, 'a PIN that does not match makes the proof fail');
		assert.equal(tampered.status, 401);
		assertNoSecrets(demo, tampered.message);
		assert.ok(!/7b224944/.test(tampered.message), 'no x-api-zkp value in the message');
	});

	test('a v1 frame from the feed, enriched through the Partner API, carries the transfer details', async (t) => {
		const tx = await demo.admin.transfer(demo.creds, { reference: 'enrich me' });
		const agent = tx.actions.find((a) => a.member === demo.creds.agent.id) as AdminAction;
		const frame = parseV1Frame(JSON.stringify({ id: agent.actionId, coreClientID: demo.creds.agent.id, type: agent.type, status: 'pending', timestamp: agent.created, expireTime: agent.expireTime }));
		assert.ok(frame.ok);
		const withoutKey = await enrichV1Action(frame.action, { agentId: demo.creds.agent.id });
		assert.equal(withoutKey.details, undefined);
		let enriched: PendingAction;
		try {
			enriched = await enrichV1Action(frame.action, {
				agentId: demo.creds.agent.id,
				partner: { baseUrl: demo.creds.partnerApi.baseUrl, apiKey: demo.creds.partnerApi.apiKey, privateKey: demo.creds.partnerApi.privateKeyPem },
			});
		} catch (error) {
			if (error instanceof QredoApiError && error.status === 404 && /no GET route/.test(error.message)) {
				t.skip('sandbox gap: no Partner API GET /coreclient/{client_id}/action/{action_id} yet');
				return;
			}
			throw error;
		}
		assert.equal(enriched.details?.source, 'partner-api');
		assert.equal(enriched.details?.txId, tx.txId);
		assert.equal(enriched.details?.type, 'transfer');
		assert.equal(enriched.details?.amount, 1_000_000);
		assert.equal(enriched.details?.asset, 'ETH');
		assert.equal(enriched.details?.recipientWalletId, demo.creds.operationsFund.wallets.ETH);
		assert.equal(enriched.details?.fundId, demo.creds.fund.id);
		assert.equal(enriched.details?.walletId, demo.creds.fund.wallets.ETH);
		assert.equal(enriched.details?.initiator, 'Sandbox admin');
		assert.equal(enriched.details?.reference, 'enrich me');
		assert.equal(enriched.status, 'pending');
		assert.equal(enriched.expiresAt, agent.expireTime);
		assert.equal(frame.action.details, undefined, 'the input is not mutated');
	});
});
