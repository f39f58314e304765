/**
 * Custody governance over real sockets: a 2-of-3 group of a v1 agent, a v2 API key and a simulated human;
 * approve and reject paths, closed actions, balances, authorize_id, expiry, reset.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from '../../../packages/cli/sandbox/server';
import {
	admin,
	type AgentIdentity,
	blsSignHex,
	newFund,
	newPartnerIdentity,
	newV2Identity,
	openFeed,
	registerAgent,
	send,
	testClock,
	type V2Identity,
	zkp,
} from './helpers';

describe('sandbox: custody thresholds', () => {
	let sb: RunningSandbox;
	let agent: AgentIdentity;
	let apiKey: V2Identity;
	let humanId: string;
	let companyId: string;
	let fund: Awaited<ReturnType<typeof newFund>>;
	let target: Awaited<ReturnType<typeof newFund>>;

	const agentApprove = async (actionId: string) => {
		const { messages } = (await send('GET', `${sb.urls.partner}/coreclient/action/${actionId}`, { 'x-api-zkp': zkp(agent) })).json;
		return send(
			'PUT',
			`${sb.urls.partner}/coreclient/action/${actionId}`,
			{ 'x-api-zkp': zkp(agent), 'content-type': 'application/json' },
			JSON.stringify({ signatures: messages.map((m: string) => blsSignHex(agent.keys.blsPrivateKey, Buffer.from(m, 'hex'))) }),
		);
	};
	const actionOf = (tx: { actions: Array<{ member: string; actionId: string }> }, member: string) => tx.actions.find((a) => a.member === member)?.actionId as string;
	const txState = async (txId: string) => (await admin(sb, 'GET', `/transactions/${txId}`)).json;
	const walletBalance = async (walletId: string) => {
		const state = (await admin(sb, 'GET', '/state')).json;
		for (const f of state.funds) for (const w of f.wallets) if (w.walletId === walletId) return w;
		throw new Error('wallet not found');
	};
	const transfer = async (amount: number, extra: Record<string, unknown> = {}) => {
		const res = await admin(sb, 'POST', '/transactions', { type: 'transfer', walletId: fund.wallets[0].walletId, amount, recipient: target.wallets[0].shortCode, ...extra });
		assert.equal(res.status, 201, res.text);
		return res.json;
	};

	before(async () => {
		sb = await startSandbox();
		const partner = await newPartnerIdentity(sb);
		agent = await registerAgent(sb, partner, 'gov-agent');
		apiKey = await newV2Identity(sb);
		humanId = (await admin(sb, 'POST', '/humans', { name: 'Hannah Human' })).json.humanId;
		companyId = (await admin(sb, 'POST', '/companies', { name: 'Gov Co' })).json.companyId;
		fund = await newFund(sb, companyId, [agent.id, apiKey.keyId, humanId], 2);
		target = await newFund(sb, companyId, [humanId], 1, [{ asset: 'ETH', balance: 0 }]);
	});
	after(() => sb.stop());

	it('opens one action per member, each on its own feed', async () => {
		const agentFeed = await openFeed(sb.urls.agentFeed, { 'x-api-zkp': zkp(agent) });
		const keyFeed = await openFeed(sb.urls.v2Feed, { 'x-token': apiKey.token });
		try {
			const tx = await transfer(1000);
			assert.equal(tx.actions.length, 3);
			assert.equal(new Set(tx.actions.map((a: { actionId: string }) => a.actionId)).size, 3);
			assert.equal((await agentFeed.nextJson()).id, actionOf(tx, agent.id));
			assert.equal((await keyFeed.nextJson()).id, actionOf(tx, apiKey.keyId));
			const humanActions = (await admin(sb, 'GET', `/actions?member=${humanId}&txId=${tx.txId}`)).json.actions;
			assert.equal(humanActions.length, 1);
			assert.equal(humanActions[0].protocol, 'human');
		} finally {
			agentFeed.close();
			keyFeed.close();
		}
	});

	it('2-of-3: one approval keeps it pending; the second approves; the third member\'s action closes (409)', async () => {
		const before = await walletBalance(fund.wallets[0].walletId);
		const targetBefore = await walletBalance(target.wallets[0].walletId);
		const keyFeed = await openFeed(sb.urls.v2Feed, { 'x-token': apiKey.token });
		try {
			const tx = await transfer(2_000_000);
			const keyActionId = actionOf(tx, apiKey.keyId);
			while ((await keyFeed.nextJson()).id !== keyActionId);
			assert.equal((await walletBalance(fund.wallets[0].walletId)).pendingOut, before.pendingOut + 2_000_000);

			assert.equal((await agentApprove(actionOf(tx, agent.id))).status, 200);
			let state = await txState(tx.txId);
			assert.equal(state.txStatus, 'pending_transfer');
			assert.deepEqual(state.approvals, [agent.id]);

			const human = await admin(sb, 'POST', `/actions/${actionOf(tx, humanId)}/approve`);
			assert.equal(human.status, 200, human.text);
			state = await txState(tx.txId);
			assert.equal(state.txStatus, 'approved_transfer');
			assert.deepEqual(state.approvals, [agent.id, humanId]);

			const closed = await keyFeed.nextJson();
			assert.equal(closed.id, keyActionId);
			assert.equal(closed.status, 5);
			const late = await send('GET', `${sb.urls.v2}/actions/${keyActionId}`, { 'x-token': apiKey.token });
			const signature = blsSignHex(apiKey.keys.blsPrivateKey, Buffer.from(late.json.messages[0], 'hex'));
			const post = await send('POST', `${sb.urls.v2}/actions/${keyActionId}`, { 'x-token': apiKey.token, 'content-type': 'application/json' }, JSON.stringify({ status: 3, signatures: [signature] }));
			assert.equal(post.status, 409);
			assert.match(post.json.detail.reason, /no longer pending \(transaction .* is approved_transfer\)/);

			const after = await walletBalance(fund.wallets[0].walletId);
			assert.equal(after.balance, before.balance - 2_000_000);
			assert.equal(after.pendingOut, before.pendingOut);
			assert.equal((await walletBalance(target.wallets[0].walletId)).balance, targetBefore.balance + state.netAmount);

			const decisions = (await admin(sb, 'GET', `/decisions?txId=${tx.txId}`)).json.decisions;
			const human0 = decisions.find((d: { member: string }) => d.member === humanId);
			assert.equal(human0.protocol, 'human');
			assert.equal(human0.verified, true);
			assert.equal(human0.signatures.length, 1);
		} finally {
			keyFeed.close();
		}
	});

	it('one reject rejects the transaction and releases the reserved amount', async () => {
		const before = await walletBalance(fund.wallets[0].walletId);
		const tx = await transfer(3000);
		assert.equal((await agentApprove(actionOf(tx, agent.id))).status, 200);
		assert.equal((await admin(sb, 'POST', `/actions/${actionOf(tx, humanId)}/reject`)).status, 200);
		const state = await txState(tx.txId);
		assert.equal(state.txStatus, 'custody_rejected_transfer');
		assert.deepEqual(state.rejections, [humanId]);
		const after = await walletBalance(fund.wallets[0].walletId);
		assert.equal(after.balance, before.balance);
		assert.equal(after.pendingOut, before.pendingOut);
		assert.equal((await agentApprove(actionOf(tx, agent.id))).status, 409);
	});

	it('the admin API decides only for simulated humans, and only once', async () => {
		const tx = await transfer(10);
		const notHuman = await admin(sb, 'POST', `/actions/${actionOf(tx, agent.id)}/approve`);
		assert.equal(notHuman.status, 400);
		assert.match(notHuman.json.detail.reason, /simulated human \(this one belongs to a agent\)/);
		assert.equal((await admin(sb, 'POST', `/actions/${actionOf(tx, humanId)}/approve`)).status, 200);
		const twice = await admin(sb, 'POST', `/actions/${actionOf(tx, humanId)}/approve`);
		assert.equal(twice.status, 409);
		assert.equal((await admin(sb, 'POST', '/actions/nope/approve')).status, 404);
	});

	it('authorize_id: the authoriser decides first, then the custody group is asked', async () => {
		const tx = await transfer(10, { authorizeId: agent.id });
		assert.equal(tx.txStatus, 'pending_initiate_transfer');
		assert.equal(tx.actions.length, 1);
		assert.equal(tx.actions[0].stage, 'initiate');
		assert.equal((await agentApprove(tx.actions[0].actionId)).status, 200);
		const state = await txState(tx.txId);
		assert.equal(state.txStatus, 'pending_transfer');
		assert.equal(state.actions.length, 4);

		const refused = await transfer(10, { authorizeId: humanId });
		assert.equal((await admin(sb, 'POST', `/actions/${refused.actions[0].actionId}/reject`)).status, 200);
		assert.equal((await txState(refused.txId)).txStatus, 'initiate_rejected_transfer');
	});

	it('validates transactions: available balance, same wallet, unknown recipient, whitelist', async () => {
		const tooMuch = await admin(sb, 'POST', '/transactions', { type: 'transfer', walletId: fund.wallets[0].walletId, amount: 10 ** 15, recipient: target.wallets[0].walletId });
		assert.equal(tooMuch.status, 400);
		assert.match(tooMuch.json.detail.reason, /^send.amount: expected at most the available balance/);
		const self = await admin(sb, 'POST', '/transactions', { type: 'transfer', walletId: fund.wallets[0].walletId, amount: 1, recipient: fund.wallets[0].walletId });
		assert.match(self.json.detail.reason, /^counterparty_wallet_address: expected a wallet other than wallet_id/);
		const unknown = await admin(sb, 'POST', '/transactions', { type: 'transfer', walletId: fund.wallets[0].walletId, amount: 1, recipient: 'nowhere' });
		assert.match(unknown.json.detail.reason, /^counterparty_wallet_address: expected the ID or short code of a Qredo wallet/);
		const notListed = await admin(sb, 'POST', '/transactions', { type: 'withdraw', walletId: fund.wallets[0].walletId, amount: 1, recipient: '0x0000000000000000000000000000000000000001', checkWhitelist: true });
		assert.match(notListed.json.detail.reason, /^address: expected an address on the fund whitelist/);
	});

	it('reset forgets transactions, actions and decisions and restores balances; identities keep working', async () => {
		await transfer(77);
		const res = await admin(sb, 'POST', '/reset');
		assert.equal(res.status, 200);
		assert.deepEqual((await admin(sb, 'GET', '/transactions')).json.transactions, []);
		assert.deepEqual((await admin(sb, 'GET', '/decisions')).json.decisions, []);
		const wallet = await walletBalance(fund.wallets[0].walletId);
		assert.equal(wallet.pendingOut, 0);
		assert.equal((await send('GET', `${sb.urls.partner}/coreclient/action/none`, { 'x-api-zkp': zkp(agent) })).status, 404);
	});
});

describe('sandbox: expiry of pending transactions (injected clock)', () => {
	it('expires, closes every action, and refuses late human decisions with 410', async () => {
		const clock = testClock();
		const sb = await startSandbox({ clock, actionTtlSeconds: 120 });
		try {
			const humanId = (await admin(sb, 'POST', '/humans', {})).json.humanId;
			const companyId = (await admin(sb, 'POST', '/companies', { name: 'Expiry Co' })).json.companyId;
			const fund = await newFund(sb, companyId, [humanId], 1);
			const target = await newFund(sb, companyId, [humanId], 1);
			const tx = (await admin(sb, 'POST', '/transactions', { type: 'transfer', walletId: fund.wallets[0].walletId, amount: 5, recipient: target.wallets[0].walletId })).json;
			assert.equal(tx.expires, clock.seconds() + 120);
			clock.advance(121_000);
			const late = await admin(sb, 'POST', `/actions/${tx.actions[0].actionId}/approve`);
			assert.equal(late.status, 410);
			const state = (await admin(sb, 'GET', `/transactions/${tx.txId}`)).json;
			assert.equal(state.txStatus, 'expired_transfer');
			assert.equal(state.actions[0].status, 'expired');
		} finally {
			await sb.stop();
		}
	});
});
