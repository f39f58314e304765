/**
 * The sandbox's in-memory world: identities (Partner API keys, qapi keys, v2 API keys, v1 agents, simulated
 * humans), companies, funds with custody groups, wallets and balances, transactions with Qredo's status lifecycle,
 * per-member approval actions, the decision log, and rate-limit slots.
 *
 * Governance lives here too (createTransaction, decide, sweep), so every surface (Partner API routes, the admin
 * API, the agent and v2 endpoints) drives the same rules. Routes translate wire formats; state never parses HTTP.
 * Errors are QredoHttpError so a route can let them through unchanged.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { blsVerify, mpinServerSecret, newBlsKeyPair, randomScalar, signAs } from './crypto';
import { badRequest, conflict, notFound, QredoHttpError } from './http';
import { newApiSecret, newId, walletAddress } from './ids';
import { actionMessages } from './messages';

// ---- entities ----

export type MemberKind = 'agent' | 'apikey' | 'human';

export interface CustodyGroup {
	threshold: number;
	/** Member IDs: agent IDs (core clients), v2 API key IDs, or simulated human IDs. */
	members: string[];
}

export interface Asset {
	code: string;
	name: string;
	unitCode: string;
	/** Decimal places between the base unit and one whole coin. */
	scale: number;
	enabled: boolean;
}

export interface TrustedParty {
	id: string;
	name: string;
	address: string;
	type: 'user' | 'company' | 'core-client';
	created: number;
}

export interface Company {
	id: string;
	name: string;
	city?: string;
	country?: string;
	domain?: string;
	ref?: string;
	created: number;
	trustedParties: TrustedParty[];
}

export interface WhitelistEntry {
	asset: string;
	address: string;
	name: string;
}

export interface Fund {
	id: string;
	companyId: string;
	name: string;
	description: string;
	custodygroupWithdraw: CustodyGroup;
	custodygroupTx: CustodyGroup;
	walletIds: string[];
	whitelist: WhitelistEntry[];
	created: number;
}

export interface Wallet {
	id: string;
	fundId: string;
	companyId: string;
	name: string;
	asset: string;
	/** 0 standard, 1 dedicated, 2 multi-counterparty (Partner API NewWallet.type). */
	type: number;
	address: string;
	shortCode: string;
	/** Base units (satoshi, gwei, …). */
	balance: number;
	/** Base units reserved by pending outgoing transactions. */
	pendingOut: number;
	/** Wallet-level overrides of the fund's custody groups. */
	custodygroupWithdraw?: CustodyGroup;
	custodygroupTx?: CustodyGroup;
	created: number;
}

export type TxType = 'transfer' | 'withdraw';

/** The tx lifecycle of §3.1 without the `_transfer` / `_withdrawal` suffix (see txStatusName). */
export type TxStatus = 'pending_initiate' | 'pending' | 'approved' | 'initiate_rejected' | 'custody_rejected' | 'chain_rejected' | 'expired';

export interface Initiator {
	kind: 'partner' | 'qapi' | 'apikey' | 'admin' | 'human';
	id: string;
	name: string;
}

export interface Transaction {
	id: string;
	type: TxType;
	companyId: string;
	fundId: string;
	walletId: string;
	asset: string;
	amount: number;
	fees: number;
	netAmount: number;
	recipient: { address: string; walletId?: string; name?: string };
	reference: string;
	benefitOf: string;
	accountNo: string;
	partnerTxId: string;
	initiator: Initiator;
	/** Unix seconds. */
	created: number;
	/** Unix seconds. */
	expires: number;
	status: TxStatus;
	/** Snapshot taken at creation: later policy changes do not move the goalposts. */
	custodyGroup: CustodyGroup;
	/** A core client that must authorise first (Partner API `authorize_id`). */
	authorizer?: string;
	approvals: string[];
	rejections: string[];
	actionIds: string[];
	decidedAt?: number;
}

export type ActionType = 'ApproveTransfer' | 'ApproveWithdraw' | 'ApproveKeyRegistration';
export type ActionStatus = 'pending' | 'approved' | 'rejected' | 'expired';
/** How the member answers: v1 agent (all messages signed), v2 API key (messages[0] signed), simulated human. */
export type ApprovalProtocol = 'v1' | 'v2' | 'human';

export interface Action {
	id: string;
	txId?: string;
	member: string;
	memberKind: MemberKind;
	protocol: ApprovalProtocol;
	type: ActionType;
	/** initiate: the `authorize_id` step; custody: one custody-group vote; registration: v2 key registration. */
	stage: 'initiate' | 'custody' | 'registration';
	status: ActionStatus;
	/** Why an action stopped being pending without its member deciding it (the transaction was decided or expired). */
	closedReason?: string;
	/** Unix seconds. */
	created: number;
	/** Unix seconds. */
	expireTime: number;
	messages: Buffer[];
	decidedAt?: number;
	/** For ApproveKeyRegistration: the keys that take effect once this action is approved with the new BLS key. */
	keyRegistration?: { blsPublicKey: Buffer; ecPublicKey: Buffer };
}

