/**
 * Qredo API v1 (§3.2, HMAC §1.1): read-only account, balance, funds, ledger, trusted parties and wallet history, plus
 * the Web3 API (POST /transaction, status, approvals, and the /transactions/feed websocket).
 *
 * A qapi key with a company is an organization account; one without is a personal account, which owns no wallets in
 * the sandbox. Amounts are base units throughout, with `scale` (base units per coin) where the swagger has it.
 *
 * Web3 transactions are not put to a custody group: the core governance counts base units of a wallet's asset and
 * wei values do not fit it. They run a fixed lifecycle instead, one step every WEB3_STEP_MS: created → authorized →
 * pending → approved (by the sandbox's simulated custodian) → signed → pushed → mined, or failed when the wallet
 * cannot pay value + gas. Every step is a txFeedStatus frame on the feed.
 */
import { createHash } from 'node:crypto';
import type { SandboxContext } from '../context';
import { badRequest, forbidden, type JsonObject, notFound, optionalString, requireString } from '../http';
import { newId } from '../ids';
import { queryBoolean } from '../query';
import { fundsOfCompany, walletOfCompany, walletsOfCompany } from '../access';
import type { SandboxState } from '../governance';
import { custodyGroupId } from '../ids';
import { movements, pendingIn, scaleMultiplier } from '../ledger';
import type { Action, Company, CustodyGroup, Fund, Movement, QapiKey, Transaction, Wallet, Web3Status, Web3Transaction } from '../model';
import { isEvmAddress } from '../readers';
import { entityView, fundMembers, walletInfoView } from '../views';
import { QAPI_BASE, type Router } from '../router';

/** Time between two steps of a Web3 transaction's lifecycle (real time, like the feed faults). */
export const WEB3_STEP_MS = 200;

const WEB3_STEPS: Array<{ status: Web3Status; message: string }> = [
	{ status: 'authorized', message: 'initiator authorized' },
	{ status: 'pending', message: 'waiting for custodian approval' },
	{ status: 'approved', message: 'custodian approved' },
	{ status: 'signed', message: 'transaction signed' },
	{ status: 'pushed', message: 'transaction broadcast' },
	{ status: 'mined', message: 'transaction mined' },
];

/** qapi ledger TxType (§3.2): 1 Withdraw, 2 Transfer, 3 Swap, 6 Deposit. */
const LEDGER_TYPE: Record<Movement['type'], number> = { withdraw: 1, transferIn: 2, transferOut: 2, swapIn: 3, swapOut: 3, deposit: 6 };

const DIGITS = /^\d+$/;
const WEI_PER_GWEI = 1_000_000_000n;

const hex = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex');

function companyOf(state: SandboxState, key: QapiKey): Company | undefined {
	return key.companyId ? state.companies.get(key.companyId) : undefined;
}

/** The account's wallets; a personal account holds none in the sandbox. */
function accountWallets(state: SandboxState, key: QapiKey): Wallet[] {
	return key.companyId ? walletsOfCompany(state, key.companyId) : [];
}

function accountFund(state: SandboxState, key: QapiKey, fundId: string): Fund {
	const fund = state.funds.get(fundId);
	if (!fund || !key.companyId || fund.companyId !== key.companyId) throw notFound('fund_id: no fund with this ID in this account');
	return fund;
}

function accountWallet(state: SandboxState, key: QapiKey, walletId: string): Wallet {
	if (!key.companyId) throw notFound('wallet_id: no wallet with this ID in this account');
	return walletOfCompany(state, key.companyId, walletId);
}

/** qapi Policy: like the Partner API's, with members wrapped as PolicyMember {dedicated, entity:[Entity]}. */
function qapiPolicy(state: SandboxState, id: string, name: string, group: CustodyGroup, fund: Fund) {
	return {
		id,
		name,
		threshold: group.threshold,
		membersCount: group.members.length,
		members: group.members.map((m) => ({ dedicated: false, entity: [entityView(state, m)] })),
		entityID: fund.companyId,
		funds: [fund.id],
		fundsCount: 1,
		walletCount: fund.walletIds.length,
		dedicatedWalletCount: 0,
		locked: false,
		lockedTxID: '',
	};
}

