/**
 * What the Partner API and Qredo API v1 resource routes share: the resource data the core state does not model
 * (which partner key manages which company, Qredo-hosted core clients, swaps, Web3 transactions, idempotency keys),
 * access rules, request readers for Qredo's custody-group, wallet and amount shapes, fee quotes, the ledger as one
 * list of movements, and the wire views several routes return.
 *
 * The core state (state.ts) stays the single source of truth for companies, funds, wallets, balances and governance;
 * this module only adds to it. It lives beside state.ts rather than inside it so the two can evolve separately.
 */
import { createHash } from 'node:crypto';
import type { SandboxContext } from './context';
import {
	badRequest,
	conflict,
	forbidden,
	type JsonObject,
	notFound,
	optionalInteger,
	optionalString,
	requireArray,
	requireInteger,
	requireObject,
	requireString,
} from './http';
import type { Action, Company, CustodyGroup, Fund, PartnerKey, SandboxState, Transaction, TxStatus, Wallet } from './state';
import { txStatusName } from './state';

// ---- resource data beside the core state ----

/** A Qredo-hosted core client: an agent whose BLS key Qredo holds, so the Partner API approves for it server side. */
export interface HostedClient {
	id: string;
	name: string;
	partnerKeyId: string;
	secretKey: bigint;
	created: number;
}

export type SwapStatus = 'open' | 'taken' | 'cancelled' | 'expired';

export interface SwapTake {
	id: string;
	companyId: string;
	sendWalletId: string;
	receiveWalletId: string;
	reference: string;
	partnerTxId: string;
	/** What the taker's send wallet pays: the maker's asked amount plus the swap fee. */
	gross: number;
	fees: number;
	created: number;
}

export interface Swap {
	id: string;
	companyId: string;
	reference: string;
	partnerTxId: string;
	created: number;
	expires: number;
	/** What the maker gives; `gross` (amount + fees) is reserved on the send wallet while the swap is open. */
	send: { walletId: string; symbol: string; amount: number; fees: number; gross: number };
	/** What the maker asks for in return. */
	receive: { walletId: string; symbol: string; amount: number };
	status: SwapStatus;
	closedAt?: number;
	/** Unix seconds when it was added to the liquidity hub. */
	liquidityHubAdded?: number;
	take?: SwapTake;
}

export type Web3Status = 'created' | 'authorized' | 'pending' | 'approved' | 'signed' | 'pushed' | 'mined' | 'failed';

/** A Qredo API v1 Web3 transaction (POST /transaction); its lifecycle lives in routes/qapi-v1.ts. */
export interface Web3Transaction {
	id: string;
	qapiKeyId: string;
	companyId?: string;
	walletId: string;
	from: string;
	to: string;
	value: string;
	gasLimit: string;
	gasPrice?: string;
	maxFeePerGas?: string;
	maxPriorityFeePerGas?: string;
	data: string;
	chainID: string;
	note: string;
	nonce: number;
	status: Web3Status;
	timestamps: Partial<Record<Web3Status, number>>;
	events: Array<{ id: string; timestamp: number; status: Web3Status; message: string }>;
	txHash: string;
	rawTX: string;
	signedTx: string;
}

export type MovementType = 'deposit' | 'withdraw' | 'transferIn' | 'transferOut' | 'swapIn' | 'swapOut';

/** One ledger row, whatever produced it (deposit, transfer, withdrawal, swap leg); each surface renders its own shape. */
export interface Movement {
	txId: string;
	walletId: string;
	fundId: string;
	companyId: string;
	type: MovementType;
	asset: string;
	amount: number;
	fees: number;
	netAmount: number;
	address: string;
	counterpartyId: string;
	reference: string;
	benefitOf: string;
	accountNo: string;
	timestamp: number;
	expires: number;
	/** The §3.1 ledger status, without the `_transfer` / `_withdrawal` suffix. */
	status: TxStatus | 'taker_pending' | 'taker_approved';
	/** The amount has moved (approved transaction, taken swap, deposit). */
	settled: boolean;
	/** Set once settled: a deterministic hash standing in for the chain transaction. */
	chainTxId: string;
}