export interface PartnerKey {
	/** The opaque `x-api-key` string: base64 of {"key_id","key"} (§1.3). */
	apiKey: string;
	keyId: string;
	name: string;
	publicKey: KeyObject;
	/** Highest x-nonce accepted so far; the next must be larger. */
	lastNonce?: bigint;
	created: number;
}

export interface QapiKey {
	id: string;
	name: string;
	/** Standard base64 of the HMAC key, as shown in the web app. */
	secret: string;
	companyId?: string;
	created: number;
}

export interface V2ApiKey {
	id: string;
	name: string;
	secret: string;
	workspaceId: string;
	/** Effective keys, set only when a registration action is approved with the new BLS key. */
	blsPublicKey?: Buffer;
	ecPublicKey?: Buffer;
	pendingRegistrationActionId?: string;
	created: number;
}

export interface Agent {
	id: string;
	accountCode: string;
	name: string;
	blsPublicKey: Buffer;
	ecPublicKey: Buffer;
	/** The M-Pin identity: the bytes of the JSON {"id","curve":"BLS381","created"}. */
	mpinId: Buffer;
	idDoc: Buffer;
	/** pending between /coreclient/init and a verified /coreclient/finish. */
	status: 'pending' | 'active';
	partnerKeyId?: string;
	created: number;
}

export interface Human {
	id: string;
	name: string;
	email: string;
	/** The sandbox signs for simulated humans, so their decisions are logged with real, verifiable signatures. */
	blsSecretKey: bigint;
	blsPublicKey: Buffer;
	created: number;
}

export interface DecisionLogEntry {
	/** ISO 8601. */
	at: string;
	actionId: string;
	txId: string | null;
	member: string;
	memberKind: MemberKind;
	protocol: ApprovalProtocol;
	decision: 'approve' | 'reject';
	/** As submitted (lowercase hex when well-formed). */
	signatures: string[];
	/** null when nothing had to be verified (a v1 reject carries no signature). */
	verified: boolean | null;
	error?: string;
}

export interface LedgerEntry {
	txId?: string;
	walletId: string;
	fundId: string;
	type: 'deposit' | 'withdraw' | 'transferOut' | 'transferIn';
	asset: string;
	amount: number;
	fees: number;
	netAmount: number;
	address: string;
	counterpartyId?: string;
	reference: string;
	timestamp: number;
}

export type StateEvent = { kind: 'action'; action: Action } | { kind: 'transaction'; transaction: Transaction };

export interface Member {
	id: string;
	kind: MemberKind;
	name: string;
}

export const ASSETS: Asset[] = [
	{ code: 'BTC', name: 'Bitcoin', unitCode: 'sat', scale: 8, enabled: true },
	{ code: 'ETH', name: 'Ether', unitCode: 'gwei', scale: 9, enabled: true },
	{ code: 'USDC', name: 'USD Coin', unitCode: 'micro', scale: 6, enabled: true },
	{ code: 'QRDO', name: 'Qredo', unitCode: 'nano', scale: 8, enabled: true },
];

/** Flat network fees for withdrawals, in base units. */
const WITHDRAW_FEES: Record<string, number> = { BTC: 2000, ETH: 420000, USDC: 1000000, QRDO: 100000 };

/** Messages per action: more than one for v1 so "one signature per message, in order" is exercised. */
const MESSAGE_COUNT: Record<ApprovalProtocol, Record<'transfer' | 'withdraw' | 'registration', number>> = {
	v1: { transfer: 2, withdraw: 3, registration: 1 },
	v2: { transfer: 2, withdraw: 2, registration: 2 },
	human: { transfer: 1, withdraw: 1, registration: 1 },
};

export interface CreateTransactionInput {
	type: TxType;
	companyId: string;
	walletId: string;
	amount: number;
	/** Asset code; must match the wallet's asset. Defaults to it. */
	asset?: string;
	/** Transfer: a wallet ID or short code, or any address. Withdraw: the external address. */
	recipient: string;
	recipientName?: string;
	reference?: string;
	benefitOf?: string;
	accountNo?: string;
	partnerTxId?: string;
	/** Unix seconds; default now + actionTtlSeconds. */
	expires?: number;
	initiator: Initiator;
	/** A member that must authorise before the custody group is asked (Partner API `authorize_id`). */
	authorizer?: string;
	/** Withdrawals to addresses not on the fund whitelist are refused (Partner API rule); the admin API can skip it. */
	checkWhitelist?: boolean;
}