function fundInfoView(ctx: SandboxContext, fund: Fund) {
	const { state } = ctx;
	const withdrawId = custodyGroupId(fund.id, 'withdraw');
	const txId = custodyGroupId(fund.id, 'tx');
	return {
		custodygroup_withdraw: withdrawId,
		custodygroup_tx: txId,
		description: fund.description,
		fund_id: fund.id,
		name: fund.name,
		members: fundMembers(state, fund).map((m) => ({ entity: entityView(state, m.id), permissions: { custodian: true, fundManager: false, trader: false } })),
		policyTx: qapiPolicy(state, txId, `${fund.name} tx policy`, fund.custodygroupTx, fund),
		// Sic: the swagger spells it policyWithdrawl.
		policyWithdrawl: qapiPolicy(state, withdrawId, `${fund.name} withdraw policy`, fund.custodygroupWithdraw, fund),
		wallets: fund.walletIds.map((id) => walletInfoView(ctx, state.wallet(id))),
	};
}

/** Wallet history status: the §3.2 TxStatus list has no taker states; a taken swap reads as approved. */
function historyStatus(row: Movement): string {
	if (row.status === 'taker_approved') return 'approved';
	if (row.status === 'taker_pending') return 'pending';
	return row.status;
}

function web3View(tx: Web3Transaction) {
	return {
		accountID: tx.companyId ?? tx.qapiKeyId,
		chainID: tx.chainID,
		createdBy: tx.qapiKeyId,
		data: tx.data,
		from: tx.from,
		gasLimit: tx.gasLimit,
		gasPrice: tx.gasPrice ?? '',
		...(tx.maxFeePerGas !== undefined ? { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas } : {}),
		network: '',
		// txInfoResponse types the nonce as a string, txFeedStatus as an integer (§3.2).
		nonce: String(tx.nonce),
		rawTX: tx.rawTX,
		signedTx: tx.signedTx,
		status: tx.status,
		timestamps: tx.timestamps,
		to: tx.to,
		txHash: tx.txHash,
		txID: tx.id,
		value: tx.value,
		events: tx.events,
	};
}

function feedFrame(tx: Web3Transaction): string {
	return JSON.stringify({
		txID: tx.id,
		txHash: tx.txHash,
		status: tx.status,
		timestamps: tx.timestamps,
		events: tx.events,
		nonce: tx.nonce,
		gasPrice: tx.gasPrice ?? tx.maxFeePerGas ?? '',
		gasLimit: tx.gasLimit,
		from: tx.from,
		to: tx.to,
		value: tx.value,
		data: tx.data,
		rawTX: tx.rawTX,
		createdBy: tx.qapiKeyId,
		accountID: tx.companyId ?? tx.qapiKeyId,
		network: '',
		chainID: tx.chainID,
	});
}

function visibleTo(key: QapiKey, tx: Web3Transaction): boolean {
	return tx.companyId !== undefined ? tx.companyId === key.companyId : tx.qapiKeyId === key.id;
}

function requireDigits(body: JsonObject, field: string, what: string): string {
	const value = requireString(body, field);
	if (!DIGITS.test(value)) throw badRequest(`${field}: expected ${what} as a string of decimal digits`);
	return value;
}

function optionalDigits(body: JsonObject, field: string, what: string): string | undefined {
	return body[field] === undefined || body[field] === null ? undefined : requireDigits(body, field, what);
}

/** What value + gas costs at most, in wei. */
function maxCostWei(tx: Web3Transaction): bigint {
	return BigInt(tx.value) + BigInt(tx.gasLimit) * BigInt(tx.gasPrice ?? tx.maxFeePerGas ?? '0');
}

/** The approvals of a governance transaction: one row per custody action, with the signature once verified. */
function governanceApprovals(state: SandboxState, tx: Transaction) {
	return tx.actionIds
		.map((id) => state.actions.get(id))
		.filter((a): a is Action => !!a)
		.map((action) => {
			const entity = entityView(state, action.member);
			const decision = state.decisionLog.find((d) => d.actionId === action.id && d.verified === true);
			const human = state.humans.get(action.member);
			const [firstName = '', ...rest] = entity.name.split(/\s+/);
			return {
				txID: tx.id,
				userID: action.member,
				actionID: action.id,
				external: action.memberKind !== 'human',
				signature: decision?.signatures[0] ?? '',
				signatures: Object.fromEntries((decision?.signatures ?? []).map((s, i) => [String(i), s])),
				firstName,
				lastName: rest.join(' '),
				email: human?.email ?? '',
				username: human ? human.email.split('@')[0] : entity.name,
				status: action.status,
				accountCode: entity.accountCode,
			};
		});
}