type Web3Listener = (tx: Web3Transaction) => void;

export class ResourceStore {
	/** Company ID → the Partner API key ID that created it. Companies made by the seed or the admin API have none. */
	readonly companyOwners = new Map<string, string>();
	readonly hostedClients = new Map<string, HostedClient>();
	/** Wallet ID → the external counterparties connected at creation (NewWallet.connect). */
	readonly walletConnections = new Map<string, Array<{ counterpartyId: string; clientId: string }>>();
	readonly swaps = new Map<string, Swap>();
	/** Take ID → the swap it took. */
	readonly swapTakes = new Map<string, Swap>();
	readonly web3 = new Map<string, Web3Transaction>();
	/** Next nonce per Web3 `from` address (lowercase). */
	readonly web3Nonces = new Map<string, number>();
	/** `company / kind / partner_txID` → the transaction it created and the request it came with. */
	readonly idempotency = new Map<string, { txId: string; fingerprint: string }>();
	private readonly web3Listeners = new Set<Web3Listener>();

	onWeb3(listener: Web3Listener): () => void {
		this.web3Listeners.add(listener);
		return () => this.web3Listeners.delete(listener);
	}

	emitWeb3(tx: Web3Transaction): void {
		for (const listener of this.web3Listeners) listener(tx);
	}

	/** What `state.reset()` forgets (transactions and what hangs off them); identities and the world stay. */
	forgetTransactions(): void {
		this.swaps.clear();
		this.swapTakes.clear();
		this.web3.clear();
		this.web3Nonces.clear();
		this.idempotency.clear();
	}
}

const stores = new WeakMap<SandboxState, ResourceStore>();

/** The resource store of this sandbox, brought up to date: forgotten after a reset, swaps past `expires` expired. */
export function resources(ctx: SandboxContext): ResourceStore {
	let store = stores.get(ctx.state);
	if (!store) {
		const created = new ResourceStore();
		ctx.state.onReset(() => created.forgetTransactions());
		stores.set(ctx.state, created);
		store = created;
	}
	expireSwaps(ctx, store);
	return store;
}

function expireSwaps(ctx: SandboxContext, store: ResourceStore): void {
	const now = ctx.nowSeconds();
	for (const swap of store.swaps.values()) {
		if (swap.status === 'open' && swap.expires <= now) closeSwap(ctx, swap, 'expired');
	}
}

/** Ends an open swap without a taker and releases the maker's reservation. */
export function closeSwap(ctx: SandboxContext, swap: Swap, status: 'cancelled' | 'expired'): void {
	const wallet = ctx.state.wallets.get(swap.send.walletId);
	if (wallet) wallet.pendingOut -= swap.send.gross;
	swap.status = status;
	swap.closedAt = ctx.nowSeconds();
	swap.liquidityHubAdded = undefined;
}

// ---- IDs ----

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function digest(...parts: string[]): Buffer {
	return createHash('sha256').update(parts.join('\u0000')).digest();
}

/** A stable ID shaped like an entity ID (27 base62 characters), for things the state keeps no ID for. */
export function derivedId(...parts: string[]): string {
	let value = BigInt('0x' + digest('qredo-sandbox-id', ...parts).toString('hex'));
	let out = '';
	for (let i = 0; i < 27; i++) {
		out += BASE62[Number(value % 62n)];
		value /= 62n;
	}
	return out;
}

/** A stand-in on-chain transaction hash for a settled movement (0x-prefixed for EVM assets). */
export function chainHash(asset: string, ...parts: string[]): string {
	const hex = digest('qredo-sandbox-chain', asset, ...parts).toString('hex');
	return isBitcoinAsset(asset) ? hex : '0x' + hex;
}

