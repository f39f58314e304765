/**
 * Partner API common and company resources against the sandbox over real sockets (§3.1): assets, fees, exchanges,
 * company create/get/update/search, trusted parties, holdings. Requests are RSA-signed by hand (helpers.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SandboxCredentials } from '../../../packages/cli/sandbox/seed';
import { type RunningSandbox, startSandbox } from '../../../packages/cli/sandbox/server';
import { newPartnerIdentity, type PartnerIdentity, partnerSend, assertQredoError as assertError } from './helpers';

let sb: RunningSandbox;
let creds: SandboxCredentials;
let demo: PartnerIdentity;
let other: PartnerIdentity;

const call = (who: PartnerIdentity, method: string, path: string, body?: unknown) =>
	partnerSend(who, method, `${sb.urls.partner}${path}`, body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));

/** Qredo's error shape, the status, and a reason that starts with the field it names. */
before(async () => {
	sb = await startSandbox({ seed: 'demo', fundCreationIntervalMs: 100 });
	creds = sb.credentials as SandboxCredentials;
	demo = { apiKey: creds.partnerApi.apiKey, privateKey: creds.partnerApi.privateKeyPem };
	other = await newPartnerIdentity(sb);
});
after(() => sb.stop());

describe('GET /assets, POST /fees, GET /exchanges', () => {
	it('lists assets with scale as base units per coin', async () => {
		const res = await call(demo, 'GET', '/assets');
		assert.equal(res.status, 200, res.text);
		const btc = res.json.assets.find((a: { code: string }) => a.code === 'BTC');
		assert.deepEqual(btc, { code: 'BTC', name: 'Bitcoin', unitCode: 'sat', scale: 100_000_000, enabled: true });
		assert.equal(res.json.assets.find((a: { code: string }) => a.code === 'ETH').scale, 1_000_000_000);
	});

	it('refuses an unsigned or wrongly signed request with errPartnerAuth', async () => {
		const res = await partnerSend(demo, 'GET', `${sb.urls.partner}/assets`, '', { signedUrl: `${sb.urls.partner}/asset` });
		assert.equal(res.status, 401);
		assert.equal(res.json.msg, 'errPartnerAuth');
		const bare = await partnerSend(demo, 'GET', `${sb.urls.partner}/exchanges`, '', { headers: { 'x-sign': '' } });
		assertError(bare, 401, 'x-sign');
	});

	it('guards every Partner API resource route with the RSA signature (401 errPartnerAuth)', async () => {
		const c = `/company/${creds.company.id}`;
		const f = `${c}/fund/${creds.fund.id}`;
		const wallet = creds.fund.wallets.ETH;
		const routes: Array<[string, string]> = [
			['GET', '/assets'],
			['POST', '/fees'],
			['GET', '/exchanges'],
			['POST', '/company'],
			['GET', '/company/search?query=a'],
			['GET', c],
			['PUT', c],
			['GET', `${c}/trustedparty`],
			['POST', `${c}/trustedparty`],
			['DELETE', `${c}/trustedparty/x`],
			['GET', `${c}/holding`],
			['POST', `${c}/fund`],
			['GET', `${c}/fund/search`],
			['GET', f],
			['GET', `${f}/deposit`],
			['GET', `${f}/whitelist`],
			['POST', `${f}/whitelist`],
			['POST', `${f}/asset`],
			['POST', `${f}/wallet`],
			['PUT', `${f}/wallet/${wallet}/policy`],
			['GET', `${f}/ledger`],
			['GET', `/wallet/${wallet}`],
			['GET', `/wallet/${wallet}/history`],
			['GET', `/wallet/${wallet}/max`],
			['POST', `${c}/transfer`],
			['GET', `${c}/transfer/x`],
			['POST', `${c}/withdraw`],
			['GET', `${c}/withdraw/x`],
			['POST', `${c}/atomicswap/make`],
			['GET', `${c}/atomicswap/make/x`],
			['DELETE', `${c}/atomicswap/make/x`],
			['POST', `${c}/atomicswap/take`],
			['GET', `${c}/atomicswap/take/x`],
			['GET', `${c}/liquidityhub`],
			['POST', `${c}/liquidityhub`],
			['GET', '/liquidityhub'],
			['POST', '/coreclient'],
			['GET', '/coreclient'],
			['GET', '/coreclient/x/actions'],
			['GET', '/coreclient/x/action/y'],
			['PUT', '/coreclient/x/action/y'],
			['DELETE', '/coreclient/x/action/y'],
			['GET', '/coreclient/x/wallets'],
			['POST', '/coreclient/x/sign'],
			['POST', '/coreclient/verify'],
		];
		for (const [method, path] of routes) {
			const url = `${sb.urls.partner}${path}`;
			const body = method === 'POST' || method === 'PUT' ? '{}' : '';
			// Signed over other bytes than sent: another body, or for body-less requests another URL.
			const res = await partnerSend(demo, method, url, body, body ? { signedBody: '{ }' } : { signedUrl: `${url}?` });
			assert.equal(res.status, 401, `${method} ${path}: ${res.text}`);
			assert.equal(res.json.msg, 'errPartnerAuth', `${method} ${path}`);
		}
	});

	it('quotes fees on top of the amount (swagger FeesResponse: amountToSend = netAmount + fees)', async () => {
		const withdraw = await call(demo, 'POST', '/fees', { type: 'withdraw', asset: 'BTC', amount: 10_000 });
		assert.equal(withdraw.status, 200, withdraw.text);
		assert.deepEqual(withdraw.json, { netAmount: 10_000, amountToSend: 12_000, fees: 2000 });
		// Transfers and swaps pay 0.1 % of what leaves the wallet, rounded up; the recipient still gets exactly the amount.
		for (const [type, amount] of [
			['transferOut', 200_000],
			['swap', 999_001],
		] as const) {
			const quote = (await call(demo, 'POST', '/fees', { type, asset: 'ETH', amount })).json;
			assert.equal(quote.netAmount, amount);
			assert.equal(quote.amountToSend, amount + quote.fees);
			assert.equal(quote.fees, Math.ceil(quote.amountToSend / 1000));
		}
	});

	it('validates the fee request field by field', async () => {
		assertError(await call(demo, 'POST', '/fees', { type: 'deposit', asset: 'ETH', amount: 1 }), 400, 'type');
		assertError(await call(demo, 'POST', '/fees', { type: 'withdraw', asset: 'DOGE', amount: 1 }), 400, 'asset');
		assertError(await call(demo, 'POST', '/fees', { type: 'withdraw', asset: 'ETH', amount: -5 }), 400, 'amount');
		assertError(await call(demo, 'POST', '/fees', { type: 'withdraw', asset: 'ETH', amount: 1.5 }), 400, 'amount');
		assertError(await call(demo, 'POST', '/fees', { type: 'withdraw', asset: 'ETH', amount: '100' }), 400, 'amount');
		const noType = await partnerSend(demo, 'POST', `${sb.urls.partner}/fees`, '{"asset":"ETH","amount":1}', { headers: { 'content-type': 'text/plain' } });
		assertError(noType, 415, 'Content-Type');
	});

	it('lists exchanges', async () => {
		const res = await call(demo, 'GET', '/exchanges');
		assert.equal(res.status, 200);
		assert.ok(res.json.exchanges.length > 0);
		assert.deepEqual(Object.keys(res.json.exchanges[0]).sort(), ['id', 'logourl', 'name', 'url']);
	});
});