export function register(router: Router, ctx: SandboxContext): void {
	const { state } = ctx;
	const Q = QAPI_BASE;

	router.get(`${Q}/account`, 'qapi', (req) => {
		const key = req.principal;
		const company = companyOf(state, key);
		const keysOfAccount = [...state.qapiKeys.values()].filter((k) => (company ? k.companyId === company.id : k.id === key.id)).map((k) => ({ keyID: k.id, name: k.name }));
		if (!company) {
			return { settings: { id: key.id, username: key.name, name: key.name, email: '', defaultFiat: 'USD', testnetAssets: true, partnerAPI: false, userAPIKeys: keysOfAccount } };
		}
		return {
			settings: {
				id: company.id,
				name: company.name,
				email: `admin@${company.domain || 'sandbox.invalid'}`,
				domain: company.domain ?? '',
				address: [company.city, company.country].filter(Boolean).join(', '),
				members: company.trustedParties
					.filter((p) => p.type === 'user')
					.map((p) => {
						const human = state.humans.get(p.id);
						return { id: p.id, username: human ? human.email.split('@')[0] : p.name, email: human?.email ?? p.address, name: p.name };
					}),
				connectClients: company.trustedParties.filter((p) => p.type === 'core-client').map((p) => p.id),
				rpcNetworks: [{ name: 'Ethereum Sepolia', chainID: '11155111' }],
				partnerAPI: true,
				userAPIKeys: { number_of_keys: keysOfAccount.length, user_api_keys: keysOfAccount },
			},
		};
	});

	router.get(`${Q}/balance`, 'qapi', (req) => {
		const assets: Record<string, { total: number; available: number; pendingIn: number; pendingOut: number; scale: number }> = {};
		for (const wallet of accountWallets(state, req.principal)) {
			const entry = (assets[wallet.asset] ??= { total: 0, available: 0, pendingIn: 0, pendingOut: 0, scale: scaleMultiplier(state, wallet.asset) });
			entry.total += wallet.balance;
			entry.pendingOut += wallet.pendingOut;
			entry.available += wallet.balance - wallet.pendingOut;
			entry.pendingIn += pendingIn(ctx, wallet.id);
		}
		return { assets };
	});

	router.get(`${Q}/funds`, 'qapi', (req) => {
		// Validated though the sandbox archives nothing: `archived=yes` is still a client bug.
		queryBoolean(req.query, 'archived');
		const key = req.principal;
		const funds = key.companyId ? fundsOfCompany(state, key.companyId) : [];
		return {
			total: funds.length,
			funds: funds.map((fund) => {
				const holdings: Record<string, number> = {};
				for (const id of fund.walletIds) {
					const wallet = state.wallet(id);
					holdings[wallet.asset] = (holdings[wallet.asset] ?? 0) + wallet.balance;
				}
				return { fundID: fund.id, name: fund.name, theme: 0, holdings };
			}),
		};
	});

	router.get(`${Q}/funds/:fund_id`, 'qapi', (req) => ({ fundInfo: fundInfoView(ctx, accountFund(state, req.principal, req.params.fund_id)) }));

	router.get(`${Q}/funds/:fund_id/ledger`, 'qapi', (req) => {
		const fund = accountFund(state, req.principal, req.params.fund_id);
		const list = movements(ctx, { fundId: fund.id }).map((row) => {
			const counterparty = row.counterpartyId ? state.wallets.get(row.counterpartyId) : undefined;
			const counterpartyCompany = counterparty ? state.companies.get(counterparty.companyId) : undefined;
			return {
				txID: row.txId,
				chainTxID: row.chainTxId,
				fundID: row.fundId,
				walletID: row.walletId,
				timestamp: row.timestamp,
				type: LEDGER_TYPE[row.type],
				asset: row.asset,
				amount: row.amount,
				fees: row.fees,
				netAmount: row.netAmount,
				counterpartyID: row.counterpartyId,
				counterpartyName: counterpartyCompany?.name ?? '',
				counterpartyEntity: counterpartyCompany ? entityView(state, counterpartyCompany.id) : null,
				address: row.address,
				reference: row.reference,
				benefitOf: row.benefitOf,
				accountNo: row.accountNo,
				later1TxID: row.chainTxId ? [row.chainTxId] : [],
			};
		});
		const wallets = fund.walletIds.map((id) => state.wallet(id)).map((w) => ({ walletID: w.id, fundName: fund.name, walletName: w.name, type: w.type }));
		return { list, total: list.length, wallets };
	});

	router.get(`${Q}/trustedparties`, 'qapi', (req) => {
		// §3.2 swagger: "Attempting to use this service with an API key linked to an Organization account will raise an error."
		if (req.principal.companyId) throw forbidden('trustedparties: available to personal accounts only; this API key belongs to an organization');
		return { members: [] };
	});

	// The swagger writes /wallet/…, the read-only guide /wallets/… (§7 item 8): both answer.
	for (const base of ['wallet', 'wallets']) {
		router.get(`${Q}/${base}/:wallet_id/history`, 'qapi', (req) => {
			const wallet = accountWallet(state, req.principal, req.params.wallet_id);
			return {
				history: movements(ctx, { walletId: wallet.id }).map((row) => ({
					txID: row.txId,
					chainTxID: row.chainTxId,
					walletID: row.walletId,
					timestamp: row.timestamp,
					asset: row.asset,
					amount: row.amount,
					fees: row.fees,
					netAmount: row.netAmount,
					status: historyStatus(row),
				})),
			};
		});
	}

	router.post(`${Q}/transaction`, 'qapi', (req) => {
		const key = req.principal;
		const body = req.json();
		const from = requireString(body, 'from');
		if (!isEvmAddress(from)) throw badRequest('from: expected an EVM address (0x followed by 40 hex digits)');
		const to = requireString(body, 'to');
		if (!isEvmAddress(to)) throw badRequest('to: expected an EVM address (0x followed by 40 hex digits)');
		const value = requireDigits(body, 'value', 'the amount in wei ("0" for a call that moves nothing)');
		const gasLimit = requireDigits(body, 'gasLimit', 'the gas limit ("0" for a call without on-chain cost)');
		const gasPrice = optionalDigits(body, 'gasPrice', 'the legacy gas price in wei');
		const maxFeePerGas = optionalDigits(body, 'maxFeePerGas', 'the EIP-1559 maximum fee per gas in wei');
		const maxPriorityFeePerGas = optionalDigits(body, 'maxPriorityFeePerGas', 'the EIP-1559 priority fee per gas in wei');
		if (gasPrice !== undefined && (maxFeePerGas !== undefined || maxPriorityFeePerGas !== undefined)) {
			throw badRequest('gasPrice: expected either gasPrice (type 0/1) or maxFeePerGas with maxPriorityFeePerGas (type 2), not both');
		}
		if ((maxFeePerGas === undefined) !== (maxPriorityFeePerGas === undefined)) {
			throw badRequest(`${maxFeePerGas === undefined ? 'maxFeePerGas' : 'maxPriorityFeePerGas'}: expected together with ${maxFeePerGas === undefined ? 'maxPriorityFeePerGas' : 'maxFeePerGas'} (EIP-1559)`);
		}
		if (maxFeePerGas !== undefined && BigInt(maxPriorityFeePerGas as string) > BigInt(maxFeePerGas)) throw badRequest('maxPriorityFeePerGas: expected at most maxFeePerGas');
		const data = optionalString(body, 'data') ?? '';
		if (data !== '' && !/^0x([0-9a-fA-F]{2})*$/.test(data)) throw badRequest('data: expected 0x-prefixed hex with whole bytes');
		const chainID = optionalDigits(body, 'chainID', 'the chain ID') ?? '1';
		const note = optionalString(body, 'note', { maxLength: 1024 }) ?? '';
		const wallet = accountWallets(state, key).find((w) => w.asset === 'ETH' && w.address.toLowerCase() === from.toLowerCase());
		if (!wallet) throw badRequest('from: expected the address of an ETH wallet of this account');

		const store = ctx.state;
		const nonceKey = from.toLowerCase();
		const nonce = store.web3Nonces.get(nonceKey) ?? 0;
		store.web3Nonces.set(nonceKey, nonce + 1);
		const id = newId.entity();
		const now = ctx.nowSeconds();
		const tx: Web3Transaction = {
			id,
			qapiKeyId: key.id,
			companyId: key.companyId,
			walletId: wallet.id,
			from,
			to,
			value,
			gasLimit,
			gasPrice,
			maxFeePerGas,
			maxPriorityFeePerGas,
			data,
			chainID,
			note,
			nonce,
			status: 'created',
			timestamps: { created: now },
			events: [{ id: newId.entity(), timestamp: now, status: 'created', message: '' }],
			txHash: '',
			rawTX: '0x' + hex('raw', id, from, to, value, gasLimit, data),
			signedTx: '',
		};
		store.web3.set(id, tx);
		store.emitWeb3(tx);
		scheduleLifecycle(ctx, tx);
		return web3View(tx);
	});

	const web3Of = (key: QapiKey, txId: string): Web3Transaction | undefined => {
		const tx = ctx.state.web3.get(txId);
		return tx && visibleTo(key, tx) ? tx : undefined;
	};

	router.get(`${Q}/transactions/:tx_id/status`, 'qapi', (req) => {
		const tx = web3Of(req.principal, req.params.tx_id);
		if (!tx) throw notFound('tx_id: no Web3 transaction with this ID in this account');
		return web3View(tx);
	});

	router.get(`${Q}/transactions/:tx_id/approvals`, 'qapi', (req) => {
		const key = req.principal;
		const web3 = web3Of(key, req.params.tx_id);
		if (web3) {
			const decided = web3.timestamps.approved !== undefined;
			const list = [
				{
					txID: web3.id,
					userID: 'sandbox-custodian',
					actionID: custodyGroupId(web3.id, 'tx'),
					external: false,
					signature: decided ? hex('approval', web3.id) : '',
					signatures: {},
					firstName: 'Sandbox',
					lastName: 'Custodian',
					email: 'custodian@sandbox.invalid',
					username: 'sandbox-custodian',
					status: decided ? 'approved' : 'pending',
					accountCode: 'sandbox-custodian',
				},
			];
			return { total: list.length, list };
		}
		// Transfers and withdrawals of the account have approvals too: one per custody action.
		const tx = state.transactions.get(req.params.tx_id);
		if (!tx || !key.companyId || tx.companyId !== key.companyId) throw notFound('tx_id: no transaction with this ID in this account');
		const list = governanceApprovals(state, tx);
		return { total: list.length, list };
	});

	router.ws(`${Q}/transactions/feed`, 'qapi', (socket, req) => {
		const key = req.principal;
		// The hub owns the connection (pings, drop and refuse faults); Web3 frames come from the resource store.
		ctx.feeds.attach(socket, { kind: 'custom', name: `qapi-transactions:${key.id}`, render: () => undefined });
		const unsubscribe = ctx.state.onWeb3((tx) => {
			if (!visibleTo(key, tx) || socket.readyState !== socket.OPEN) return;
			for (const frame of ctx.faults.framesFor(feedFrame(tx))) socket.send(frame);
		});
		socket.on('close', unsubscribe);
	});
}