export function isBitcoinAsset(asset: string): boolean {
	return asset.startsWith('BTC');
}

/** The custody group IDs Qredo returns in place of the group (a fund's, or a wallet's own override). */
export function custodyGroupId(ownerId: string, kind: 'withdraw' | 'tx'): string {
	return derivedId('custodygroup', ownerId, kind);
}

// ---- access ----

/**
 * The company, if this Partner API key may manage it: companies it created, and companies made outside the Partner
 * API (seed, admin API), which belong to no key. Another key's company is 403: it exists, and it is not yours.
 */
export function partnerCompany(ctx: SandboxContext, key: PartnerKey, companyId: string): Company {
	const company = ctx.state.companies.get(companyId);
	if (!company) throw notFound('company_id: no company with this ID');
	if (!partnerMayManage(ctx, key, companyId)) throw forbidden('company_id: this company is managed by another Partner API key');
	return company;
}

export function partnerMayManage(ctx: SandboxContext, key: PartnerKey, companyId: string): boolean {
	const owner = resources(ctx).companyOwners.get(companyId);
	return owner === undefined || owner === key.keyId;
}

/** A wallet reached by ID alone (/wallet/{id}); another partner's wallet is not confirmed to exist. */
export function partnerWallet(ctx: SandboxContext, key: PartnerKey, walletId: string): Wallet {
	const wallet = ctx.state.wallets.get(walletId);
	if (!wallet || !partnerMayManage(ctx, key, wallet.companyId)) throw notFound('wallet_id: no wallet with this ID for this API key');
	return wallet;
}

export function walletOfFund(state: SandboxState, fund: Fund, walletId: string, field = 'wallet_id'): Wallet {
	const wallet = state.wallets.get(walletId);
	if (!wallet || wallet.fundId !== fund.id) throw notFound(`${field}: no wallet with this ID in this fund`);
	return wallet;
}

export function walletOfCompany(state: SandboxState, companyId: string, walletId: string, field = 'wallet_id'): Wallet {
	const wallet = state.wallets.get(walletId);
	if (!wallet || wallet.companyId !== companyId) throw notFound(`${field}: no wallet with this ID in this company`);
	return wallet;
}

export function walletsOfCompany(state: SandboxState, companyId: string): Wallet[] {
	return [...state.wallets.values()].filter((w) => w.companyId === companyId);
}

export function fundsOfCompany(state: SandboxState, companyId: string): Fund[] {
	return [...state.funds.values()].filter((f) => f.companyId === companyId);
}

// ---- request readers ----

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
	const store = resources(ctx);
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

// ---- idempotency (partner_txID) ----

export type IdempotentKind = 'transfer' | 'withdrawal' | 'swap' | 'swap take';

/**
 * The transaction an earlier request with this `partner_txID` created, when the request is the same: the client is
 * retrying. The same partner_txID with another request is a client bug (409).
 */
export function replayOf(ctx: SandboxContext, companyId: string, kind: IdempotentKind, partnerTxId: string | undefined, request: object): string | undefined {
	if (!partnerTxId) return undefined;
	const seen = resources(ctx).idempotency.get(`${companyId}\u0000${kind}\u0000${partnerTxId}`);
	if (!seen) return undefined;
	if (seen.fingerprint !== JSON.stringify(request)) {
		throw conflict(`partner_txID: already used by this company for a different ${kind}; expected the same request to retry, or a new partner_txID`);
	}
	return seen.txId;
}

export function rememberRequest(ctx: SandboxContext, companyId: string, kind: IdempotentKind, partnerTxId: string | undefined, request: object, txId: string): void {
	if (!partnerTxId) return;
	resources(ctx).idempotency.set(`${companyId}\u0000${kind}\u0000${partnerTxId}`, { txId, fingerprint: JSON.stringify(request) });
}

// ---- money ----

