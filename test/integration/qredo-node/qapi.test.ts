/** Qredo API v1 (HMAC) and v2 (token login) through the node. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import { generateKeys } from '../../../lib/crypto/keys';
import { admin, assertApiError, assertInputError, runError, runJson, startWorld, v1, v2, type World } from './support';

describe('Qredo node: Qredo API v1 and v2', () => {
	let world: World;
	let treasuryEthAddress: string;
	before(async () => {
		world = await startWorld();
		const state = (await admin(world, 'GET', '/state')).json;
		const wallets = (state.funds as IDataObject[]).flatMap((fund) => fund.wallets as IDataObject[]);
		treasuryEthAddress = String(wallets.find((w) => w.walletId === world.seed.fund.wallets.ETH)?.address);
	});
	after(() => world.stop());

	const wrongV1Secret = () => ({ ...world.credential, qapiV1Secret: Buffer.from('$2a$04$not-the-right-secret-at-all').toString('base64') });

	describe('v1 Account and Balance', () => {
		it('account get: the organisation settings; a wrong secret is a 401', async () => {
			const [account] = await runJson(world, v1('account', 'get'));
			assert.equal((account.settings as IDataObject).name, 'Demo Custody Ltd');
			assertApiError(await runError(world, v1('account', 'get'), { credential: wrongV1Secret() }), 401);
		});

		it('balance get: one item per asset with the key as `asset`; without a v1 section the credential section is named', async () => {
			const balances = await runJson(world, v1('balance', 'get'));
			const btc = balances.find((b) => b.asset === 'BTC');
			assert.equal(btc?.total, 5_0000_0000);
			assert.equal(btc?.scale, 100_000_000);
			const credential = { ...world.credential, qapiV1ApiKeyId: '', qapiV1Secret: '' };
			assertInputError(await runError(world, v1('balance', 'get'), { credential }), 'qapiV1', 'Qredo API v1 section');
		});
	});

	describe('v1 Fund', () => {
		it('list: one item per fund; archived filter is sent as true/false', async () => {
			const funds = await runJson(world, v1('fund', 'getAll'));
			assert.deepEqual(funds.map((f) => f.name).sort(), ['Demo Operations', 'Demo Treasury']);
			assert.equal((await runJson(world, v1('fund', 'getAll', { archived: 'false' }))).length, 2);
			assertApiError(await runError(world, v1('fund', 'getAll'), { credential: wrongV1Secret() }), 401);
		});

		it('get: fundInfo with wallets; an unknown fund is a 404', async () => {
			const [fund] = await runJson(world, v1('fund', 'get', { fundId: world.seed.fund.id }));
			assert.equal((fund.fundInfo as IDataObject).name, 'Demo Treasury');
			assertApiError(await runError(world, v1('fund', 'get', { fundId: 'NoSuchFund' })), 404);
		});

		it('ledger: one item per entry; an unknown fund is a 404', async () => {
			await admin(world, 'POST', `/wallets/${world.seed.fund.wallets.BTC}/deposit`, { amount: 777 });
			const ledger = await runJson(world, v1('fund', 'getLedger', { fundId: world.seed.fund.id }));
			assert.ok(ledger.some((row) => row.amount === 777), JSON.stringify(ledger.slice(0, 3)));
			assertApiError(await runError(world, v1('fund', 'getLedger', { fundId: 'NoSuchFund' })), 404);
		});
	});

	describe('v1 Trusted Party and Wallet', () => {
		it('trusted party list: personal accounts get their members; an organisation key gets Qredo’s 403', async () => {
			const key = (await admin(world, 'POST', '/qapi-keys', { name: 'personal key' })).json;
			const credential = { ...world.credential, qapiV1ApiKeyId: String(key.keyId), qapiV1Secret: String(key.secret) };
			assert.deepEqual(await runJson(world, v1('trustedParty', 'getAll'), { credential }), []);
			assertApiError(await runError(world, v1('trustedParty', 'getAll')), 403);
		});

		it('wallet history: one item per movement; an unknown wallet is a 404', async () => {
			const walletId = world.seed.fund.wallets.ETH;
			await admin(world, 'POST', `/wallets/${walletId}/deposit`, { amount: 4242 });
			const history = await runJson(world, v1('wallet', 'getHistory', { walletId }));
			assert.ok(history.some((row) => row.amount === 4242));
			assertApiError(await runError(world, v1('wallet', 'getHistory', { walletId: 'NoSuchWallet' })), 404);
		});
	});

	describe('v1 Transaction (Web3)', () => {
		const create = (rest: IDataObject = {}) =>
			v1('transaction', 'create', {
				from: treasuryEthAddress,
				to: '0x84ce2138e54b1852689132fd73ddc4d3973a44b8',
				value: '1000',
				gasLimit: '21000',
				feeModel: 'eip1559',
				maxFeePerGas: '30000000000',
				maxPriorityFeePerGas: '1000000000',
				additionalFields: { chainID: '11155111', note: 'node test' },
				...rest,
			});

		it('create (EIP-1559), get status, list approvals', async () => {
			const [tx] = await runJson(world, create());
			assert.match(String(tx.txID), /\S+/);
			assert.equal(tx.value, '1000');
			assert.equal(tx.maxFeePerGas, '30000000000');
			const [status] = await runJson(world, v1('transaction', 'getStatus', { txId: String(tx.txID) }));
			assert.equal(status.txID, tx.txID);
			const approvals = await runJson(world, v1('transaction', 'getManyApprovals', { txId: String(tx.txID) }));
			assert.ok(approvals.length >= 1);
			assert.equal(approvals[0].txID, tx.txID);
		});

		it('create (legacy gas price) with call data and zero value', async () => {
			const [tx] = await runJson(world, create({ value: '0', feeModel: 'legacy', gasPrice: '20000000000', additionalFields: { data: '0xa9059cbb' } }));
			assert.equal(tx.value, '0');
			assert.equal(tx.gasPrice, '20000000000');
		});

		it('create refuses malformed addresses, amounts and fees; a from address outside the account is Qredo’s 400', async () => {
			assertInputError(await runError(world, create({ to: '0x94GE4738E54b2952689132FD73dDC4D3973a47J2' })), 'To', 'EVM address');
			assertInputError(await runError(world, create({ value: '1.5' })), 'Value');
			assertInputError(await runError(world, create({ gasLimit: '0' })), 'Gas Limit');
			assertInputError(await runError(world, create({ maxPriorityFeePerGas: '40000000000' })), 'Max Priority Fee per Gas', 'at most Max Fee per Gas');
			assertInputError(await runError(world, create({ additionalFields: { data: '0xabc' } })), 'Data');
			const error = await runError(world, create({ from: '0x3333333333333333333333333333333333333333' }));
			assertApiError(error, 400, 'from');
			assert.ok(error instanceof Error && (error as { description?: string }).description?.includes('no idempotency key'));
		});

		it('get status and list approvals of an unknown transaction are 404s', async () => {
			assertApiError(await runError(world, v1('transaction', 'getStatus', { txId: 'NoSuchTx' })), 404);
			assertApiError(await runError(world, v1('transaction', 'getManyApprovals', { txId: 'NoSuchTx' })), 404);
		});
	});

	describe('v2 API Key and Action', () => {
		it('register keys returns the action to approve; get action shows it pending with hex messages', async () => {
			const keys = generateKeys();
			const [registered] = await runJson(world, v2('apiKey', 'registerKeys', { blsPublicKey: keys.blsPublicKey, ecPublicKey: Buffer.from(keys.ecPublicKey, 'hex').toString('base64') }));
			const actionId = String(registered.actionID);
			assert.match(actionId, /\S+/);
			const [action] = await runJson(world, v2('action', 'get', { actionId }));
			assert.equal(action.id, actionId);
			assert.ok(Array.isArray(action.messages) && (action.messages as string[]).every((m) => /^[0-9a-f]+$/.test(m)));
			const [apiKey] = await runJson(world, v2('apiKey', 'get'));
			assert.equal(apiKey.pendingActionID, actionId);
		});

		it('register keys refuses a key of the wrong length or off the curve; an unknown API key is a 404', async () => {
			const keys = generateKeys();
			assertInputError(await runError(world, v2('apiKey', 'registerKeys', { blsPublicKey: keys.blsPrivateKey, ecPublicKey: keys.ecPublicKey })), 'BLS Public Key', '192 bytes');
			const offCurve = '04' + 'ff'.repeat(64);
			assertInputError(await runError(world, v2('apiKey', 'registerKeys', { blsPublicKey: keys.blsPublicKey, ecPublicKey: offCurve })), 'EC Public Key', 'on the curve');
			const error = await runError(world, v2('apiKey', 'registerKeys', { apiKeyId: 'NoSuchKey', blsPublicKey: keys.blsPublicKey, ecPublicKey: keys.ecPublicKey }));
			assertApiError(error, 404);
		});

		it('get action of an unknown action is a 404; a wrong v2 secret fails the token login with 401', async () => {
			assertApiError(await runError(world, v2('action', 'get', { actionId: 'NoSuchAction' })), 404);
			const credential = { ...world.credential, qapiV2Secret: Buffer.from('$2a$04$wrong-v2-secret-value').toString('base64') };
			assertApiError(await runError(world, v2('action', 'get', { actionId: 'whatever' }), { credential }), 401);
		});

		it('get API key: the credential’s own key by default', async () => {
			const [apiKey] = await runJson(world, v2('apiKey', 'get'));
			assert.equal(apiKey.workspaceID, world.seed.qredoApiV2.workspaceId);
		});
	});
});
