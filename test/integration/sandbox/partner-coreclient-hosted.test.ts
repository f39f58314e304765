/**
 * Qredo-hosted core clients on the Partner API against the sandbox over real sockets (§3.1, §4.1): create and list,
 * their actions (list, details, approve and reject with Qredo signing server side), the hosted feed, the wallets
 * they govern, BLS sign / verify; and action details of a self-hosted agent registered with the same key.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { blsVerify } from '../../../lib/crypto/bls';
import type { SandboxCredentials } from '../../../packages/cli/sandbox/seed';
import { type RunningSandbox, startSandbox } from '../../../packages/cli/sandbox/server';
import { admin, type Feed, newPartnerIdentity, openFeed, partnerHeaders, type PartnerIdentity, partnerSend, refusedFeed, assertQredoError as assertError } from './helpers';

let sb: RunningSandbox;
let creds: SandboxCredentials;
let demo: PartnerIdentity;
let stranger: PartnerIdentity;
let companyPath: string;
let hosted: { id: string; name: string; feed: string; timestamp: number };
let fundWallet: string;

const call = (method: string, path: string, body?: unknown, who: PartnerIdentity = demo) =>
	partnerSend(who, method, `${sb.urls.partner}${path}`, body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));

const inTenMinutes = () => Math.floor(Date.now() / 1000) + 600;
const txInfo = async (txId: string) => (await call('GET', `${companyPath}/transfer/${txId}`)).json;
const transferFrom = async (walletId: string, amount = 1000): Promise<string> => {
	const res = await call('POST', `${companyPath}/transfer`, { wallet_id: walletId, counterparty_wallet_address: creds.operationsFund.wallets.ETH, expires: inTenMinutes(), send: { symbol: 'ETH', amount } });
	assert.equal(res.status, 200, res.text);
	return res.json.tx_id;
};
/** The Partner-API-level feed upgrade carries the RSA headers over the ws:// URL (§1.3). */
const openHostedFeed = (url: string, who: PartnerIdentity = demo): Promise<Feed> => openFeed(url, partnerHeaders(who, url, ''));

before(async () => {
	sb = await startSandbox({ seed: 'demo', fundCreationIntervalMs: 100 });
	creds = sb.credentials as SandboxCredentials;
	demo = { apiKey: creds.partnerApi.apiKey, privateKey: creds.partnerApi.privateKeyPem };
	stranger = await newPartnerIdentity(sb);
	companyPath = `/company/${creds.company.id}`;
});
after(() => sb.stop());