export type FeeType = 'withdraw' | 'transferOut' | 'swap';

export interface FeeQuote {
	/** What the recipient gets: the amount the client asked to send. */
	netAmount: number;
	/** What leaves the wallet: netAmount + fees. */
	amountToSend: number;
	fees: number;
}

/**
 * Qredo charges fees on top of the amount sent (swagger FeesResponse: amount 200000 → netAmount 200000,
 * amountToSend 200200, fees 200; TxInfo: amount 801 = net 800 + fees 1). The core state takes the gross amount and
 * derives fees from it, so this finds the smallest gross whose net is the amount asked for, with the state's own
 * fee table (net(gross) = gross − fee(gross) never decreases and grows by at most 1 per step, so it exists).
 */
export function quoteFees(state: SandboxState, type: FeeType, asset: string, netAmount: number, field = 'amount'): FeeQuote {
	const netOf = (gross: number) => gross - state.fees(type, asset, gross).fees;
	let gross = netAmount + state.fees(type, asset, netAmount).fees;
	while (netOf(gross) < netAmount) gross += 1;
	while (gross > netAmount && netOf(gross - 1) >= netAmount) gross -= 1;
	if (!Number.isSafeInteger(gross)) throw badRequest(`${field}: expected an amount whose total with fees is a safe integer`);
	return { netAmount, amountToSend: gross, fees: gross - netAmount };
}

/** The most a wallet can send when `available` base units may leave it. */
export function maxSendable(state: SandboxState, type: FeeType, asset: string, available: number): FeeQuote {
	if (available <= 0) return { netAmount: 0, amountToSend: 0, fees: 0 };
	const { fees } = state.fees(type, asset, available);
	const netAmount = Math.max(0, available - fees);
	return netAmount === 0 ? { netAmount: 0, amountToSend: 0, fees: 0 } : { netAmount, amountToSend: available, fees: available - netAmount };
}

/** 400 unless the wallet's unreserved balance covers amount + fees. */
export function requireAvailable(wallet: Wallet, quote: FeeQuote, field: string): void {
	const available = wallet.balance - wallet.pendingOut;
	if (quote.amountToSend > available) {
		throw badRequest(`${field}: expected amount + fees (${quote.amountToSend} base units) within the available balance of the wallet (${available} base units)`);
	}
}

/** Base units per whole coin, as Qredo reports `scale` (APITOOL README: BTC → 100000000). */
export function scaleMultiplier(state: SandboxState, asset: string): number {
	return 10 ** state.asset(asset).scale;
}

// ---- the ledger as movements ----

const OUTGOING: MovementType[] = ['withdraw', 'transferOut', 'swapOut'];

export function isOutgoing(movement: Movement): boolean {
	return OUTGOING.includes(movement.type);
}

/** Every ledger row of the sandbox (core ledger plus swap legs), newest first, optionally narrowed. */
export function movements(ctx: SandboxContext, filter: { companyId?: string; fundId?: string; walletId?: string } = {}): Movement[] {
	const { state } = ctx;
	const rows: Movement[] = [];
	state.ledger.forEach((entry, index) => {
		const wallet = state.wallets.get(entry.walletId);
		if (!wallet) return;
		const tx = entry.txId ? state.transactions.get(entry.txId) : undefined;
		const txId = entry.txId ?? derivedId('deposit', entry.walletId, String(entry.timestamp), String(entry.amount), String(index));
		const status = tx ? tx.status : 'approved';
		const settled = status === 'approved';
		rows.push({
			txId,
			walletId: entry.walletId,
			fundId: entry.fundId,
			companyId: wallet.companyId,
			type: entry.type,
			asset: entry.asset,
			amount: entry.amount,
			fees: entry.fees,
			netAmount: entry.netAmount,
			address: entry.address,
			counterpartyId: entry.counterpartyId ?? '',
			reference: entry.reference,
			benefitOf: tx?.benefitOf ?? '',
			accountNo: tx?.accountNo ?? '',
			timestamp: entry.timestamp,
			expires: tx?.expires ?? 0,
			status,
			settled,
			chainTxId: settled ? chainHash(entry.asset, txId, entry.type) : '',
		});
	});
	for (const swap of resources(ctx).swaps.values()) rows.push(...swapMovements(state, swap));
	return rows
		.map((row, order) => ({ row, order }))
		.filter(({ row }) => (!filter.companyId || row.companyId === filter.companyId) && (!filter.fundId || row.fundId === filter.fundId) && (!filter.walletId || row.walletId === filter.walletId))
		.sort((a, b) => b.row.timestamp - a.row.timestamp || b.order - a.order)
		.map(({ row }) => row);
}