describe('companies', () => {
	let companyId: string;

	it('creates, reads, updates and finds a company', async () => {
		const created = await call(other, 'POST', '/company', { name: 'Acme Custody', city: 'Paris', country: 'FR', domain: 'acme.invalid', ref: 'acme-1' });
		assert.equal(created.status, 200, created.text);
		assert.deepEqual(Object.keys(created.json).sort(), ['company_id', 'ref']);
		assert.equal(created.json.ref, 'acme-1');
		companyId = created.json.company_id;

		const got = await call(other, 'GET', `/company/${companyId}`);
		assert.deepEqual(got.json, { company_id: companyId, name: 'Acme Custody', city: 'Paris', country: 'FR', domain: 'acme.invalid', ref: 'acme-1' });

		// PUT replaces the company: fields left out are cleared.
		const updated = await call(other, 'PUT', `/company/${companyId}`, { name: 'Acme Custody SA', city: 'Lyon', country: 'FR', domain: 'acme.invalid', company_id: companyId });
		assert.deepEqual(updated.json, { company_id: companyId, ref: '' });
		assert.equal((await call(other, 'GET', `/company/${companyId}`)).json.city, 'Lyon');

		const search = await call(other, 'GET', '/company/search?query=acme');
		assert.equal(search.status, 200);
		assert.deepEqual(search.json.matches, [{ company_id: companyId, name: 'Acme Custody SA', domain: 'acme.invalid' }]);
		assert.equal(search.json.total_count, 1);
	});

	it('refuses bad company input', async () => {
		assertError(await call(other, 'POST', '/company', { city: 'Paris' }), 400, 'name');
		assertError(await call(other, 'POST', '/company', { name: 42 }), 400, 'name');
		assertError(await call(other, 'POST', '/company', { name: 'Beta', country: 'France' }), 400, 'country');
		assertError(await call(other, 'POST', '/company', '[1,2]'), 400, 'body');
		assertError(await call(other, 'POST', '/company', { name: 'acme custody sa' }), 409, 'name');
		assertError(await call(other, 'PUT', `/company/${companyId}`, { name: 'X', company_id: creds.company.id }), 400, 'company_id');
	});

	it('answers 404 for an unknown company and 403 for another partner key', async () => {
		assertError(await call(other, 'GET', '/company/1zXsNdFHk3CI7jaEVMkWRvDAiGB'), 404, 'company_id');
		assertError(await call(demo, 'GET', `/company/${companyId}`), 403, 'company_id');
		assertError(await call(demo, 'PUT', `/company/${companyId}`, { name: 'Hijack' }), 403, 'company_id');
		const search = await call(demo, 'GET', '/company/search?query=acme');
		assert.equal(search.json.total_count, 0, 'another key’s companies stay invisible');
		assertError(await call(demo, 'GET', '/company/search?query=a&query=b'), 400, 'query');
	});
});