describe('hosted core clients', () => {
	it('creates hosted core clients and lists them per API key', async () => {
		const created = await call('POST', '/coreclient', { name: 'hosted-1' });
		assert.equal(created.status, 200, created.text);
		hosted = created.json;
		assert.equal(hosted.name, 'hosted-1');
		assert.equal(hosted.feed, `${sb.url.replace(/^http/, 'ws')}/api/v1/p/coreclient/${hosted.id}/feed`);
		assert.equal(typeof hosted.timestamp, 'number');
		assert.deepEqual((await call('GET', '/coreclient')).json, { count: 1, clients: [hosted] });
		assert.deepEqual((await call('GET', '/coreclient', undefined, stranger)).json, { count: 0, clients: [] });
		assertError(await call('POST', '/coreclient', { name: 'hosted-1' }), 409, 'name');
		assertError(await call('POST', '/coreclient', {}), 400, 'name');
	});

	it('a hosted client joins a custody group as a trusted party and approves with PUT (no body): Qredo signs', async () => {
		const [alice] = creds.humans;
		assert.equal((await call('POST', `${companyPath}/trustedparty`, { address: hosted.id })).status, 200);
		const group = { threshold: 2, members: [hosted.id, alice.id] };
		const fund = await call('POST', `${companyPath}/fund`, { name: 'Hosted fund', custodygroup_withdraw: group, custodygroup_tx: group, wallets: [{ asset: 'ETH' }] });
		assert.equal(fund.status, 200, fund.text);
		fundWallet = (await call('GET', `${companyPath}/fund/${fund.json.fund_id}`)).json.wallets[0].wallet_id;
		await admin(sb, 'POST', `/wallets/${fundWallet}/deposit`, { amount: 1_000_000_000 });

		const txId = await transferFrom(fundWallet);
		const actions = (await call('GET', `/coreclient/${hosted.id}/actions`)).json;
		assert.equal(actions.count, 1);
		const [summary] = actions.actions;
		assert.deepEqual(Object.keys(summary).sort(), ['expireTime', 'id', 'status', 'timestamp', 'type']);
		assert.equal(summary.type, 'ApproveTransfer');
		assert.equal(summary.status, 'pending');

		const details = (await call('GET', `/coreclient/${hosted.id}/action/${summary.id}`)).json;
		assert.equal(details.id, summary.id);
		assert.equal(details.coreClientID, hosted.id);
		assert.equal(details.details.txID, txId);
		assert.equal(details.details.txType, 'transfer');
		assert.equal(details.details.netAmount, 1000);
		assert.equal(details.details.recipientID, creds.operationsFund.wallets.ETH);
		assert.equal(details.details.companyID, creds.company.id);
		assert.ok(!('recipientAddress' in details.details), 'transfers carry recipientID/recipientName');

		// The hosted feed replays pending actions on connect, with `clientID` (§4.1, PAS).
		const feed = await openHostedFeed(hosted.feed);
		try {
			const replayed = await feed.nextJson();
			assert.deepEqual(replayed, { id: summary.id, clientID: hosted.id, type: 'ApproveTransfer', status: 'pending', timestamp: summary.timestamp, expireTime: summary.expireTime });

			assertError(await call('PUT', `/coreclient/${hosted.id}/action/${summary.id}`, { signatures: [] }), 400, 'body');
			const approved = await call('PUT', `/coreclient/${hosted.id}/action/${summary.id}`);
			assert.deepEqual(approved.json, { code: 200, msg: 'OK' });
			assert.equal((await feed.nextJson()).status, 'approved');
		} finally {
			feed.close();
		}
		const decisions = (await admin(sb, 'GET', `/decisions?actionId=${summary.id}`)).json.decisions;
		assert.equal(decisions.length, 1);
		assert.equal(decisions[0].verified, true, 'the server-side signatures verify against the client key');
		assert.equal(decisions[0].signatures.length, 2, 'one per message (v1)');

		let info = await txInfo(txId);
		assert.equal(info.tx_status, 'pending_transfer');
		await admin(sb, 'POST', `/actions/${info.status.find((s: { user_id: string }) => s.user_id === alice.id).action_id}/approve`);
		info = await txInfo(txId);
		assert.equal(info.tx_status, 'approved_transfer');
		assertError(await call('PUT', `/coreclient/${hosted.id}/action/${summary.id}`), 409, 'action');
	});

	it('rejects with DELETE (no body)', async () => {
		const txId = await transferFrom(fundWallet);
		const pending = (await call('GET', `/coreclient/${hosted.id}/actions`)).json.actions.find((a: { status: string }) => a.status === 'pending');
		const rejected = await call('DELETE', `/coreclient/${hosted.id}/action/${pending.id}`);
		assert.equal(rejected.status, 200, rejected.text);
		assert.equal((await txInfo(txId)).tx_status, 'custody_rejected_transfer');
	});

	it('lists the wallets the client governs', async () => {
		const res = await call('GET', `/coreclient/${hosted.id}/wallets`);
		assert.deepEqual(res.json.wallets, [{ wallet_id: fundWallet, action_id: '', status: 'approved', expires: 0 }]);
		assertError(await call('GET', `/coreclient/${hosted.id}/wallets`, undefined, stranger), 404, 'client_id');
	});

	it('keeps one API key away from another key’s clients and actions', async () => {
		const [first] = (await call('GET', `/coreclient/${hosted.id}/actions`)).json.actions;
		assertError(await call('GET', `/coreclient/${hosted.id}/actions`, undefined, stranger), 404, 'client_id');
		assertError(await call('GET', `/coreclient/${hosted.id}/action/${first.id}`, undefined, stranger), 404, 'client_id');
		assertError(await call('PUT', `/coreclient/${hosted.id}/action/${first.id}`, undefined, stranger), 404, 'client_id');
		assertError(await call('GET', `/coreclient/${hosted.id}/action/unknown`), 404, 'action_id');
		const refused = await refusedFeed(hosted.feed, { 'x-api-key': demo.apiKey, 'x-timestamp': String(Math.floor(Date.now() / 1000)), 'x-sign': 'AAAA' });
		assert.equal(refused.status, 401);
		const foreign = await openHostedFeed(hosted.feed, stranger);
		assert.equal((await foreign.waitClosed()).code, 4404);
	});
});