export interface DecisionInput {
	actionId: string;
	/** The authenticated member submitting the decision; must own the action. */
	member: string;
	decision: 'approve' | 'reject';
	/** Signatures as submitted on the wire (hex); validated and verified here so failures are logged too. */
	signatures: unknown[];
}

export interface StateConfig {
	now: () => number;
	actionTtlSeconds: number;
	mpinMasterSecret?: bigint;
}

const LOWER_HEX_SIGNATURE = /^[0-9a-f]{98}$/;

export class SandboxState {
	readonly companies = new Map<string, Company>();
	readonly funds = new Map<string, Fund>();
	readonly wallets = new Map<string, Wallet>();
	readonly transactions = new Map<string, Transaction>();
	readonly actions = new Map<string, Action>();
	readonly partnerKeys = new Map<string, PartnerKey>();
	readonly qapiKeys = new Map<string, QapiKey>();
	readonly v2ApiKeys = new Map<string, V2ApiKey>();
	readonly agents = new Map<string, Agent>();
	readonly humans = new Map<string, Human>();
	readonly decisionLog: DecisionLogEntry[] = [];
	readonly ledger: LedgerEntry[] = [];
	readonly assets: Asset[] = ASSETS.map((a) => ({ ...a }));
	/** M-Pin master secret s and server secret s·G2 (192 bytes). */
	readonly mpinMasterSecret: bigint;
	readonly mpinServerSecret: Uint8Array;

	private readonly listeners = new Set<(event: StateEvent) => void>();
	private readonly resetListeners = new Set<() => void>();
	private readonly rateSlots = new Map<string, number>();
	private baseline = new Map<string, number>();

	constructor(private readonly config: StateConfig) {
		this.mpinMasterSecret = config.mpinMasterSecret ?? randomScalar();
		this.mpinServerSecret = mpinServerSecret(this.mpinMasterSecret);
	}

	/** Unix seconds by the sandbox clock. */
	nowSeconds(): number {
		return Math.floor(this.config.now() / 1000);
	}

