/**
 * Signing Agent v1 surface over real sockets (§1.4, §3.1, §4.1): RSA-signed init, M-Pin x-api-zkp on everything
 * after it, the agent feed, and BLS-verified approvals (one signature per message, in order).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeys } from '../../../lib/crypto/keys';
import { startSandbox, type RunningSandbox } from '../../../packages/cli/sandbox/server';
import {
	admin,
	type AgentIdentity,
	blsSignHex,
	finishAgent,
	isQredoError,
	newFund,
	newPartnerIdentity,
	openFeed,
	type PartnerIdentity,
	partnerSend,
	refusedFeed,
	registerAgent,
	send,
	testClock,
	zkp,
} from './helpers';

const nowS = () => Math.floor(Date.now() / 1000);

/** Rebuilds an x-api-zkp value after editing its JSON (to get one detail wrong). */
function editZkp(header: string, edit: (token: Record<string, unknown>) => Record<string, unknown>): string {
	const token = JSON.parse(Buffer.from(header, 'hex').toString('utf8'));
	return Buffer.from(JSON.stringify(edit(token)), 'utf8').toString('hex');
}

describe('sandbox: Signing Agent v1 endpoints', () => {
	let sb: RunningSandbox;
	let partner: PartnerIdentity;
	let companyId: string;
	let agent: AgentIdentity;
	let fund: Awaited<ReturnType<typeof newFund>>;
	let recipientWallet: string;

	const actionUrl = (id: string) => `${sb.urls.partner}/coreclient/action/${id}`;
	const getAction = (id: string, who: AgentIdentity = agent) => send('GET', actionUrl(id), { 'x-api-zkp': zkp(who) });
	const putSignatures = (id: string, signatures: unknown[], who: AgentIdentity = agent) =>
		send('PUT', actionUrl(id), { 'x-api-zkp': zkp(who), 'content-type': 'application/json' }, JSON.stringify({ signatures }));
	const signAll = (messages: string[], key = agent.keys.blsPrivateKey) => messages.map((m) => blsSignHex(key, Buffer.from(m, 'hex')));

	async function newTransfer(amount = 1000, extra: Record<string, unknown> = {}) {
		const res = await admin(sb, 'POST', '/transactions', { type: 'transfer', walletId: fund.wallets[0].walletId, amount, recipient: recipientWallet, ...extra });
		assert.equal(res.status, 201, res.text);
		return res.json;
	}

	before(async () => {
		sb = await startSandbox({ zkpTimeBoundSeconds: 30 });
		partner = await newPartnerIdentity(sb);
		companyId = (await admin(sb, 'POST', '/companies', { name: 'Agent Co' })).json.companyId;
		agent = await registerAgent(sb, partner, 'agent-one');
		fund = await newFund(sb, companyId, [agent.id], 1);
		recipientWallet = (await newFund(sb, companyId, [agent.id], 1)).wallets[0].walletId;
	});
	after(() => sb.stop());

	describe('POST /coreclient/init (RSA)', () => {
		it('issues the M-Pin identity, client secret and an IDDoc embedding both public keys', async () => {
			const keys = generateKeys();
			const res = await partnerSend(partner, 'POST', `${sb.urls.partner}/coreclient/init`, JSON.stringify({ name: 'shape', blsPublicKey: keys.blsPublicKey, ecPublicKey: keys.ecPublicKey }));
			assert.equal(res.status, 200, res.text);
			assert.deepEqual(Object.keys(res.json).sort(), ['accountCode', 'clientID', 'clientSecret', 'id', 'idDoc', 'timestamp']);
			const identity = JSON.parse(Buffer.from(res.json.clientID, 'hex').toString('utf8'));
			assert.deepEqual(Object.keys(identity), ['id', 'curve', 'created']);
			assert.equal(identity.id, res.json.id);
			assert.equal(identity.curve, 'BLS381');
			assert.equal(res.json.accountCode, res.json.id);
			assert.match(res.json.clientSecret, /^04[0-9a-f]{192}$/);
			assert.ok(res.json.idDoc.includes(keys.blsPublicKey) && res.json.idDoc.includes(keys.ecPublicKey));
			assert.ok(Number.isInteger(res.json.timestamp));
		});

		it('refuses malformed keys, naming the field', async () => {
			const keys = generateKeys();
			const cases: Array<[Record<string, unknown>, RegExp]> = [
				[{ name: 'x', blsPublicKey: keys.blsPublicKey.toUpperCase(), ecPublicKey: keys.ecPublicKey }, /^blsPublicKey: expected 384 lowercase hex/],
				[{ name: 'x', blsPublicKey: keys.blsPublicKey.slice(2), ecPublicKey: keys.ecPublicKey }, /^blsPublicKey/],
				[{ name: 'x', blsPublicKey: '11'.repeat(192), ecPublicKey: keys.ecPublicKey }, /^blsPublicKey: expected a BLS12-381 G2 point/],
				[{ name: 'x', blsPublicKey: keys.blsPublicKey, ecPublicKey: '04' + '11'.repeat(64) }, /^ecPublicKey: expected an uncompressed secp256k1 point/],
				[{ name: 'x', blsPublicKey: keys.blsPublicKey, ecPublicKey: Buffer.from(keys.ecPublicKey, 'hex').toString('base64') }, /^ecPublicKey: expected 130 lowercase hex/],
				[{ blsPublicKey: keys.blsPublicKey, ecPublicKey: keys.ecPublicKey }, /^name: expected a non-empty string/],
			];
			for (const [body, reason] of cases) {
				const res = await partnerSend(partner, 'POST', `${sb.urls.partner}/coreclient/init`, JSON.stringify(body));
				assert.equal(res.status, 400, res.text);
				assert.ok(isQredoError(res.json, 400));
				assert.match(res.json.detail.reason, reason);
			}
		});

		it('refuses a BLS key that is already registered', async () => {
			const res = await partnerSend(partner, 'POST', `${sb.urls.partner}/coreclient/init`, JSON.stringify({ name: 'dup', blsPublicKey: agent.keys.blsPublicKey, ecPublicKey: agent.keys.ecPublicKey }));
			assert.equal(res.status, 409);
		});
	});

	describe('POST /coreclient/finish (x-api-zkp, BLS-signed IDDoc)', () => {
		it('refuses an IDDoc signature by another key or over other bytes, then accepts the right one once', async () => {
			const pending = await registerAgent(sb, partner, 'finisher', false);
			const other = generateKeys();
			const wrongKey = await finishAgent(sb, pending, blsSignHex(other.blsPrivateKey, Buffer.from(pending.idDoc, 'hex')));
			assert.equal(wrongKey.status, 400);
			assert.match(wrongKey.json.detail.reason, /^idDocSignatureHex: expected a BLS signature of the hex-decoded idDoc/);
			const wrongBytes = await finishAgent(sb, pending, blsSignHex(pending.keys.blsPrivateKey, Buffer.from(pending.idDoc, 'utf8')));
			assert.equal(wrongBytes.status, 400);
			const short = await finishAgent(sb, pending, blsSignHex(pending.keys.blsPrivateKey, Buffer.from(pending.idDoc, 'hex')).slice(0, 96));
			assert.match(short.json.detail.reason, /^idDocSignatureHex: expected 98 lowercase hex/);

			const ok = await finishAgent(sb, pending);
			assert.equal(ok.status, 200, ok.text);
			assert.equal(ok.json.feed, sb.urls.agentFeed);
			const again = await finishAgent(sb, pending);
			assert.equal(again.status, 409);
		});

		it('keeps an unfinished agent out of actions and the feed (403)', async () => {
			const pending = await registerAgent(sb, partner, 'unfinished', false);
			const res = await getAction('whatever', pending);
			assert.equal(res.status, 403);
			assert.match(res.json.detail.reason, /completed \/coreclient\/finish/);
			const refused = await refusedFeed(sb.urls.agentFeed, { 'x-api-zkp': zkp(pending) });
			assert.equal(refused.status, 403);
		});
	});

	describe('x-api-zkp verification', () => {
		// Auth runs before the route: an unknown action ID gives 404 only when the token is valid.
		const probe = (header: string | undefined) => send('GET', actionUrl('no-such-action'), header === undefined ? {} : { 'x-api-zkp': header });
		const assertUnauthorized = async (header: string | undefined, reason: RegExp) => {
			const res = await probe(header);
			assert.equal(res.status, 401, res.text);
			assert.ok(isQredoError(res.json, 401));
			assert.match(res.json.detail.reason, reason);
		};

		it('accepts a fresh valid token', async () => {
			assert.equal((await probe(zkp(agent))).status, 404);
		});

		it('refuses a missing header', () => assertUnauthorized(undefined, /^x-api-zkp: expected the M-Pin one-pass token header/));

		it('refuses ET outside the time bound, either side', async () => {
			await assertUnauthorized(zkp(agent, nowS() - 31), /^x-api-zkp: ET: expected within 30 s/);
			await assertUnauthorized(zkp(agent, nowS() + 31), /^x-api-zkp: ET: expected within 30 s/);
		});

		it('refuses a token whose ET was changed after it was computed (y no longer matches)', async () => {
			await assertUnauthorized(editZkp(zkp(agent), (t) => ({ ...t, ET: (t.ET as number) - 1 })), /does not verify/);
		});

		it('refuses a tampered V and a tampered U (valid points taken from another token)', async () => {
			const other = JSON.parse(Buffer.from(zkp(agent), 'hex').toString('utf8'));
			await assertUnauthorized(editZkp(zkp(agent), (t) => ({ ...t, V: other.V })), /does not verify/);
			await assertUnauthorized(editZkp(zkp(agent), (t) => ({ ...t, U: other.U })), /does not verify/);
		});

		it('refuses V that is not a curve point', async () => {
			await assertUnauthorized(
				editZkp(zkp(agent), (t) => {
					const v = Buffer.from(t.V as string, 'base64');
					v[50] ^= 1;
					return { ...t, V: v.toString('base64') };
				}),
				/U, V: expected uncompressed BLS12-381 G1 points/,
			);
		});

		it('refuses a token made with another identity\'s client secret', async () => {
			const other = await registerAgent(sb, partner, 'other-secret');
			await assertUnauthorized(zkp({ clientID: agent.clientID, clientSecret: other.clientSecret }), /does not verify/);
		});

		it('refuses an unknown identity', async () => {
			const id = Buffer.from(JSON.stringify({ id: 'nobody', curve: 'BLS381', created: 1 })).toString('hex');
			await assertUnauthorized(zkp({ clientID: id, clientSecret: agent.clientSecret }), /^x-api-zkp: ID: .*unknown identity/);
		});

		it('refuses uppercase hex, reordered keys, base64url fields and a string ET', async () => {
			await assertUnauthorized(zkp(agent).toUpperCase(), /lowercase hex/);
			await assertUnauthorized(editZkp(zkp(agent), (t) => ({ ET: t.ET, ID: t.ID, U: t.U, V: t.V })), /keys ID, ET, U, V in that order/);
			await assertUnauthorized(editZkp(zkp(agent), (t) => ({ ...t, ID: Buffer.from(t.ID as string, 'base64').toString('base64url') })), /ID: expected standard base64/);
			await assertUnauthorized(editZkp(zkp(agent), (t) => ({ ...t, ET: String(t.ET) })), /ET: expected Unix seconds as a JSON number/);
		});

		it('refuses a replayed token', async () => {
			const header = zkp(agent);
			assert.equal((await probe(header)).status, 404);
			await assertUnauthorized(header, /already used/);
		});

		it('guards the feed upgrade too', async () => {
			const refused = await refusedFeed(sb.urls.agentFeed, { 'x-api-zkp': zkp(agent, nowS() - 120) });
			assert.equal(refused.status, 401);
			assert.match(refused.json?.detail.reason ?? '', /ET/);
		});
	});

	describe('approval flow', () => {
		it('init → finish → feed frame → GET messages → PUT signatures → approved, logged as verified', async () => {
			const feed = await openFeed(sb.urls.agentFeed, { 'x-api-zkp': zkp(agent) });
			try {
				const tx = await newTransfer(2500);
				const frame = await feed.nextJson();
				assert.deepEqual(Object.keys(frame), ['id', 'coreClientID', 'type', 'status', 'timestamp', 'expireTime']);
				assert.equal(frame.coreClientID, agent.id);
				assert.equal(frame.type, 'ApproveTransfer');
				assert.equal(frame.status, 'pending');
				assert.ok(Number.isInteger(frame.timestamp) && Number.isInteger(frame.expireTime) && frame.expireTime > frame.timestamp);
				assert.notEqual(frame.id, tx.txId);
				assert.equal(frame.id, tx.actions[0].actionId);

				const got = await getAction(frame.id);
				assert.equal(got.status, 200);
				assert.deepEqual(Object.keys(got.json), ['messages']);
				assert.equal(got.json.messages.length, 2);
				assert.notEqual(got.json.messages[0], got.json.messages[1]);

				const put = await putSignatures(frame.id, signAll(got.json.messages));
				assert.equal(put.status, 200, put.text);
				const update = await feed.nextJson();
				assert.equal(update.id, frame.id);
				assert.equal(update.status, 'approved');

				const state = (await admin(sb, 'GET', `/transactions/${tx.txId}`)).json;
				assert.equal(state.txStatus, 'approved_transfer');
				const log = (await admin(sb, 'GET', `/decisions?actionId=${frame.id}`)).json.decisions;
				assert.equal(log.length, 1);
				assert.equal(log[0].verified, true);
				assert.equal(log[0].member, agent.id);
				assert.equal(log[0].memberKind, 'agent');
				assert.equal(log[0].protocol, 'v1');
				assert.equal(log[0].decision, 'approve');
				assert.equal(log[0].txId, tx.txId);
				assert.deepEqual(log[0].signatures, signAll(got.json.messages));
			} finally {
				feed.close();
			}
		});

		it('withdrawals carry three messages', async () => {
			const ethWallet = fund.wallets[0];
			const tx = (await admin(sb, 'POST', '/transactions', { type: 'withdraw', walletId: ethWallet.walletId, amount: 5_000_000, recipient: '0x84ce2138e54b1852689132fd73ddc4d3973a44b8' })).json;
			const got = await getAction(tx.actions[0].actionId);
			assert.equal(got.json.messages.length, 3);
			assert.equal(tx.actions[0].type, 'ApproveWithdraw');
		});

		it('refuses wrong key, wrong message order, short, tampered, uppercase and missing signatures; logs each as not verified', async () => {
			const tx = await newTransfer();
			const actionId = tx.actions[0].actionId;
			const { messages } = (await getAction(actionId)).json;
			const good = signAll(messages);
			const other = generateKeys();
			const tampered = good[1].slice(0, 10) + (good[1][10] === 'a' ? 'b' : 'a') + good[1].slice(11);
			const cases: Array<[unknown[], RegExp]> = [
				[signAll(messages, other.blsPrivateKey), /^signatures\[0\]: expected a BLS signature of messages\[0\] by the approver's registered BLS key/],
				[[good[1], good[0]], /^signatures\[0\]: expected a BLS signature of messages\[0\]/],
				[[good[0], good[0]], /^signatures\[1\]: expected a BLS signature of messages\[1\]/],
				[[good[0], tampered], /^signatures\[1\]/],
				[[good[0].slice(0, 96), good[1]], /^signatures\[0\]: expected 98 lowercase hex characters/],
				[[good[0].toUpperCase(), good[1]], /^signatures\[0\]: expected 98 lowercase hex characters/],
				[[good[0]], /^signatures: expected 2 signatures, one per message, in order/],
				[[], /^signatures: expected 2 signatures/],
			];
			for (const [signatures, reason] of cases) {
				const res = await putSignatures(actionId, signatures);
				assert.equal(res.status, 400, res.text);
				assert.ok(isQredoError(res.json, 400));
				assert.match(res.json.detail.reason, reason);
			}
			const log = (await admin(sb, 'GET', `/decisions?actionId=${actionId}`)).json.decisions;
			assert.equal(log.length, cases.length);
			assert.ok(log.every((d: { verified: boolean; error?: string }) => d.verified === false && d.error));
			assert.equal((await admin(sb, 'GET', `/transactions/${tx.txId}`)).json.status, 'pending');

			assert.equal((await putSignatures(actionId, good)).status, 200);
			const again = await putSignatures(actionId, good);
			assert.equal(again.status, 409);
			assert.match(again.json.detail.reason, /^action: already approved/);
		});

		it('refuses a body that is not {"signatures":[…]}', async () => {
			const tx = await newTransfer();
			const res = await send('PUT', actionUrl(tx.actions[0].actionId), { 'x-api-zkp': zkp(agent), 'content-type': 'application/json' }, JSON.stringify({ signature: [] }));
			assert.equal(res.status, 400);
			assert.match(res.json.detail.reason, /^signatures: expected an array/);
		});

		it('hides another agent\'s actions (404)', async () => {
			const tx = await newTransfer();
			const stranger = await registerAgent(sb, partner, 'stranger');
			assert.equal((await getAction(tx.actions[0].actionId, stranger)).status, 404);
			assert.equal((await putSignatures(tx.actions[0].actionId, [], stranger)).status, 404);
		});

		it('DELETE rejects (no body allowed); the transaction is custody-rejected and cannot be approved after', async () => {
			const tx = await newTransfer();
			const actionId = tx.actions[0].actionId;
			const withBody = await send('DELETE', actionUrl(actionId), { 'x-api-zkp': zkp(agent), 'content-type': 'application/json' }, '{}');
			assert.equal(withBody.status, 400);
			assert.match(withBody.json.detail.reason, /^body: expected no body/);
			const res = await send('DELETE', actionUrl(actionId), { 'x-api-zkp': zkp(agent) });
			assert.equal(res.status, 200, res.text);
			assert.equal((await admin(sb, 'GET', `/transactions/${tx.txId}`)).json.txStatus, 'custody_rejected_transfer');
			const { messages } = (await getAction(actionId)).json;
			assert.equal((await putSignatures(actionId, signAll(messages))).status, 409);
			const [rejectEntry, lateApproval] = (await admin(sb, 'GET', `/decisions?actionId=${actionId}`)).json.decisions.slice(-2);
			assert.equal(rejectEntry.decision, 'reject');
			assert.equal(rejectEntry.verified, null);
			assert.equal(rejectEntry.error, undefined);
			assert.equal(lateApproval.decision, 'approve');
			assert.equal(lateApproval.verified, null);
			assert.match(lateApproval.error, /^action: already rejected/);
		});

		it('replays pending actions to a feed client that connects later', async () => {
			const tx = await newTransfer();
			const feed = await openFeed(sb.urls.agentFeed, { 'x-api-zkp': zkp(agent) });
			try {
				const ids: string[] = [];
				for (;;) {
					const frame = await feed.nextJson();
					ids.push(frame.id);
					if (frame.id === tx.actions[0].actionId) break;
				}
				assert.ok(ids.includes(tx.actions[0].actionId));
			} finally {
				feed.close();
			}
		});
	});
});

describe('sandbox: v1 action expiry (injected clock)', () => {
	it('expires the action and the transaction; a late approval gets 410', async () => {
		const clock = testClock();
		const sb = await startSandbox({ clock, sweepIntervalMs: 50 });
		try {
			const partner = await newPartnerIdentity(sb);
			const keys = generateKeys();
			const init = await partnerSend(partner, 'POST', `${sb.urls.partner}/coreclient/init`, JSON.stringify({ name: 'clocked', blsPublicKey: keys.blsPublicKey, ecPublicKey: keys.ecPublicKey }), { timestamp: clock.seconds() });
			assert.equal(init.status, 200, init.text);
			const agent: AgentIdentity = { id: init.json.id, clientID: init.json.clientID, clientSecret: init.json.clientSecret, keys, idDoc: init.json.idDoc };
			const finish = await send('POST', `${sb.urls.partner}/coreclient/finish`, { 'x-api-zkp': zkp(agent, clock.seconds()), 'content-type': 'application/json' }, JSON.stringify({ idDocSignatureHex: blsSignHex(keys.blsPrivateKey, Buffer.from(agent.idDoc, 'hex')) }));
			assert.equal(finish.status, 200, finish.text);
			const companyId = (await admin(sb, 'POST', '/companies', { name: 'Clock Co' })).json.companyId;
			const fund = await newFund(sb, companyId, [agent.id], 1);
			const target = await newFund(sb, companyId, [agent.id], 1);
			const feed = await openFeed(sb.urls.agentFeed, { 'x-api-zkp': zkp(agent, clock.seconds()) });
			const tx = (await admin(sb, 'POST', '/transactions', { type: 'transfer', walletId: fund.wallets[0].walletId, amount: 10, recipient: target.wallets[0].walletId, expiresInSeconds: 60 })).json;
			const actionId = tx.actions[0].actionId;
			assert.equal((await feed.nextJson()).status, 'pending');
			const { messages } = (await send('GET', `${sb.urls.partner}/coreclient/action/${actionId}`, { 'x-api-zkp': zkp(agent, clock.seconds()) })).json;

			clock.advance(61_000);
			const expiredFrame = await feed.nextJson();
			assert.equal(expiredFrame.id, actionId);
			assert.equal(expiredFrame.status, 'expired');
			feed.close();

			const late = await send(
				'PUT',
				`${sb.urls.partner}/coreclient/action/${actionId}`,
				{ 'x-api-zkp': zkp(agent, clock.seconds()), 'content-type': 'application/json' },
				JSON.stringify({ signatures: messages.map((m: string) => blsSignHex(keys.blsPrivateKey, Buffer.from(m, 'hex'))) }),
			);
			assert.equal(late.status, 410, late.text);
			assert.match(late.json.detail.reason, /^action: expired at /);
			assert.equal((await admin(sb, 'GET', `/transactions/${tx.txId}`)).json.txStatus, 'expired_transfer');
		} finally {
			await sb.stop();
		}
	});
});