describe('self-hosted agent actions through the Partner API', () => {
	it('GET details works for an agent registered with the same key; approving there is the agent’s own job', async () => {
		const txId = await transferFrom(creds.fund.wallets.ETH);
		const info = await txInfo(txId);
		const actionId = info.status.find((s: { user_id: string }) => s.user_id === creds.agent.id).action_id;
		const details = await call('GET', `/coreclient/${creds.agent.id}/action/${actionId}`);
		assert.equal(details.status, 200, details.text);
		assert.equal(details.json.details.txID, txId);
		assert.equal(details.json.type, 'ApproveTransfer');
		assertError(await call('GET', `/coreclient/${creds.agent.id}/action/${actionId}`, undefined, stranger), 404, 'client_id');
		assertError(await call('PUT', `/coreclient/${creds.agent.id}/action/${actionId}`), 403, 'client_id');
		assertError(await call('GET', `/coreclient/${creds.agent.id}/actions`), 404, 'client_id');
		// An action of another member is not the agent's.
		const aliceAction = info.status.find((s: { user_id: string }) => s.user_id === creds.humans[0].id).action_id;
		assertError(await call('GET', `/coreclient/${creds.agent.id}/action/${aliceAction}`), 404, 'action_id');
	});
});

describe('sign and verify', () => {
	const hash = (text: string) => createHash('sha256').update(text).digest('hex');

	it('signs a message hash with the hosted client key; the signature verifies independently and via /verify', async () => {
		const message = hash('hello');
		const signed = await call('POST', `/coreclient/${hosted.id}/sign`, { message_hash_hex: message });
		assert.equal(signed.status, 200, signed.text);
		assert.equal(signed.json.signer_id, hosted.id);
		assert.match(signed.json.signature_hex, /^[0-9a-f]{98}$/);
		const agent = (await admin(sb, 'GET', '/state')).json.agents.find((a: { agentId: string }) => a.agentId === hosted.id);
		assert.ok(blsVerify(Buffer.from(agent.blsPublicKey, 'hex'), Buffer.from(message, 'hex'), Buffer.from(signed.json.signature_hex, 'hex')));

		const valid = await call('POST', '/coreclient/verify', { message_hash_hex: message, signature_hex: signed.json.signature_hex, signer_id: hosted.id });
		assert.deepEqual(valid.json, { code: 200, msg: 'OK' });
		const other = await call('POST', '/coreclient/verify', { message_hash_hex: hash('other'), signature_hex: signed.json.signature_hex, signer_id: hosted.id });
		assertError(other, 403, 'signature_hex');
		assertError(await call('POST', '/coreclient/verify', { message_hash_hex: message, signature_hex: signed.json.signature_hex, signer_id: creds.agent.id }), 403, 'signature_hex');
	});

	it('refuses malformed input, unknown signers and another key’s client', async () => {
		const message = hash('x');
		assertError(await call('POST', `/coreclient/${hosted.id}/sign`, { message_hash_hex: message.toUpperCase() }), 400, 'message_hash_hex');
		assertError(await call('POST', `/coreclient/${hosted.id}/sign`, { message_hash_hex: 'ab'.repeat(65) }), 400, 'message_hash_hex');
		assertError(await call('POST', `/coreclient/${hosted.id}/sign`, {}), 400, 'message_hash_hex');
		assertError(await call('POST', `/coreclient/${hosted.id}/sign`, { message_hash_hex: message }, stranger), 404, 'client_id');
		assertError(await call('POST', '/coreclient/verify', { message_hash_hex: message, signature_hex: 'ab', signer_id: hosted.id }), 400, 'signature_hex');
		assertError(await call('POST', '/coreclient/verify', { message_hash_hex: message, signature_hex: '00'.repeat(49), signer_id: 'nobody' }), 404, 'signer_id');
	});
});
