/**
 * What every operation of the Qredo node shares: rate limits, 5xx retries only when safe, timeouts, items in and out
 * (pairedItem, Continue On Fail), one credential resolution per execution, no secret in any output, the credential
 * test, the pickers, and the node description itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { resources } from '../../../nodes/Qredo/resources';
import { credentialTestContext, executeContext, loadOptionsContext } from '../../support/n8nExecuteContext';
import {
	admin,
	assertApiError,
	assertInputError,
	assertNoSecrets,
	byId,
	errorText,
	failNext,
	node,
	partner,
	qredoApiCredential,
	remainingFailures,
	run,
	runError,
	runJson,
	startWorld,
	type World,
} from './support';

describe('Qredo node: shared behaviour', () => {
	let world: World;
	before(async () => {
		world = await startWorld({ fundCreationIntervalMs: 2000 });
	});
	after(() => world.stop());

	const company = () => byId(world.seed.company.id);
	const getWallet = (walletId = world.seed.fund.wallets.BTC) => partner('wallet', 'get', { walletId });
	const transfer = (rest: IDataObject = {}) =>
		partner('transfer', 'create', {
			companyId: company(),
			walletId: world.seed.fund.wallets.ETH,
			counterpartyWallet: world.seed.operationsFund.wallets.ETH,
			asset: 'ETH',
			amount: '1000',
			expires: '1h',
			...rest,
		});

	describe('429 Too Many Requests', () => {
		it('waits for Retry-After (fund creation is limited to one per 2 s here), then succeeds', async () => {
			const fund = (name: string) =>
				partner('fund', 'create', {
					companyId: company(),
					name,
					withdrawThreshold: 1,
					withdrawMembers: world.seed.humans[1].id,
					txThreshold: 1,
					txMembers: world.seed.humans[0].id,
				});
			await runJson(world, fund('Rate 1'));
			const started = Date.now();
			const [second] = await runJson(world, fund('Rate 2'));
			assert.match(String(second.fund_id), /\S+/);
			assert.ok(Date.now() - started >= 900, `waited ${Date.now() - started} ms`);
		});

		it('an injected 429 with Retry-After: 1 is honoured for a GET', async () => {
			await failNext(world, 1, 429, 1);
			const started = Date.now();
			const [wallet] = await runJson(world, getWallet());
			assert.equal(wallet.asset, 'BTC');
			assert.ok(Date.now() - started >= 900);
			assert.equal(await remainingFailures(world), 0);
		});

		it('a Retry-After beyond "Max Wait on Rate Limit" fails at once with Qredo’s 429 and advice', async () => {
			await failNext(world, 1, 429, 30);
			const started = Date.now();
			const error = assertApiError(await runError(world, { ...getWallet(), requestOptions: { maxRateLimitWait: 5 } }), 429);
			assert.ok(Date.now() - started < 3000);
			assert.match(error.description ?? '', /Max Wait on Rate Limit/);
			assert.match(error.description ?? '', /30 s/);
		});
	});

	describe('5xx', () => {
		it('a GET is retried with backoff and succeeds', async () => {
			await failNext(world, 2, 503);
			const [wallet] = await runJson(world, getWallet());
			assert.equal(wallet.asset, 'BTC');
			assert.equal(await remainingFailures(world), 0);
		});

		it('a create is not retried: one attempt, a 5xx NodeApiError that says so and gives the partner_txID to retry with', async () => {
			await failNext(world, 2, 502);
			const error = assertApiError(await runError(world, transfer()), 502);
			assert.equal(await remainingFailures(world), 1, 'exactly one request was made');
			await admin(world, 'DELETE', '/faults');
			assert.match(error.description ?? '', /not repeated automatically/);
			const partnerTxId = String(error.context.partnerTxId);
			assert.match(error.description ?? '', new RegExp(partnerTxId));
			// Retrying with that partner_txID is what the advice says; it creates the transfer once.
			const [retried] = await runJson(world, transfer({ partnerTxId }));
			assert.equal(retried.status, 'new');
		});

		it('a GET that keeps failing ends as a NodeApiError with Qredo’s status', async () => {
			await failNext(world, 10, 500);
			assertApiError(await runError(world, getWallet()), 500);
			await admin(world, 'DELETE', '/faults');
		});
	});

	describe('timeouts and network errors', () => {
		it('"Timeout (Seconds)" bounds a slow answer (a create is not repeated)', async () => {
			await admin(world, 'POST', '/faults', { latencyMs: 2500 });
			const started = Date.now();
			const error = await runError(world, { ...partner('company', 'create', { name: 'Slow Co' }), requestOptions: { timeout: 1 } });
			await admin(world, 'DELETE', '/faults');
			assert.ok(error instanceof NodeApiError, error.message);
			assert.match(error.message, /no complete answer within 1000 ms/);
			assert.ok(Date.now() - started < 2400, `took ${Date.now() - started} ms`);
		});

		it('an unreachable base URL is a NodeApiError naming the API', async () => {
			const credential = { ...world.credential, partnerApiBaseUrl: 'http://127.0.0.1:9/api/v1/p' };
			const error = await runError(world, { ...partner('company', 'create', { name: 'Nowhere' }) }, { credential });
			assert.ok(error instanceof NodeApiError);
			assert.ok(`${error.message} ${error.description}`.includes('Partner API'), errorText(error));
		});
	});

	describe('items', () => {
		const items: INodeExecutionData[] = [{ json: { n: 0 } }, { json: { n: 1 } }, { json: { n: 2 } }];

		it('one output item per input, each paired with its input; list results are paired too', async () => {
			const wallets = [world.seed.fund.wallets.BTC, world.seed.fund.wallets.ETH, world.seed.operationsFund.wallets.ETH];
			const output = await run(world, partner('wallet', 'get', {}), { items, itemParameters: wallets.map((walletId) => ({ walletId })) });
			assert.deepEqual(output.map((item) => item.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
			assert.deepEqual(output.map((item) => item.json.wallet_id), wallets);
			const lists = await run(world, partner('fund', 'getManyDepositAddresses', { companyId: company(), fundId: byId(world.seed.fund.id) }), { items: items.slice(0, 2) });
			assert.deepEqual(lists.map((item) => item.pairedItem), [{ item: 0 }, { item: 0 }, { item: 1 }, { item: 1 }]);
		});

		it('Continue On Fail: failed items become { error } paired with their input, the others succeed', async () => {
			const params = [{ walletId: world.seed.fund.wallets.BTC }, { walletId: 'NoSuchWallet' }, { walletId: '' }];
			const output = await run(world, partner('wallet', 'get', {}), { items, itemParameters: params, continueOnFail: true });
			assert.equal(output.length, 3);
			assert.equal(output[0].json.asset, 'BTC');
			assert.deepEqual(output[0].pairedItem, { item: 0 });
			assert.match(String(output[1].json.error), /^Qredo Partner API: 404 /);
			assert.deepEqual(output[1].pairedItem, { item: 1 });
			assert.match(String(output[2].json.error), /^Wallet: expected/);
			assert.deepEqual(output[2].pairedItem, { item: 2 });
		});

		it('Continue On Fail keeps the partner_txID of a failed create', async () => {
			const [failed] = await run(world, transfer({ asset: 'BTC' }), { continueOnFail: true });
			assert.match(String(failed.json.error), /400/);
			assert.match(String(failed.json.partner_txID), /^[0-9a-f-]{36}$/);
		});

		it('without Continue On Fail the first failure stops the node and names its item', async () => {
			const itemParameters = [{ walletId: world.seed.fund.wallets.BTC }, { walletId: 'NoSuchWallet' }, { walletId: '' }];
			const error = await runError(world, partner('wallet', 'get', {}), { items, itemParameters });
			assert.ok(error instanceof NodeApiError);
			assert.equal(error.context.itemIndex, 1);
		});

		it('the credential is resolved once per execution, not once per item', async () => {
			const { context, record } = executeContext(node, {
				parameters: partner('wallet', 'get', {}),
				itemParameters: [0, 1, 2, 3].map(() => ({ walletId: world.seed.fund.wallets.BTC })),
				items: [0, 1, 2, 3].map((n) => ({ json: { n } })),
				credentials: { qredoApi: world.credential },
			});
			const output = (await node.execute.call(context)) as INodeExecutionData[][];
			assert.equal(output[0].length, 4);
			assert.deepEqual(record.credentialRequests, ['qredoApi']);
		});
	});

	describe('secrets', () => {
		it('no output or error carries the API key, secrets, RSA key or BLS/EC private keys', async () => {
			const outputs = [
				await runJson(world, partner('asset', 'getAll')),
				await runJson(world, partner('company', 'get', { companyId: company() })),
				await runJson(world, { api: 'qapiV1', resource: 'account', operation: 'get' }),
				await runJson(world, { api: 'qapiV2', resource: 'apiKey', operation: 'get' }),
			];
			assertNoSecrets(world, outputs);
			const failures = [
				await runError(world, getWallet('NoSuchWallet')),
				await runError(world, getWallet(), { credential: { ...world.credential, rsaPrivateKey: 'not a key' } }),
				await runError(world, getWallet(), { credential: { ...world.credential, partnerApiKey: 'wrong-key-wrong-key' } }),
				await runError(world, { api: 'qapiV1', resource: 'account', operation: 'get' }, { credential: { ...world.credential, qapiV1Secret: 'bad secret!' } }),
			];
			for (const failure of failures) assertNoSecrets(world, errorText(failure));
			assertInputError(failures[1], 'rsaPrivateKey');
		});
	});

	describe('credential test', () => {
		const test = (data: IDataObject) =>
			node.methods.credentialTest.qredoApiConnectionTest.call(credentialTestContext(), { id: '1', name: 'Qredo', type: 'qredoApi', data: data as never });

		it('OK lists every section verified', async () => {
			const result = await test(world.credential);
			assert.deepEqual(result, { status: 'OK', message: 'Verified: Partner API, Qredo API v1, Qredo API v2' });
			assert.deepEqual(await test(qredoApiCredential(world.seed, ['v1'])), { status: 'OK', message: 'Verified: Qredo API v1' });
		});

		it('names the failing section and Qredo’s reason, and what was verified', async () => {
			const result = await test({ ...world.credential, partnerApiKey: 'eyJrZXlfaWQiOiJ4Iiwia2V5IjoieCJ9' });
			assert.equal(result.status, 'Error');
			assert.match(result.message, /^Partner API: 401 errPartnerAuth \(reason: .+\)\. Verified: Qredo API v1, Qredo API v2$/);
			assertNoSecrets(world, result);
		});

		it('reports a wrong v1 secret and an unreachable v2 URL together', async () => {
			const result = await test({
				...qredoApiCredential(world.seed, ['v1', 'v2']),
				qapiV1Secret: Buffer.from('$2a$04$wrong').toString('base64'),
				qapiV2BaseUrl: 'http://127.0.0.1:9/api/v2',
			});
			assert.equal(result.status, 'Error');
			assert.match(result.message, /^Qredo API v1: 401 Unauthorized \(reason: .+\); Qredo API v2: .*ECONNREFUSED/);
		});

		it('nothing filled, half a section, or a bad key is an Error that names the field and never the value', async () => {
			assert.equal((await test({ environment: 'custom' })).status, 'Error');
			const half = await test({ ...qredoApiCredential(world.seed, ['partner']), rsaPrivateKey: '' });
			assert.match(half.message, /rsaPrivateKey/);
			const bad = await test({ ...qredoApiCredential(world.seed, ['partner']), rsaPrivateKey: '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----' });
			assert.equal(bad.status, 'Error');
			assert.match(bad.message, /rsaPrivateKey/);
			assert.ok(!bad.message.includes('AAAA'));
		});

		it('an environment without an API v2 URL says so for a filled v2 section', async () => {
			const result = await test({ ...qredoApiCredential(world.seed, ['v2']), environment: 'sandbox' });
			assert.equal(result.status, 'Error');
			assert.match(result.message, /^Qredo API v2: .*API v2 URL/);
		});
	});

	describe('pickers', () => {
		const context = (parameters: IDataObject = {}) =>
			loadOptionsContext(node, { parameters: { api: 'partnerApi', resource: 'fund', operation: 'get', ...parameters }, credentials: { qredoApi: world.credential } });

		it('assets come from GET /assets', async () => {
			const options = await node.methods.loadOptions.getAssets.call(context());
			assert.ok(options.some((option) => option.value === 'BTC' && /Bitcoin/.test(option.name)));
		});

		it('companies come from the company search, filtered', async () => {
			const { results } = await node.methods.listSearch.searchCompanies.call(context(), 'Demo Custody');
			assert.deepEqual(results.map((r) => r.value), [world.seed.company.id]);
		});

		it('funds come from the fund search of the chosen company; without a company it asks for one', async () => {
			const { results } = await node.methods.listSearch.searchFunds.call(context({ companyId: company() }), 'oper');
			assert.deepEqual(results, [{ name: 'Demo Operations', value: world.seed.operationsFund.id }]);
			await assert.rejects(node.methods.listSearch.searchFunds.call(context({ companyId: byId('') })), /Choose a company first/);
		});

		it('wallets: of the chosen company and fund; with no such pickers, of every fund of the key; filtered by asset', async () => {
			const { fund, operationsFund } = world.seed;
			const chosenFund = await node.methods.listSearch.searchWallets.call(context({ resource: 'fund', operation: 'setWalletPolicy', companyId: company(), fundId: byId(fund.id) }));
			const inFund = chosenFund.results.map((r) => r.value);
			for (const id of Object.values(fund.wallets)) assert.ok(inFund.includes(id), `${id} is offered`);
			assert.ok(!inFund.includes(operationsFund.wallets.ETH), 'only the chosen fund');
			// Transfer › Create picks a company but no fund: the wallets of all the company's funds.
			const inCompany = (await node.methods.listSearch.searchWallets.call(context({ resource: 'transfer', operation: 'create', companyId: company() }))).results.map((r) => r.value);
			for (const id of [...Object.values(fund.wallets), operationsFund.wallets.ETH]) assert.ok(inCompany.includes(id), `${id} is offered`);
			assert.ok(!inCompany.includes(world.seed.counterparty.fund.wallets.BTC), "not another company's");
			assert.ok(chosenFund.results.every((r) => r.name.endsWith(` · ${fund.name}`)), JSON.stringify(chosenFund.results));
			const anywhere = await node.methods.listSearch.searchWallets.call(context({ resource: 'wallet', operation: 'get' }));
			const ids = anywhere.results.map((r) => r.value);
			for (const id of [...Object.values(fund.wallets), ...Object.values(operationsFund.wallets)]) assert.ok(ids.includes(id), `${id} is offered`);
			const eth = await node.methods.listSearch.searchWallets.call(context({ resource: 'wallet', operation: 'get' }), 'eth');
			assert.ok(eth.results.length >= 2 && eth.results.every((r) => r.name.includes(' · ETH · ')), JSON.stringify(eth.results));
			assert.ok(eth.results.some((r) => r.value === operationsFund.wallets.ETH));
		});

		it('core clients come from GET /coreclient, filtered by name', async () => {
			await runJson(world, partner('coreClient', 'create', { name: 'picker-client' }));
			const { results } = await node.methods.listSearch.searchCoreClients.call(context(), 'picker');
			assert.deepEqual(results.map((r) => r.name), ['picker-client']);
		});

		it('a picker with a bad credential fails with Qredo’s 401', async () => {
			const bad = loadOptionsContext(node, { parameters: {}, credentials: { qredoApi: { ...world.credential, partnerApiKey: 'wrong-key-wrong-key' } } });
			await assert.rejects(node.methods.loadOptions.getAssets.call(bad), (error: Error) => error instanceof NodeApiError && /401/.test(error.message));
		});
	});

	describe('description', () => {
		const properties = node.description.properties;
		const operationOptions = (api: string, resource: string) =>
			properties
				.filter((p) => p.name === 'operation' && p.displayOptions?.show?.api?.includes(api) && p.displayOptions?.show?.resource?.includes(resource))
				.flatMap((p) => (p.options ?? []) as Array<{ value: string }>)
				.map((o) => o.value)
				.sort();

		it('every operation offered has a handler and every handler is offered', () => {
			for (const [api, byResource] of Object.entries(resources)) {
				const resourceSelector = properties.find((p) => p.name === 'resource' && p.displayOptions?.show?.api?.includes(api)) as INodeProperties;
				const offered = ((resourceSelector.options ?? []) as Array<{ value: string }>).map((o) => o.value).sort();
				assert.deepEqual(offered, Object.keys(byResource).sort(), `${api} resources`);
				for (const [resource, operations] of Object.entries(byResource)) {
					assert.deepEqual(operationOptions(api, resource), Object.keys(operations).sort(), `${api} › ${resource}`);
				}
			}
		});

		it('the node is usable as a tool and tests its credential', () => {
			assert.equal(node.description.usableAsTool, true);
			assert.deepEqual(node.description.credentials, [{ name: 'qredoApi', required: true, testedBy: 'qredoApiConnectionTest' }]);
		});
	});
});
