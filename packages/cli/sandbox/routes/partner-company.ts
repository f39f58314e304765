/**
 * Partner API (§3.1): assets, fees, exchanges, companies (create, get, update, search), trusted parties and
 * holdings. A company created here belongs to the Partner API key that created it; another key gets 403.
 */
import type { SandboxContext } from '../context';
import { badRequest, conflict, type JsonObject, notFound, ok, optionalString, requireInteger, requireString } from '../http';
import { queryString } from '../query';
import { fundsOfCompany, partnerCompany, partnerMayManage, walletsOfCompany } from '../access';
import type { SandboxState } from '../governance';
import { type FeeType, quoteFees, scaleMultiplier } from '../ledger';
import type { Company, PartnerKey } from '../model';
import { PARTNER_BASE, type Router } from '../router';

const FEE_TYPES: FeeType[] = ['withdraw', 'transferOut', 'swap'];

/** Exchanges a wallet can connect to; fixed, the sandbox talks to none of them. */
const EXCHANGES = [
	{ id: 'sandbox-exchange-1', name: 'Sandbox Exchange One', url: 'https://exchange-one.sandbox.invalid', logourl: 'https://exchange-one.sandbox.invalid/logo.png' },
	{ id: 'sandbox-exchange-2', name: 'Sandbox Exchange Two', url: 'https://exchange-two.sandbox.invalid', logourl: 'https://exchange-two.sandbox.invalid/logo.png' },
];

interface CompanyFields {
	name: string;
	city?: string;
	country?: string;
	domain?: string;
	ref?: string;
}

/** Company (§3.1): name required; country an ISO 3166-1 code (alpha-2 or alpha-3). */
function readCompany(body: JsonObject): CompanyFields {
	const country = optionalString(body, 'country');
	if (country !== undefined && country !== '' && !/^[A-Z]{2,3}$/.test(country)) throw badRequest('country: expected an ISO 3166-1 code (2 or 3 capital letters, e.g. GB)');
	return {
		name: requireString(body, 'name', { maxLength: 256 }),
		city: optionalString(body, 'city', { maxLength: 256 }),
		country: country || undefined,
		domain: optionalString(body, 'domain', { maxLength: 256 }),
		ref: optionalString(body, 'ref', { maxLength: 256 }),
	};
}

/** 409 when another company this key manages already has the name or the (non-empty) reference. */
function refuseDuplicate(ctx: SandboxContext, key: PartnerKey, fields: CompanyFields, except?: string): void {
	for (const other of ctx.state.companies.values()) {
		if (other.id === except || !partnerMayManage(ctx, key, other.id)) continue;
		if (other.name.toLowerCase() === fields.name.toLowerCase()) throw conflict('name: a company with this name already exists for this API key');
		if (fields.ref && other.ref === fields.ref) throw conflict('ref: a company with this reference already exists for this API key');
	}
}

function companyView(company: Company) {
	return { company_id: company.id, name: company.name, city: company.city ?? '', country: company.country ?? '', domain: company.domain ?? '', ref: company.ref ?? '' };
}

/** True when the member sits in a custody group of one of the company's funds or wallets. */
function inCustodyGroup(state: SandboxState, companyId: string, memberId: string): boolean {
	const groups = [
		...fundsOfCompany(state, companyId).flatMap((f) => [f.custodygroupWithdraw, f.custodygroupTx]),
		...walletsOfCompany(state, companyId).flatMap((w) => [w.custodygroupWithdraw, w.custodygroupTx]),
	];
	return groups.some((g) => g?.members.includes(memberId));
}

