/** Request readers for Qredo's shapes that several routes share: custody groups, new wallets, amounts, expiry, addresses. */
import type { SandboxContext } from './context';
import type { SandboxState } from './governance';
import { badRequest, type JsonObject, optionalInteger, optionalString, requireArray, requireInteger, requireObject, requireString } from './http';
import { isBitcoinAsset } from './ids';
import type { Company, CustodyGroup } from './model';

/** A custody group from a Partner API body: members must be trusted parties (users, core clients) of the company. */
export function readCustodyGroup(state: SandboxState, company: Company, value: unknown, field: string): CustodyGroup {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${field || 'body'}: expected an object {threshold, members}`);
	const body = value as JsonObject;
	const at = field ? `${field}.` : '';
	const members = requireArray(body, 'members', at);
	if (members.length === 0) throw badRequest(`${at}members: expected at least one trusted party ID`);
	members.forEach((member, i) => {
		if (typeof member !== 'string' || member === '') throw badRequest(`${at}members[${i}]: expected a trusted party ID (a non-empty string)`);
		if (!company.trustedParties.some((p) => p.id === member && p.type !== 'company')) {
			throw badRequest(`${at}members[${i}]: expected the ID of a trusted party (user or core client) of this company`);
		}
	});
	const threshold = requireInteger(body, 'threshold', { min: 1, path: at });
	if (threshold > members.length) throw badRequest(`${at}threshold: expected at most the number of members (${members.length})`);
	if (new Set(members).size !== members.length) throw badRequest(`${at}members: expected distinct trusted party IDs`);
	return { threshold, members: [...(members as string[])] };
}

function optionalCustodyGroup(state: SandboxState, company: Company, body: JsonObject, field: string, path: string): CustodyGroup | undefined {
	const value = body[field];
	return value === undefined || value === null ? undefined : readCustodyGroup(state, company, value, path + field);
}

export interface NewWalletInput {
	name?: string;
	asset: string;
	type: number;
	custodygroupWithdraw?: CustodyGroup;
	custodygroupTx?: CustodyGroup;
	connect: Array<{ counterpartyId: string; clientId: string }>;
}

const WALLET_TYPES = [0, 1, 2];

/** NewWallet (§3.1 fund creation and POST …/wallet): name, asset, optional custody groups, type, connect. */
export function readNewWallet(state: SandboxState, company: Company, value: unknown, path: string): NewWalletInput {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${path.replace(/\.$/, '')}: expected a wallet object {name, asset, …}`);
	const body = value as JsonObject;
	const asset = requireString(body, 'asset', { path });
	state.asset(asset, `${path}asset`);
	const type = optionalInteger(body, 'type', { path }) ?? 0;
	if (!WALLET_TYPES.includes(type)) throw badRequest(`${path}type: expected 0 (standard), 1 (dedicated) or 2 (multi-counterparty)`);
	const connect: NewWalletInput['connect'] = [];
	if (body.connect !== undefined && body.connect !== null) {
		requireArray(body, 'connect', path).forEach((entry, i) => {
			const at = `${path}connect[${i}].`;
			if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw badRequest(`${at.replace(/\.$/, '')}: expected {counterparty_id, client_id}`);
			connect.push({ counterpartyId: requireString(entry as JsonObject, 'counterparty_id', { path: at }), clientId: requireString(entry as JsonObject, 'client_id', { path: at }) });
		});
	}
	return {
		name: optionalString(body, 'name', { path, maxLength: 256 }),
		asset,
		type,
		custodygroupWithdraw: optionalCustodyGroup(state, company, body, 'custodygroup_withdraw', path),
		custodygroupTx: optionalCustodyGroup(state, company, body, 'custodygroup_tx', path),
		connect,
	};
}

/** Creates validated wallets in a fund; returns their IDs in order. */
export function createWallets(ctx: SandboxContext, fundId: string, inputs: NewWalletInput[]): string[] {
	const store = ctx.state;
	return inputs.map((input) => {
		const wallet = ctx.state.addWallet(fundId, {
			name: input.name,
			asset: input.asset,
			type: input.type,
			custodygroupWithdraw: input.custodygroupWithdraw,
			custodygroupTx: input.custodygroupTx,
		});
		if (input.connect.length > 0) store.walletConnections.set(wallet.id, input.connect);
		return wallet.id;
	});
}

/** AssetAmount `{symbol, amount}`: a known asset and a positive integer in base units. */
export function readAssetAmount(state: SandboxState, body: JsonObject, field: string): { symbol: string; amount: number } {
	const value = requireObject(body, field);
	const symbol = requireString(value, 'symbol', { path: `${field}.` });
	state.asset(symbol, `${field}.symbol`);
	const amount = requireInteger(value, 'amount', { min: 1, path: `${field}.` });
	return { symbol, amount };
}

/** Values this large are milliseconds sent where seconds belong (year 5138 in seconds). */
const MILLISECONDS_THRESHOLD = 100_000_000_000;

/**
 * `expires` as Unix seconds: a JSON number or a decimal string (§7 item 9: typed string in the swagger, a number in
 * the examples). Only the type is checked here, so an idempotent retry is recognised before the time is.
 */
export function readExpires(body: JsonObject, required: boolean): number | undefined {
	if (!required && (body.expires === undefined || body.expires === null)) return undefined;
	const expires = requireInteger(body, 'expires', { min: 1, allowString: true });
	if (expires >= MILLISECONDS_THRESHOLD) throw badRequest('expires: expected Unix time in seconds (this value looks like milliseconds)');
	return expires;
}

export function requireFutureExpiry(ctx: SandboxContext, expires: number): void {
	if (expires <= ctx.nowSeconds()) throw badRequest('expires: expected a Unix time (seconds) in the future');
}

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** Bech32 (bc1…/tb1…) or legacy base58 (1…, 3…, m…, n…, 2…) Bitcoin addresses, mainnet or testnet. */
const BITCOIN_ADDRESS = /^((bc|tb)1[02-9ac-hj-np-z]{8,87}|[123mn][1-9A-HJ-NP-Za-km-z]{25,34})$/;

export function isEvmAddress(address: string): boolean {
	return EVM_ADDRESS.test(address);
}

/** 400 unless `address` has the shape of an address on the asset's chain. */
export function requireAddressFor(asset: string, address: string, field: string): void {
	if (isBitcoinAsset(asset)) {
		if (!BITCOIN_ADDRESS.test(address)) throw badRequest(`${field}: expected a Bitcoin address (bech32 bc1…/tb1… or base58) for this asset`);
	} else if (!isEvmAddress(address)) {
		throw badRequest(`${field}: expected an EVM address (0x followed by 40 hex digits) for this asset`);
	}
}

export function sameAddress(asset: string, a: string, b: string): boolean {
	// EVM addresses are case-insensitive (the case only carries the EIP-55 checksum); Bitcoin's are not.
	return isBitcoinAsset(asset) ? a === b : a.toLowerCase() === b.toLowerCase();
}