/** Advances a Web3 transaction one step every WEB3_STEP_MS until mined or failed; stops if a reset forgot it. */
function scheduleLifecycle(ctx: SandboxContext, tx: Web3Transaction): void {
	let index = 0;
	const step = () => {
		const store = ctx.state;
		if (store.web3.get(tx.id) !== tx) return;
		const next = WEB3_STEPS[index++];
		const now = ctx.nowSeconds();
		if (next.status === 'pushed') {
			const wallet = ctx.state.wallets.get(tx.walletId);
			const balanceWei = BigInt(wallet ? wallet.balance - wallet.pendingOut : 0) * WEI_PER_GWEI;
			if (maxCostWei(tx) > balanceWei) {
				advance(store, tx, 'failed', 'insufficient funds for gas * price + value', now);
				return;
			}
		}
		if (next.status === 'signed') {
			tx.txHash = '0x' + hex('hash', tx.id);
			tx.signedTx = tx.rawTX + hex('signature', tx.id);
		}
		advance(store, tx, next.status, next.message, now);
		if (index < WEB3_STEPS.length) setTimeout(step, WEB3_STEP_MS).unref();
	};
	setTimeout(step, WEB3_STEP_MS).unref();
}

function advance(store: SandboxState, tx: Web3Transaction, status: Web3Status, message: string, now: number): void {
	tx.status = status;
	tx.timestamps[status] = now;
	tx.events.push({ id: newId.entity(), timestamp: now, status, message });
	store.emitWeb3(tx);
}