export function register(router: Router, ctx: SandboxContext): void {
	const { state } = ctx;
	const P = PARTNER_BASE;

	router.get(`${P}/assets`, 'partner', () => {
		// §3.1: the swagger types `assets` as one object; the sandbox answers the list it evidently is (§7 item 11).
		return { assets: state.assets.map((a) => ({ code: a.code, name: a.name, unitCode: a.unitCode, scale: scaleMultiplier(state, a.code), enabled: a.enabled })) };
	});

	router.post(`${P}/fees`, 'partner', (req) => {
		const body = req.json();
		const type = requireString(body, 'type') as FeeType;
		if (!FEE_TYPES.includes(type)) throw badRequest(`type: expected one of ${FEE_TYPES.join(', ')}`);
		const asset = requireString(body, 'asset');
		state.asset(asset);
		return quoteFees(state, type, asset, requireInteger(body, 'amount', { min: 1 }));
	});

	router.get(`${P}/exchanges`, 'partner', () => ({ exchanges: EXCHANGES }));

	router.post(`${P}/company`, 'partner', (req) => {
		const fields = readCompany(req.json());
		refuseDuplicate(ctx, req.principal, fields);
		const company = state.createCompany(fields);
		ctx.state.companyOwners.set(company.id, req.principal.keyId);
		return { company_id: company.id, ref: company.ref ?? '' };
	});

	router.get(`${P}/company/search`, 'partner', (req) => {
		const needle = (queryString(req.query, 'query') ?? '').toLowerCase();
		const matches = [...state.companies.values()]
			.filter((c) => partnerMayManage(ctx, req.principal, c.id))
			.filter((c) => c.name.toLowerCase().includes(needle) || (c.domain ?? '').toLowerCase().includes(needle))
			.map((c) => ({ company_id: c.id, name: c.name, domain: c.domain ?? '' }));
		return { total_count: matches.length, matches };
	});

	router.get(`${P}/company/:company_id`, 'partner', (req) => companyView(partnerCompany(ctx, req.principal, req.params.company_id)));

	router.put(`${P}/company/:company_id`, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		const body = req.json();
		const bodyId = optionalString(body, 'company_id');
		if (bodyId && bodyId !== company.id) throw badRequest('company_id: expected the company ID of the path, or no company_id');
		const fields = readCompany(body);
		refuseDuplicate(ctx, req.principal, fields, company.id);
		Object.assign(company, fields);
		return { company_id: company.id, ref: company.ref ?? '' };
	});

	router.get(`${P}/company/:company_id/trustedparty`, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		return {
			company_id: company.id,
			total_count: company.trustedParties.length,
			list: company.trustedParties.map((p) => ({ trusted_entity_id: p.id, name: p.name, address: p.address, type: p.type, created: p.created })),
		};
	});

	router.post(`${P}/company/:company_id/trustedparty`, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		const address = requireString(req.json(), 'address', { maxLength: 256 });
		if (address === company.id) throw badRequest('address: expected another party than the company itself');
		state.addTrustedParty(company.id, address);
		return ok();
	});

	router.delete(`${P}/company/:company_id/trustedparty/:trustedparty_id`, 'partner', (req) => {
		req.requireNoBody();
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		const index = company.trustedParties.findIndex((p) => p.id === req.params.trustedparty_id);
		if (index < 0) throw notFound('trustedparty_id: no trusted party with this ID in this company');
		// A custodian cannot vanish from under a policy: pending and future transactions would lose their approver.
		if (inCustodyGroup(state, company.id, company.trustedParties[index].id)) {
			throw conflict('trustedparty_id: still a member of a custody group of this company; change the fund or wallet policy first');
		}
		company.trustedParties.splice(index, 1);
		return ok(202);
	});

	router.get(`${P}/company/:company_id/holding`, 'partner', (req) => {
		const company = partnerCompany(ctx, req.principal, req.params.company_id);
		const totals = new Map<string, number>();
		for (const wallet of walletsOfCompany(state, company.id)) totals.set(wallet.asset, (totals.get(wallet.asset) ?? 0) + wallet.balance);
		return { holdings: [...totals].map(([symbol, amount]) => ({ symbol, amount })) };
	});
}