describe('trusted parties and holdings', () => {
	let companyId: string;

	before(async () => {
		companyId = (await call(other, 'POST', '/company', { name: 'Trusty Ltd' })).json.company_id;
	});

	it('adds a user by e-mail and a core client by ID, and lists them', async () => {
		const alice = creds.humans[0];
		assert.equal((await call(other, 'POST', `/company/${companyId}/trustedparty`, { address: alice.email })).status, 200);
		const added = await call(other, 'POST', `/company/${companyId}/trustedparty`, { address: creds.agent.id });
		assert.deepEqual(added.json, { code: 200, msg: 'OK' });
		const list = await call(other, 'GET', `/company/${companyId}/trustedparty`);
		assert.equal(list.json.company_id, companyId);
		assert.equal(list.json.total_count, 2);
		const byType = Object.fromEntries(list.json.list.map((p: { type: string }) => [p.type, p]));
		assert.equal(byType.user.trusted_entity_id, alice.id);
		assert.equal(byType.user.address, alice.email);
		assert.equal(byType['core-client'].trusted_entity_id, creds.agent.id);
		assert.equal(typeof byType.user.created, 'number');
	});

	it('refuses duplicates, unknown addresses and missing fields', async () => {
		assertError(await call(other, 'POST', `/company/${companyId}/trustedparty`, { address: creds.humans[0].email }), 409, 'address');
		assertError(await call(other, 'POST', `/company/${companyId}/trustedparty`, { address: 'nobody@nowhere.invalid' }), 404, 'address');
		assertError(await call(other, 'POST', `/company/${companyId}/trustedparty`, {}), 400, 'address');
		assertError(await call(demo, 'GET', `/company/${companyId}/trustedparty`), 403, 'company_id');
	});

	it('deletes a trusted party (202), but not one that sits in a custody group', async () => {
		const deleted = await call(other, 'DELETE', `/company/${companyId}/trustedparty/${creds.agent.id}`);
		assert.equal(deleted.status, 202, deleted.text);
		assert.deepEqual(deleted.json, { code: 202, msg: 'Accepted' });
		assertError(await call(other, 'DELETE', `/company/${companyId}/trustedparty/${creds.agent.id}`), 404, 'trustedparty_id');
		// Alice approves the demo treasury's transfers.
		assertError(await call(demo, 'DELETE', `/company/${creds.company.id}/trustedparty/${creds.humans[0].id}`), 409, 'trustedparty_id');
	});

	it('sums holdings per asset over every wallet of the company', async () => {
		const res = await call(demo, 'GET', `/company/${creds.company.id}/holding`);
		assert.equal(res.status, 200, res.text);
		const holdings = Object.fromEntries(res.json.holdings.map((h: { symbol: string; amount: number }) => [h.symbol, h.amount]));
		assert.deepEqual(holdings, { BTC: 5_0000_0000, ETH: 40_000_000_000 + 1_000_000_000 });
		assertError(await call(demo, 'GET', `/company/${companyId}/holding`), 403, 'company_id');
		assertError(await call(demo, 'GET', '/company/unknown/holding'), 404, 'company_id');
	});
});