/** Swap legs in the ledger's status vocabulary (§3.1): a cancelled swap reads as rejected by its initiator. */
const SWAP_LEDGER_STATUS: Record<SwapStatus, Movement['status']> = { open: 'pending', taken: 'taker_approved', cancelled: 'initiate_rejected', expired: 'expired' };

function swapMovements(state: SandboxState, swap: Swap): Movement[] {
	const leg = (walletId: string, type: MovementType, asset: string, amount: number, fees: number, txId: string, counterpartyId: string, timestamp: number): Movement | undefined => {
		const wallet = state.wallets.get(walletId);
		if (!wallet) return undefined;
		const settled = swap.status === 'taken';
		return {
			txId,
			walletId,
			fundId: wallet.fundId,
			companyId: wallet.companyId,
			type,
			asset,
			amount,
			fees,
			netAmount: amount - fees,
			address: wallet.address,
			counterpartyId,
			reference: swap.reference,
			benefitOf: '',
			accountNo: '',
			timestamp,
			expires: swap.expires,
			status: SWAP_LEDGER_STATUS[swap.status],
			settled,
			chainTxId: settled ? chainHash(asset, txId, type) : '',
		};
	};
	const rows = [leg(swap.send.walletId, 'swapOut', swap.send.symbol, swap.send.gross, swap.send.fees, swap.id, swap.take?.receiveWalletId ?? '', swap.created)];
	const take = swap.take;
	if (take) {
		rows.push(
			leg(swap.receive.walletId, 'swapIn', swap.receive.symbol, swap.receive.amount, 0, swap.id, take.sendWalletId, take.created),
			leg(take.sendWalletId, 'swapOut', swap.receive.symbol, take.gross, take.fees, take.id, swap.receive.walletId, take.created),
			leg(take.receiveWalletId, 'swapIn', swap.send.symbol, swap.send.amount, 0, take.id, swap.send.walletId, take.created),
		);
	}
	return rows.filter((row): row is Movement => row !== undefined);
}

/** Incoming amounts not settled yet (pending transfers and swaps into the wallet). */
export function pendingIn(ctx: SandboxContext, walletId: string): number {
	let total = 0;
	for (const tx of ctx.state.transactions.values()) {
		if (tx.recipient.walletId === walletId && (tx.status === 'pending' || tx.status === 'pending_initiate')) total += tx.netAmount;
	}
	return total;
}

// ---- wire views ----

function splitName(name: string): { firstName: string; lastName: string } {
	const [firstName = '', ...rest] = name.trim().split(/\s+/);
	return { firstName, lastName: rest.join(' ') };
}

function initials(name: string): string {
	return name
		.split(/\s+/)
		.filter(Boolean)
		.slice(0, 2)
		.map((w) => w[0].toUpperCase())
		.join('');
}

