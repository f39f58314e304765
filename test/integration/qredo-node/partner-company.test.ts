/** Partner API › Company, Trusted Party and Holding through the node, against the sandbox over real sockets. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertApiError, assertInputError, byId, partner, runError, runJson, startWorld, type World } from './support';

describe('Qredo node: Partner API company, trusted party, holding', () => {
	let world: World;
	before(async () => {
		world = await startWorld();
	});
	after(() => world.stop());

	const company = () => byId(world.seed.company.id);

	describe('Company', () => {
		it('create returns company_id and ref; a duplicate name is a NodeApiError with Qredo’s 409', async () => {
			const [created] = await runJson(world, partner('company', 'create', { name: 'Node Test Co', additionalFields: { city: 'Leeds', country: 'gb', ref: 'node-1' } }));
			assert.match(String(created.company_id), /\S+/);
			assert.equal(created.ref, 'node-1');
			const error = await runError(world, partner('company', 'create', { name: 'Node Test Co' }));
			assertApiError(error, 409, 'name: a company with this name already exists');
		});

		it('create refuses a bad country before calling Qredo', async () => {
			const error = await runError(world, partner('company', 'create', { name: 'X', additionalFields: { country: 'Great Britain' } }));
			assertInputError(error, 'Country', 'ISO 3166-1');
		});

		it('get returns the company; an unknown ID is a 404 NodeApiError', async () => {
			const [got] = await runJson(world, partner('company', 'get', { companyId: company() }));
			assert.equal(got.company_id, world.seed.company.id);
			assert.equal(got.name, 'Demo Custody Ltd');
			assertApiError(await runError(world, partner('company', 'get', { companyId: byId('NoSuchCompany000000000000000') })), 404);
		});

		it('get refuses an ID with a slash (it would change the path)', async () => {
			assertInputError(await runError(world, partner('company', 'get', { companyId: byId('abc/../x') })), 'Company');
		});

		it('update changes only the given fields', async () => {
			const [created] = await runJson(world, partner('company', 'create', { name: 'Update Me', additionalFields: { city: 'York', domain: 'update.invalid' } }));
			const id = String(created.company_id);
			await runJson(world, partner('company', 'update', { companyId: byId(id), updateFields: { city: 'Bath' } }));
			const [got] = await runJson(world, partner('company', 'get', { companyId: byId(id) }));
			assert.equal(got.city, 'Bath');
			assert.equal(got.domain, 'update.invalid');
			assert.equal(got.name, 'Update Me');
		});

		it('update without fields is refused; an update to a taken name is a 409', async () => {
			assertInputError(await runError(world, partner('company', 'update', { companyId: company(), updateFields: {} })), 'Update Fields');
			await runJson(world, partner('company', 'create', { name: 'Taken Name' }));
			assertApiError(await runError(world, partner('company', 'update', { companyId: company(), updateFields: { name: 'Taken Name' } })), 409);
		});

		it('search returns one item per match', async () => {
			const matches = await runJson(world, partner('company', 'getAll', { query: 'demo custody' }));
			assert.equal(matches.length, 1);
			assert.equal(matches[0].company_id, world.seed.company.id);
			assert.deepEqual(await runJson(world, partner('company', 'getAll', { query: 'no such company anywhere' })), []);
		});

		it('search with a wrong credential is a 401 errPartnerAuth NodeApiError', async () => {
			const credential = { ...world.credential, partnerApiKey: 'eyJrZXlfaWQiOiJub3BlIiwia2V5Ijoibm9wZSJ9' };
			const error = await runError(world, partner('company', 'getAll', { query: 'x' }), { credential });
			assertApiError(error, 401, 'errPartnerAuth');
		});
	});

	describe('Trusted Party', () => {
		it('add a user by e-mail, list it, delete it', async () => {
			const [created] = await runJson(world, partner('company', 'create', { name: 'Trust Co' }));
			const target = byId(String(created.company_id));
			const [added] = await runJson(world, partner('trustedParty', 'add', { companyId: target, partyType: 'user', email: world.seed.humans[0].email }));
			assert.equal(added.code, 200);
			assert.equal(added.address, world.seed.humans[0].email);
			const list = await runJson(world, partner('trustedParty', 'getAll', { companyId: target }));
			assert.equal(list.length, 1);
			assert.equal(list[0].type, 'user');
			const [deleted] = await runJson(world, partner('trustedParty', 'delete', { companyId: target, trustedPartyId: String(list[0].trusted_entity_id) }));
			assert.equal(deleted.deleted, true);
			assert.deepEqual(await runJson(world, partner('trustedParty', 'getAll', { companyId: target })), []);
		});

		it('add an agent and a company by ID', async () => {
			const [created] = await runJson(world, partner('company', 'create', { name: 'Trust Co 2' }));
			const target = byId(String(created.company_id));
			await runJson(world, partner('trustedParty', 'add', { companyId: target, partyType: 'agent', agentId: world.seed.agent.id }));
			await runJson(world, partner('trustedParty', 'add', { companyId: target, partyType: 'company', partyCompanyId: world.seed.company.id }));
			const types = (await runJson(world, partner('trustedParty', 'getAll', { companyId: target }))).map((p) => p.type).sort();
			assert.deepEqual(types, ['company', 'core-client']);
			// Get Many: Limit keeps the first results, Return All ignores it, a bad Limit names the field.
			assert.equal((await runJson(world, partner('trustedParty', 'getAll', { companyId: target, returnAll: false, limit: 1 }))).length, 1);
			assert.equal((await runJson(world, partner('trustedParty', 'getAll', { companyId: target, returnAll: true, limit: 1 }))).length, 2);
			assertInputError(await runError(world, partner('trustedParty', 'getAll', { companyId: target, returnAll: false, limit: 0 })), 'Limit');
		});

		it('add refuses a malformed e-mail; adding twice is a 409', async () => {
			assertInputError(await runError(world, partner('trustedParty', 'add', { companyId: company(), partyType: 'user', email: 'not-an-email' })), 'E-Mail');
			const error = await runError(world, partner('trustedParty', 'add', { companyId: company(), partyType: 'agent', agentId: world.seed.agent.id }));
			assertApiError(error, 409);
		});

		it('delete of a custodian still in a policy is a 409; of an unknown ID a 404', async () => {
			assertApiError(await runError(world, partner('trustedParty', 'delete', { companyId: company(), trustedPartyId: world.seed.agent.id })), 409);
			assertApiError(await runError(world, partner('trustedParty', 'delete', { companyId: company(), trustedPartyId: 'NoSuchParty' })), 404);
		});

		it('list of an unknown company is a 404', async () => {
			assertApiError(await runError(world, partner('trustedParty', 'getAll', { companyId: byId('NoSuchCompany') })), 404);
		});
	});

	describe('Holding', () => {
		it('list returns one item per asset with the seeded totals', async () => {
			const holdings = await runJson(world, partner('holding', 'getAll', { companyId: company() }));
			const btc = holdings.find((h) => h.symbol === 'BTC');
			assert.equal(btc?.amount, 5_0000_0000);
		});

		it('list of an unknown company is a 404; a blank company is refused', async () => {
			assertApiError(await runError(world, partner('holding', 'getAll', { companyId: byId('NoSuchCompany') })), 404);
			assertInputError(await runError(world, partner('holding', 'getAll', { companyId: byId('') })), 'Company');
		});
	});
});