	onEvent(listener: (event: StateEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Runs `listener` after every reset(), so state kept outside this class (swaps, Web3 transactions) goes too. */
	onReset(listener: () => void): () => void {
		this.resetListeners.add(listener);
		return () => this.resetListeners.delete(listener);
	}

	private emit(event: StateEvent): void {
		for (const listener of this.listeners) listener(event);
	}

	// ---- identities ----

	registerPartnerKey(publicKeyPem: string, name = 'partner key'): PartnerKey {
		let publicKey: KeyObject;
		try {
			publicKey = createPublicKey(publicKeyPem);
		} catch {
			throw badRequest('publicKey: expected an RSA public key in PEM (BEGIN PUBLIC KEY)');
		}
		if (publicKey.asymmetricKeyType !== 'rsa') throw badRequest('publicKey: expected an RSA public key');
		const keyId = newId.qapiKey();
		// The real key string is base64 of {"key_id","key"} (§1.3); the inner key is random and never checked.
		const apiKey = Buffer.from(JSON.stringify({ key_id: keyId, key: newId.entity() + newId.entity() })).toString('base64');
		const key: PartnerKey = { apiKey, keyId, name, publicKey, created: this.nowSeconds() };
		this.partnerKeys.set(apiKey, key);
		return key;
	}

	createQapiKey(args: { name?: string; companyId?: string } = {}): QapiKey {
		const key: QapiKey = { id: newId.qapiKey(), name: args.name ?? 'qapi key', secret: newApiSecret(), companyId: args.companyId, created: this.nowSeconds() };
		this.qapiKeys.set(key.id, key);
		return key;
	}

	createV2ApiKey(args: { name?: string; workspaceId?: string } = {}): V2ApiKey {
		const key: V2ApiKey = {
			id: newId.v2ApiKey(),
			name: args.name ?? 'api key',
			secret: newApiSecret(),
			workspaceId: args.workspaceId ?? newId.workspace(),
			created: this.nowSeconds(),
		};
		this.v2ApiKeys.set(key.id, key);
		return key;
	}

	createHuman(args: { name?: string; email?: string } = {}): Human {
		const id = newId.human();
		const keys = newBlsKeyPair();
		const name = args.name ?? 'Simulated approver';
		const human: Human = {
			id,
			name,
			email: args.email ?? `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${id.slice(-4).toLowerCase()}@sandbox.invalid`,
			blsSecretKey: keys.secretKey,
			blsPublicKey: keys.publicKey,
			created: this.nowSeconds(),
		};
		this.humans.set(id, human);
		return human;
	}

	addAgent(agent: Agent): Agent {
		this.agents.set(agent.id, agent);
		return agent;
	}

	/** Resolves a custody-group member ID to an agent, a v2 API key or a simulated human. */
	member(id: string): Member | undefined {
		const agent = this.agents.get(id);
		if (agent) return { id, kind: 'agent', name: agent.name };
		const apiKey = this.v2ApiKeys.get(id);
		if (apiKey) return { id, kind: 'apikey', name: apiKey.name };
		const human = this.humans.get(id);
		if (human) return { id, kind: 'human', name: human.name };
		return undefined;
	}

	// ---- companies, funds, wallets ----

	createCompany(args: { name: string; city?: string; country?: string; domain?: string; ref?: string }): Company {
		const company: Company = { id: newId.entity(), ...args, created: this.nowSeconds(), trustedParties: [] };
		this.companies.set(company.id, company);
		return company;
	}

	company(id: string): Company {
		const company = this.companies.get(id);
		if (!company) throw notFound(`company_id: no company with this ID`);
		return company;
	}

	/** Adds a trusted party by address: an agent ID (core-client), a human's ID or e-mail (user), or a company ID. */
	addTrustedParty(companyId: string, address: string): TrustedParty {
		const company = this.company(companyId);
		const existing = company.trustedParties.find((p) => p.address === address || p.id === address);
		if (existing) throw conflict('address: already a trusted party of this company');
		const human = [...this.humans.values()].find((h) => h.email === address || h.id === address);
		const agent = this.agents.get(address);
		const other = this.companies.get(address);
		let party: TrustedParty;
		if (agent) party = { id: agent.id, name: agent.name, address, type: 'core-client', created: this.nowSeconds() };
		else if (human) party = { id: human.id, name: human.name, address, type: 'user', created: this.nowSeconds() };
		else if (other) party = { id: other.id, name: other.name, address, type: 'company', created: this.nowSeconds() };
		else throw notFound('address: expected the e-mail of a user or the ID of a core client or company known to Qredo');
		company.trustedParties.push(party);
		return party;
	}

	validateCustodyGroup(group: CustodyGroup, field: string): CustodyGroup {
		if (!group || !Array.isArray(group.members) || group.members.length === 0) throw badRequest(`${field}.members: expected a non-empty array of member IDs`);
		if (!Number.isSafeInteger(group.threshold) || group.threshold < 1 || group.threshold > group.members.length) {
			throw badRequest(`${field}.threshold: expected an integer from 1 to the number of members (${group.members.length})`);
		}
		if (new Set(group.members).size !== group.members.length) throw badRequest(`${field}.members: expected distinct member IDs`);
		group.members.forEach((id, i) => {
			if (typeof id !== 'string' || !this.member(id)) throw badRequest(`${field}.members[${i}]: expected the ID of a core client, API key or user known to the sandbox`);
		});
		return { threshold: group.threshold, members: [...group.members] };
	}

	createFund(args: { companyId: string; name: string; description?: string; custodygroupWithdraw: CustodyGroup; custodygroupTx: CustodyGroup }): Fund {
		this.company(args.companyId);
		const fund: Fund = {
			id: newId.entity(),
			companyId: args.companyId,
			name: args.name,
			description: args.description ?? '',
			custodygroupWithdraw: this.validateCustodyGroup(args.custodygroupWithdraw, 'custodygroup_withdraw'),
			custodygroupTx: this.validateCustodyGroup(args.custodygroupTx, 'custodygroup_tx'),
			walletIds: [],
			whitelist: [],
			created: this.nowSeconds(),
		};
		this.funds.set(fund.id, fund);
		return fund;
	}

	fund(id: string, companyId?: string): Fund {
		const fund = this.funds.get(id);
		if (!fund || (companyId !== undefined && fund.companyId !== companyId)) throw notFound('fund_id: no fund with this ID in this company');
		return fund;
	}

	asset(code: string, field = 'asset'): Asset {
		const asset = this.assets.find((a) => a.code === code);
		if (!asset) throw badRequest(`${field}: expected one of ${this.assets.map((a) => a.code).join(', ')}`);
		return asset;
	}

	addWallet(fundId: string, args: { name?: string; asset: string; type?: number; balance?: number; custodygroupWithdraw?: CustodyGroup; custodygroupTx?: CustodyGroup }): Wallet {
		const fund = this.fund(fundId);
		this.asset(args.asset);
		const id = newId.entity();
		const wallet: Wallet = {
			id,
			fundId,
			companyId: fund.companyId,
			name: args.name ?? `${args.asset} wallet`,
			asset: args.asset,
			type: args.type ?? 0,
			address: walletAddress(args.asset, id),
			shortCode: newId.shortCode(),
			balance: 0,
			pendingOut: 0,
			custodygroupWithdraw: args.custodygroupWithdraw && this.validateCustodyGroup(args.custodygroupWithdraw, 'custodygroup_withdraw'),
			custodygroupTx: args.custodygroupTx && this.validateCustodyGroup(args.custodygroupTx, 'custodygroup_tx'),
			created: this.nowSeconds(),
		};
		this.wallets.set(id, wallet);
		fund.walletIds.push(id);
		if (args.balance) this.deposit(id, args.balance);
		return wallet;
	}

	wallet(id: string): Wallet {
		const wallet = this.wallets.get(id);
		if (!wallet) throw notFound('wallet_id: no wallet with this ID');
		return wallet;
	}

	deposit(walletId: string, amount: number, from = 'external deposit'): LedgerEntry {
		const wallet = this.wallet(walletId);
		if (!Number.isSafeInteger(amount) || amount <= 0) throw badRequest('amount: expected a positive integer (base units)');
		wallet.balance += amount;
		const entry: LedgerEntry = {
			walletId,
			fundId: wallet.fundId,
			type: 'deposit',
			asset: wallet.asset,
			amount,
			fees: 0,
			netAmount: amount,
			address: wallet.address,
			reference: from,
			timestamp: this.nowSeconds(),
		};
		this.ledger.push(entry);
		return entry;
	}

	fees(type: 'withdraw' | 'transferOut' | 'swap', asset: string, amount: number): { fees: number; netAmount: number; amountToSend: number } {
		this.asset(asset);
		// Withdrawals pay a flat network fee; internal transfers and swaps pay 0.1 % (rounded up).
		const fees = type === 'withdraw' ? (WITHDRAW_FEES[asset] ?? 0) : Math.ceil(amount / 1000);
		return { fees, netAmount: Math.max(0, amount - fees), amountToSend: amount };
	}

	/** Rate-limit slot: 0 when taken now, otherwise the milliseconds until the next one is free. */
	takeRateSlot(key: string, intervalMs: number): number {
		if (intervalMs <= 0) return 0;
		const now = this.config.now();
		const last = this.rateSlots.get(key);
		if (last !== undefined && now - last < intervalMs) return intervalMs - (now - last);
		this.rateSlots.set(key, now);
		return 0;
	}

	// ---- governance ----

	private resolveRecipient(type: TxType, recipient: string): { address: string; walletId?: string; name?: string } {
		const internal = this.wallets.get(recipient) ?? [...this.wallets.values()].find((w) => w.shortCode === recipient || w.address === recipient);
		if (type === 'transfer') {
			if (!internal) throw badRequest('counterparty_wallet_address: expected the ID or short code of a Qredo wallet');
			return { address: internal.address, walletId: internal.id, name: internal.name };
		}
		return { address: recipient, walletId: internal?.id, name: internal?.name };
	}

	/** The custody group that governs a transaction on this wallet (wallet override, else the fund's). */
	custodyGroupFor(wallet: Wallet, type: TxType): CustodyGroup {
		const fund = this.fund(wallet.fundId);
		return type === 'withdraw' ? (wallet.custodygroupWithdraw ?? fund.custodygroupWithdraw) : (wallet.custodygroupTx ?? fund.custodygroupTx);
	}

	/**
	 * Creates a pending transfer or withdrawal, reserves the amount and opens one action per custody-group member
	 * (or first one for the `authorizer`). Every agent or API-key member gets the action on its feed.
	 */
	createTransaction(input: CreateTransactionInput): Transaction {
		this.sweep();
		const wallet = this.wallet(input.walletId);
		if (wallet.companyId !== input.companyId) throw notFound('wallet_id: no wallet with this ID in this company');
		const asset = input.asset ?? wallet.asset;
		if (asset !== wallet.asset) throw badRequest(`send.symbol: expected ${wallet.asset}, the asset of wallet_id`);
		if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw badRequest('send.amount: expected a positive integer (base units)');
		const available = wallet.balance - wallet.pendingOut;
		if (input.amount > available) throw badRequest(`send.amount: expected at most the available balance (${available} base units)`);
		const now = this.nowSeconds();
		const expires = input.expires ?? now + this.config.actionTtlSeconds;
		if (!Number.isSafeInteger(expires) || expires <= now) throw badRequest('expires: expected a Unix time (seconds) in the future');
		const recipient = this.resolveRecipient(input.type, input.recipient);
		if (input.recipientName) recipient.name = input.recipientName;
		if (input.type === 'transfer' && recipient.walletId === wallet.id) throw badRequest('counterparty_wallet_address: expected a wallet other than wallet_id');
		if (input.type === 'withdraw' && input.checkWhitelist !== false) {
			const fund = this.fund(wallet.fundId);
			if (!fund.whitelist.some((w) => w.address === input.recipient && w.asset === asset)) {
				throw badRequest('address: expected an address on the fund whitelist for this asset');
			}
		}
		if (input.authorizer !== undefined && !this.member(input.authorizer)) throw badRequest('authorize_id: expected the ID of a core client known to Qredo');
		const { fees, netAmount } = this.fees(input.type === 'withdraw' ? 'withdraw' : 'transferOut', asset, input.amount);
		const tx: Transaction = {
			id: newId.entity(),
			type: input.type,
			companyId: wallet.companyId,
			fundId: wallet.fundId,
			walletId: wallet.id,
			asset,
			amount: input.amount,
			fees,
			netAmount,
			recipient,
			reference: input.reference ?? '',
			benefitOf: input.benefitOf ?? '',
			accountNo: input.accountNo ?? '',
			partnerTxId: input.partnerTxId ?? '',
			initiator: input.initiator,
			created: now,
			expires,
			status: input.authorizer ? 'pending_initiate' : 'pending',
			custodyGroup: { ...this.custodyGroupFor(wallet, input.type) },
			authorizer: input.authorizer,
			approvals: [],
			rejections: [],
			actionIds: [],
		};
		wallet.pendingOut += tx.amount;
		this.transactions.set(tx.id, tx);
		this.ledger.push({
			txId: tx.id,
			walletId: wallet.id,
			fundId: wallet.fundId,
			type: tx.type === 'withdraw' ? 'withdraw' : 'transferOut',
			asset,
			amount: tx.amount,
			fees,
			netAmount,
			address: recipient.address,
			counterpartyId: recipient.walletId,
			reference: tx.reference,
			timestamp: now,
		});
		this.emit({ kind: 'transaction', transaction: tx });
		if (tx.authorizer) this.openAction(tx, tx.authorizer, 'initiate');
		else for (const member of tx.custodyGroup.members) this.openAction(tx, member, 'custody');
		return tx;
	}

	private openAction(tx: Transaction, memberId: string, stage: 'initiate' | 'custody'): Action {
		const member = this.member(memberId);
		if (!member) throw badRequest(`custody group: member ${memberId} no longer exists`);
		const protocol: ApprovalProtocol = member.kind === 'agent' ? 'v1' : member.kind === 'apikey' ? 'v2' : 'human';
		const id = newId.action();
		const wallet = this.wallet(tx.walletId);
		const action: Action = {
			id,
			txId: tx.id,
			member: memberId,
			memberKind: member.kind,
			protocol,
			type: tx.type === 'withdraw' ? 'ApproveWithdraw' : 'ApproveTransfer',
			stage,
			status: 'pending',
			created: this.nowSeconds(),
			expireTime: tx.expires,
			messages: actionMessages(
				{ actionId: id, member: memberId, kind: tx.type, txId: tx.id, asset: tx.asset, amount: tx.amount, address: tx.recipient.address, shortCode: wallet.shortCode },
				MESSAGE_COUNT[protocol][tx.type],
			),
		};
		this.actions.set(id, action);
		tx.actionIds.push(id);
		this.emit({ kind: 'action', action });
		return action;
	}

	/** Opens the action that makes registered v2 keys effective; it must be approved with a signature by the new key. */
	requestKeyRegistration(apiKeyId: string, blsPublicKey: Buffer, ecPublicKey: Buffer): Action {
		this.sweep();
		const apiKey = this.v2ApiKeys.get(apiKeyId);
		if (!apiKey) throw notFound('keyID: no API key with this ID in this workspace');
		// A new registration supersedes an earlier one that was never approved.
		const previous = apiKey.pendingRegistrationActionId && this.actions.get(apiKey.pendingRegistrationActionId);
		if (previous && previous.status === 'pending') this.close(previous, 'expired', 'superseded by a newer key registration');
		const id = newId.action();
		const action: Action = {
			id,
			member: apiKeyId,
			memberKind: 'apikey',
			protocol: 'v2',
			type: 'ApproveKeyRegistration',
			stage: 'registration',
			status: 'pending',
			created: this.nowSeconds(),
			expireTime: this.nowSeconds() + this.config.actionTtlSeconds,
			messages: actionMessages(
				{ actionId: id, member: apiKeyId, kind: 'key-registration', extra: Buffer.concat([blsPublicKey, ecPublicKey]) },
				MESSAGE_COUNT.v2.registration,
			),
			keyRegistration: { blsPublicKey, ecPublicKey },
		};
		this.actions.set(id, action);
		apiKey.pendingRegistrationActionId = id;
		this.emit({ kind: 'action', action });
		return action;
	}

	/** The action, if `member` owns it; otherwise 404 (another member's action must not even be confirmed to exist). */
	actionOf(actionId: string, member: string): Action {
		this.sweep();
		const action = this.actions.get(actionId);
		if (!action || action.member !== member) throw notFound('action_id: no action with this ID for this approver');
		return action;
	}

	/** The BLS public key a member's signatures must verify against for this action. */
	private verificationKey(action: Action): Buffer | undefined {
		if (action.stage === 'registration') return action.keyRegistration?.blsPublicKey;
		if (action.memberKind === 'agent') return this.agents.get(action.member)?.blsPublicKey;
		if (action.memberKind === 'apikey') return this.v2ApiKeys.get(action.member)?.blsPublicKey;
		return this.humans.get(action.member)?.blsPublicKey;
	}

	private assertPending(action: Action): void {
		if (action.status === 'pending') return;
		if (action.status === 'expired' && !action.closedReason) {
			throw new QredoHttpError(410, `action: expired at ${new Date(action.expireTime * 1000).toISOString()}`);
		}
		if (action.closedReason) throw conflict(`action: no longer pending (${action.closedReason})`);
		throw conflict(`action: already ${action.status}`);
	}

	/**
	 * Applies one member's decision after checking the action is theirs and pending, and verifying every signature
	 * with the pairing against the member's registered key: v1 one per message in order, v2 exactly one over
	 * messages[0] (approve and reject alike), none for a v1 reject. Every attempt is logged, failed ones too.
	 */
	decide(input: DecisionInput): Action {
		const action = this.actionOf(input.actionId, input.member);
		const entry: DecisionLogEntry = {
			at: new Date(this.config.now()).toISOString(),
			actionId: action.id,
			txId: action.txId ?? null,
			member: action.member,
			memberKind: action.memberKind,
			protocol: action.protocol,
			decision: input.decision,
			signatures: input.signatures.map((s) => (typeof s === 'string' ? s : JSON.stringify(s))),
			verified: null,
		};
		try {
			this.assertPending(action);
			// From here on a failure means the signatures did not pass (a pending-state failure leaves verified null).
			entry.verified = false;
			entry.verified = this.verifySignatures(action, input.decision, input.signatures);
		} catch (error) {
			entry.error = error instanceof QredoHttpError ? error.reason : String(error);
			this.decisionLog.push(entry);
			throw error;
		}
		this.decisionLog.push(entry);
		this.apply(action, input.decision);
		return action;
	}

	private verifySignatures(action: Action, decision: 'approve' | 'reject', signatures: unknown[]): boolean | null {
		const expected = action.protocol === 'v2' ? 1 : decision === 'reject' ? 0 : action.messages.length;
		if (signatures.length !== expected) {
			if (action.protocol === 'v2') throw badRequest('signatures: expected exactly 1 signature, over messages[0]');
			if (expected === 0) throw badRequest('body: a reject carries no signatures');
			throw badRequest(`signatures: expected ${expected} signatures, one per message, in order`);
		}
		if (expected === 0) return null;
		const key = this.verificationKey(action);
		if (!key) throw conflict(`${action.memberKind === 'apikey' ? 'keyID' : 'member'}: no BLS public key registered and approved for this approver`);
		signatures.forEach((signature, i) => {
			if (typeof signature !== 'string' || !LOWER_HEX_SIGNATURE.test(signature)) {
				throw badRequest(`signatures[${i}]: expected 98 lowercase hex characters (a 49-byte BLS signature)`);
			}
		});
		(signatures as string[]).forEach((signature, i) => {
			if (!blsVerify(key, action.messages[i], Buffer.from(signature, 'hex'))) {
				const keyName = action.stage === 'registration' ? 'the BLS key being registered' : "the approver's registered BLS key";
				throw badRequest(`signatures[${i}]: expected a BLS signature of messages[${i}] by ${keyName} (verification failed)`);
			}
		});
		return true;
	}

	/** A simulated human decides: the sandbox signs every message with the human's key and goes through decide(). */
	decideAsHuman(actionId: string, decision: 'approve' | 'reject'): Action {
		this.sweep();
		const action = this.actions.get(actionId);
		if (!action) throw notFound('actionId: no action with this ID');
		if (action.memberKind !== 'human') throw badRequest(`actionId: expected an action of a simulated human (this one belongs to a ${action.memberKind})`);
		const human = this.humans.get(action.member);
		// Like a v1 approver, a human signs every message to approve and nothing to reject.
		const signatures = human && decision === 'approve' && action.status === 'pending' ? action.messages.map((m) => signAs(human.blsSecretKey, m).toString('hex')) : [];
		return this.decide({ actionId, member: action.member, decision, signatures });
	}

	private close(action: Action, status: ActionStatus, reason?: string): void {
		action.status = status;
		action.closedReason = reason;
		action.decidedAt = this.nowSeconds();
		this.emit({ kind: 'action', action });
	}

	private apply(action: Action, decision: 'approve' | 'reject'): void {
		this.close(action, decision === 'approve' ? 'approved' : 'rejected');
		if (action.stage === 'registration') {
			const apiKey = this.v2ApiKeys.get(action.member);
			if (apiKey && apiKey.pendingRegistrationActionId === action.id) {
				if (decision === 'approve' && action.keyRegistration) {
					apiKey.blsPublicKey = action.keyRegistration.blsPublicKey;
					apiKey.ecPublicKey = action.keyRegistration.ecPublicKey;
				}
				apiKey.pendingRegistrationActionId = undefined;
			}
			return;
		}
		const tx = action.txId ? this.transactions.get(action.txId) : undefined;
		if (!tx) return;
		if (action.stage === 'initiate') {
			if (decision === 'reject') return this.finish(tx, 'initiate_rejected', action.member);
			tx.status = 'pending';
			this.emit({ kind: 'transaction', transaction: tx });
			for (const member of tx.custodyGroup.members) this.openAction(tx, member, 'custody');
			return;
		}
		if (decision === 'reject') {
			tx.rejections.push(action.member);
			return this.finish(tx, 'custody_rejected', action.member);
		}
		tx.approvals.push(action.member);
		if (tx.approvals.length >= tx.custodyGroup.threshold) this.finish(tx, 'approved', action.member);
	}

	/** Settles a transaction and closes the actions still open on it. */
	private finish(tx: Transaction, status: TxStatus, _by?: string): void {
		tx.status = status;
		tx.decidedAt = this.nowSeconds();
		const wallet = this.wallets.get(tx.walletId);
		if (wallet) {
			wallet.pendingOut -= tx.amount;
			if (status === 'approved') wallet.balance -= tx.amount;
		}
		if (status === 'approved' && tx.type === 'transfer' && tx.recipient.walletId) {
			const target = this.wallets.get(tx.recipient.walletId);
			if (target) {
				target.balance += tx.netAmount;
				this.ledger.push({
					txId: tx.id,
					walletId: target.id,
					fundId: target.fundId,
					type: 'transferIn',
					asset: tx.asset,
					amount: tx.netAmount,
					fees: 0,
					netAmount: tx.netAmount,
					address: wallet?.address ?? '',
					counterpartyId: tx.walletId,
					reference: tx.reference,
					timestamp: this.nowSeconds(),
				});
			}
		}
		const reason = status === 'expired' ? undefined : `transaction ${tx.id} is ${txStatusName(tx)}`;
		for (const id of tx.actionIds) {
			const action = this.actions.get(id);
			if (action && action.status === 'pending') this.close(action, 'expired', reason);
		}
		this.emit({ kind: 'transaction', transaction: tx });
	}

	/** Expires transactions and actions whose time has passed. Called on every request and by a timer. */
	sweep(): void {
		const now = this.nowSeconds();
		for (const tx of this.transactions.values()) {
			if ((tx.status === 'pending' || tx.status === 'pending_initiate') && tx.expires <= now) this.finish(tx, 'expired');
		}
		for (const action of this.actions.values()) {
			if (action.status === 'pending' && action.expireTime <= now) this.close(action, 'expired');
		}
	}

	// ---- reset ----

	/** Remembers current balances as the state `reset()` returns to (called after seeding). */
	markBaseline(): void {
		this.baseline = new Map([...this.wallets.values()].map((w) => [w.id, w.balance]));
	}

	/**
	 * Forgets transactions, actions, the decision log, ledger movements after the baseline, nonces and rate-limit
	 * slots, and restores baseline balances. Identities, companies, funds and wallets stay, so issued credentials
	 * keep working.
	 */
	reset(): void {
		this.transactions.clear();
		this.actions.clear();
		this.decisionLog.length = 0;
		this.rateSlots.clear();
		for (const key of this.partnerKeys.values()) key.lastNonce = undefined;
		for (const key of this.v2ApiKeys.values()) key.pendingRegistrationActionId = undefined;
		const kept = this.ledger.filter((e) => e.type === 'deposit' && this.baseline.has(e.walletId));
		this.ledger.length = 0;
		this.ledger.push(...kept);
		for (const wallet of this.wallets.values()) {
			wallet.balance = this.baseline.get(wallet.id) ?? 0;
			wallet.pendingOut = 0;
		}
		for (const listener of this.resetListeners) listener();
	}
}

/** Qredo's tx_status string: `pending_transfer`, `approved_withdrawal`, `custody_rejected_transfer`, … (§3.1). */
export function txStatusName(tx: Pick<Transaction, 'status' | 'type'>): string {
	return `${tx.status}_${tx.type === 'withdraw' ? 'withdrawal' : 'transfer'}`;
}