/** Entity (§3.1 Policy members): a user, a core client or a company, with the matching sub-object set. */
export function entityView(state: SandboxState, id: string) {
	const base = { id, name: id, accountCode: id, initials: '', type: 'user' as 'user' | 'company' | 'core-client', company: null as null | { name: string }, user: null as null | object, 'core-client': null as null | { name: string } };
	const human = state.humans.get(id);
	if (human) {
		const { firstName, lastName } = splitName(human.name);
		return { ...base, name: human.name, initials: initials(human.name), user: { firstName, lastName, email: human.email, userName: human.email.split('@')[0] } };
	}
	const agent = state.agents.get(id);
	const apiKey = state.v2ApiKeys.get(id);
	const clientName = agent?.name ?? apiKey?.name;
	if (clientName !== undefined) return { ...base, name: clientName, accountCode: agent?.accountCode ?? id, initials: initials(clientName), type: 'core-client' as const, 'core-client': { name: clientName } };
	const company = state.companies.get(id);
	if (company) return { ...base, name: company.name, initials: initials(company.name), type: 'company' as const, company: { name: company.name } };
	return base;
}

/** The custody groups that govern a wallet (its overrides, else the fund's) with their IDs. */
export function walletPolicies(state: SandboxState, wallet: Wallet) {
	const fund = state.fund(wallet.fundId);
	return {
		withdraw: { id: custodyGroupId(wallet.custodygroupWithdraw ? wallet.id : fund.id, 'withdraw'), group: wallet.custodygroupWithdraw ?? fund.custodygroupWithdraw },
		tx: { id: custodyGroupId(wallet.custodygroupTx ? wallet.id : fund.id, 'tx'), group: wallet.custodygroupTx ?? fund.custodygroupTx },
	};
}

/** Partner API Policy `{id, name, threshold, members:[Entity]}`. */
export function policyView(state: SandboxState, id: string, name: string, group: CustodyGroup) {
	return { id, name, threshold: group.threshold, members: group.members.map((m) => entityView(state, m)) };
}

export function addressType(asset: string): string {
	return isBitcoinAsset(asset) ? 'P2WPKH' : 'EVM';
}

/** Partner API FundWalletInfo. */
export function walletInfoView(ctx: SandboxContext, wallet: Wallet) {
	const { state } = ctx;
	const policies = walletPolicies(state, wallet);
	const connections = resources(ctx).walletConnections.get(wallet.id) ?? [];
	return {
		wallet_id: wallet.id,
		name: wallet.name,
		asset: wallet.asset,
		type: wallet.type,
		status: 'ready',
		address: wallet.address,
		address_type: addressType(wallet.asset),
		short_code: wallet.shortCode,
		balance: wallet.balance,
		custodygroup_withdraw: policies.withdraw.id,
		custodygroup_tx: policies.tx.id,
		policy_withdraw: policyView(state, policies.withdraw.id, 'withdraw policy', policies.withdraw.group),
		policy_tx: policyView(state, policies.tx.id, 'tx policy', policies.tx.group),
		connected: connections.length === 0 ? null : connections.map((c) => ({ client_id: c.clientId, counterparty_id: c.counterpartyId, name: state.companies.get(c.counterpartyId)?.name ?? '', status: 'connected' })),
	};
}

/** Every distinct custody-group member of a fund and its wallets, with what each group lets them approve. */
export function fundMembers(state: SandboxState, fund: Fund): Array<{ id: string; withdraw: boolean; transfer: boolean }> {
	const members = new Map<string, { id: string; withdraw: boolean; transfer: boolean }>();
	const add = (group: CustodyGroup | undefined, kind: 'withdraw' | 'transfer') => {
		for (const id of group?.members ?? []) {
			const entry = members.get(id) ?? { id, withdraw: false, transfer: false };
			entry[kind] = true;
			members.set(id, entry);
		}
	};
	add(fund.custodygroupWithdraw, 'withdraw');
	add(fund.custodygroupTx, 'transfer');
	for (const walletId of fund.walletIds) {
		const wallet = state.wallets.get(walletId);
		add(wallet?.custodygroupWithdraw, 'withdraw');
		add(wallet?.custodygroupTx, 'transfer');
	}
	return [...members.values()];
}

