/**
 * The sandbox's one store: identities (Partner API keys, qapi keys, v2 API keys, v1 agents, simulated humans),
 * companies, funds with custody groups, wallets and balances, the ledger, rate-limit slots, and what only some surfaces
 * use (company owners, Qredo-hosted core clients, wallet connections, swaps, Web3 transactions, partner_txID keys).
 * The rules that move money (transactions, approval actions, decisions, expiry, reset) are governance.ts, which
 * extends this class; routes translate wire formats and never parse HTTP here. Errors are QredoHttpError so a route
 * can let them through unchanged.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { mpinServerSecret, newBlsKeyPair, randomScalar } from './crypto';
import { badRequest, conflict, notFound } from './http';
import { newApiSecret, newId, walletAddress } from './ids';
import { ASSETS, type Agent, type Asset, type Company, type CustodyGroup, type DecisionLogEntry, type Fund, type HostedClient, type Human, type LedgerEntry, type Member, type PartnerKey, type QapiKey, type StateConfig, type StateEvent, type Swap, type TrustedParty, type V2ApiKey, type Wallet, type Web3Transaction } from './model';

/** Flat network fees for withdrawals, in base units. */
const WITHDRAW_FEES: Record<string, number> = { BTC: 2000, ETH: 420000, USDC: 1000000, QRDO: 100000 };

export class SandboxStore {
	readonly companies = new Map<string, Company>();
	readonly funds = new Map<string, Fund>();
	readonly wallets = new Map<string, Wallet>();
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

	// What only some surfaces use.
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

	private readonly listeners = new Set<(event: StateEvent) => void>();
	private readonly web3Listeners = new Set<(tx: Web3Transaction) => void>();
	protected readonly rateSlots = new Map<string, number>();

	constructor(protected readonly config: StateConfig) {
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

	protected emit(event: StateEvent): void {
		for (const listener of this.listeners) listener(event);
	}

	onWeb3(listener: (tx: Web3Transaction) => void): () => void {
		this.web3Listeners.add(listener);
		return () => this.web3Listeners.delete(listener);
	}

	emitWeb3(tx: Web3Transaction): void {
		for (const listener of this.web3Listeners) listener(tx);
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

	// ---- swaps ----

	/** Ends an open swap without a taker and releases the maker's reservation. */
	closeSwap(swap: Swap, status: 'cancelled' | 'expired'): void {
		const wallet = this.wallets.get(swap.send.walletId);
		if (wallet) wallet.pendingOut -= swap.send.gross;
		swap.status = status;
		swap.closedAt = this.nowSeconds();
		swap.liquidityHubAdded = undefined;
	}
}
