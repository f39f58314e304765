/**
 * The sandbox's data model: what Qredo keeps (identities, companies, funds, wallets, transactions, approval actions,
 * swaps, Web3 transactions, ledger movements) as plain records. state.ts holds them; governance.ts applies the rules.
 */
import type { KeyObject } from 'node:crypto';


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

/** Qredo's tx_status string: `pending_transfer`, `approved_withdrawal`, `custody_rejected_transfer`, … (§3.1). */
export function txStatusName(tx: Pick<Transaction, 'status' | 'type'>): string {
	return `${tx.status}_${tx.type === 'withdraw' ? 'withdrawal' : 'transfer'}`;
}