export function fundAssets(state: SandboxState, fund: Fund): string[] {
	return [...new Set(fund.walletIds.map((id) => state.wallets.get(id)?.asset).filter((a): a is string => !!a))];
}

/** Approver status rows of a transaction, one per action (TxInfo.status). */
function approverRows(state: SandboxState, tx: Transaction) {
	return tx.actionIds
		.map((id) => state.actions.get(id))
		.filter((a): a is Action => !!a)
		.map((action) => {
			const entity = entityView(state, action.member);
			const { firstName, lastName } = splitName(entity.name);
			const human = state.humans.get(action.member);
			return {
				action_id: action.id,
				first_name: firstName,
				last_name: lastName,
				status: action.status,
				timestamp: action.decidedAt ?? action.created,
				user_id: action.member,
				username: human ? human.email.split('@')[0] : entity.name,
			};
		});
}

/** TxInfo (§3.1): the live governance state of a transfer or withdrawal. */
export function txInfoView(state: SandboxState, tx: Transaction) {
	const recipientWallet = tx.recipient.walletId ? state.wallets.get(tx.recipient.walletId) : undefined;
	const recipientCompany = recipientWallet ? state.companies.get(recipientWallet.companyId) : undefined;
	return {
		approver_count: tx.approvals.length,
		expires: tx.expires,
		initiated_timestamp: tx.created,
		initiator_authorized: tx.status !== 'pending_initiate' && tx.status !== 'initiate_rejected',
		initiator_name: tx.initiator.name,
		reference: tx.reference,
		status: approverRows(state, tx),
		status_details: {
			account_no: tx.accountNo,
			amount: tx.amount,
			asset: tx.asset,
			benefit_of: tx.benefitOf,
			expires: tx.expires,
			fees: tx.fees,
			fund_id: tx.fundId,
			net_amount: tx.netAmount,
			recipient_address: tx.recipient.address,
			recipient_email: '',
			recipient_first_name: '',
			recipient_last_name: '',
			recipient_username: recipientCompany?.name ?? tx.recipient.name ?? '',
			reference: tx.reference,
			requested_by: state.companies.get(tx.companyId)?.name ?? tx.initiator.name,
		},
		threshold_required: tx.custodyGroup.threshold,
		tx_id: tx.id,
		tx_status: txStatusName(tx),
	};
}

/** Hosted core-client action details (§3.1 GET /coreclient/{client_id}/action/{action_id}). */
export function actionDetailsView(state: SandboxState, action: Action) {
	const tx = action.txId ? state.transactions.get(action.txId) : undefined;
	const details = tx
		? {
				txType: tx.type,
				txID: tx.id,
				walletID: tx.walletId,
				asset: tx.asset,
				amount: tx.amount,
				fees: tx.fees,
				netAmount: tx.netAmount,
				reference: tx.reference,
				benefitOf: tx.benefitOf,
				accountNo: tx.accountNo,
				companyID: tx.companyId,
				fundID: tx.fundId,
				initiatedTime: tx.created,
				expires: tx.expires,
				...(tx.type === 'withdraw'
					? { recipientAddress: tx.recipient.address, recipientAddressName: tx.recipient.name ?? '' }
					: { recipientID: tx.recipient.walletId ?? '', recipientName: tx.recipient.name ?? '' }),
				initiatedBy: tx.initiator.id,
				initiatorName: tx.initiator.name,
				initiatorType: tx.initiator.kind,
			}
		: {};
	return { id: action.id, coreClientID: action.member, type: action.type, status: action.status, timestamp: action.created, expireTime: action.expireTime, details };
}

/** Short list row of an action (§3.1 GET /coreclient/{client_id}/actions). */
export function actionSummaryView(action: Action) {
	return { id: action.id, type: action.type, status: action.status, timestamp: action.created, expireTime: action.expireTime };
}

