/** Partner API › Core Client (Qredo-hosted) through the node: create, list, actions, approve/reject, sign, verify. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import { admin, assertApiError, assertInputError, byId, partner, runError, runJson, startWorld, type World } from './support';

describe('Qredo node: Partner API hosted core client', () => {
	let world: World;
	let clientId: string;
	let walletId: string;
	let recipient: string;

	before(async () => {
		world = await startWorld();
		const [client] = await runJson(world, partner('coreClient', 'create', { name: 'node-hosted' }));
		clientId = String(client.id);
		const company = byId(world.seed.company.id);
		await runJson(world, partner('trustedParty', 'add', { companyId: company, partyType: 'agent', agentId: clientId }));
		const [fund] = await runJson(
			world,
			partner('fund', 'create', {
				companyId: company,
				name: 'Hosted Fund',
				withdrawThreshold: 1,
				withdrawMembers: clientId,
				txThreshold: 1,
				txMembers: clientId,
				wallets: { wallet: [{ name: 'Hosted ETH', asset: 'ETH', type: 0 }] },
			}),
		);
		const [details] = await runJson(world, partner('fund', 'get', { companyId: company, fundId: byId(String(fund.fund_id)) }));
		walletId = String((details.wallets as IDataObject[])[0].wallet_id);
		await admin(world, 'POST', `/wallets/${walletId}/deposit`, { amount: 10_000_000 });
		recipient = world.seed.operationsFund.wallets.ETH;
	});
	after(() => world.stop());

	const coreClient = () => byId(clientId);

	async function pendingAction(): Promise<string> {
		await runJson(
			world,
			partner('transfer', 'create', { companyId: byId(world.seed.company.id), walletId, counterpartyWallet: recipient, asset: 'ETH', amount: '1000', expires: '1h' }),
		);
		const actions = await runJson(world, partner('coreClient', 'getManyActions', { coreClientId: coreClient() }));
		const pending = actions.filter((a) => a.status === 'pending');
		assert.ok(pending.length > 0, JSON.stringify(actions));
		return String(pending[pending.length - 1].id);
	}

	it('create: id, name and feed; the same name again is a 409; a blank name is refused', async () => {
		const [client] = await runJson(world, partner('coreClient', 'create', { name: 'node-second' }));
		assert.equal(client.name, 'node-second');
		assert.match(String(client.feed), /^wss?:\/\//);
		assertApiError(await runError(world, partner('coreClient', 'create', { name: 'node-second' })), 409);
		assertInputError(await runError(world, partner('coreClient', 'create', { name: '  ' })), 'Name');
	});

	it('list: one item per hosted client of this key; with a wrong key it is a 401', async () => {
		const clients = await runJson(world, partner('coreClient', 'getAll'));
		assert.ok(clients.some((c) => c.id === clientId));
		const credential = { ...world.credential, partnerApiKey: 'eyJrZXlfaWQiOiJ4Iiwia2V5IjoieCJ9' };
		assertApiError(await runError(world, partner('coreClient', 'getAll'), { credential }), 401, 'errPartnerAuth');
	});

	it('list actions and get action: the pending approval of a transfer; an unknown client is a 404', async () => {
		const actionId = await pendingAction();
		const [action] = await runJson(world, partner('coreClient', 'getAction', { coreClientId: coreClient(), actionId }));
		assert.equal(action.id, actionId);
		assert.equal(action.type, 'ApproveTransfer');
		assert.equal(action.status, 'pending');
		assertApiError(await runError(world, partner('coreClient', 'getManyActions', { coreClientId: byId('NoSuchClient') })), 404);
		assertApiError(await runError(world, partner('coreClient', 'getAction', { coreClientId: coreClient(), actionId: 'NoSuchAction' })), 404);
	});

	it('approve action: the action is approved; approving again is a 409', async () => {
		const actionId = await pendingAction();
		const [approved] = await runJson(world, partner('coreClient', 'approveAction', { coreClientId: coreClient(), actionId }));
		assert.equal(approved.decision, 'approved');
		const [action] = await runJson(world, partner('coreClient', 'getAction', { coreClientId: coreClient(), actionId }));
		assert.equal(action.status, 'approved');
		assertApiError(await runError(world, partner('coreClient', 'approveAction', { coreClientId: coreClient(), actionId })), 409);
	});

	it('reject action: the action is rejected; an unknown action is a 404', async () => {
		const actionId = await pendingAction();
		const [rejected] = await runJson(world, partner('coreClient', 'rejectAction', { coreClientId: coreClient(), actionId }));
		assert.equal(rejected.decision, 'rejected');
		const [action] = await runJson(world, partner('coreClient', 'getAction', { coreClientId: coreClient(), actionId }));
		assert.equal(action.status, 'rejected');
		assertApiError(await runError(world, partner('coreClient', 'rejectAction', { coreClientId: coreClient(), actionId: 'NoSuchAction' })), 404);
	});

	it('sign then verify: valid; a different message is reported invalid (valid: false), not as a failure', async () => {
		const hash = 'a'.repeat(64);
		const [signed] = await runJson(world, partner('coreClient', 'sign', { coreClientId: coreClient(), messageHashHex: `0x${hash.toUpperCase()}` }));
		assert.equal(signed.signer_id, clientId);
		assert.match(String(signed.signature_hex), /^0[23][0-9a-f]{96}$/);
		const verify = (messageHashHex: string) =>
			runJson(world, partner('coreClient', 'verify', { messageHashHex, signatureHex: String(signed.signature_hex), signerId: clientId }));
		assert.equal((await verify(hash))[0].valid, true);
		assert.equal((await verify('b'.repeat(64)))[0].valid, false);
	});

	it('sign refuses non-hex and over-long messages; verify of an unknown signer is a 404', async () => {
		assertInputError(await runError(world, partner('coreClient', 'sign', { coreClientId: coreClient(), messageHashHex: 'xyz' })), 'Message Hash (Hex)');
		assertInputError(await runError(world, partner('coreClient', 'sign', { coreClientId: coreClient(), messageHashHex: 'ab'.repeat(65) })), 'Message Hash (Hex)', 'at most 64');
		const error = await runError(world, partner('coreClient', 'verify', { messageHashHex: 'aa', signatureHex: '02' + '11'.repeat(48), signerId: 'NoSuchSigner' }));
		assertApiError(error, 404);
	});
});
