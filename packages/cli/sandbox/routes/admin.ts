/**
 * The admin API under /sandbox/admin: set up the world, create pending transfers and withdrawals, act as simulated
 * human approvers, read the decision log, reset, and flip fault switches. JSON, no auth, loopback peers only (the
 * server refuses others before routing). Field names are camelCase; IDs are the ones the Qredo surfaces use.
 */
import type { SandboxContext } from '../context';
import type { FaultRule, FaultScope } from '../faults';
import {
	badRequest,
	type JsonObject,
	notFound,
	optionalBoolean,
	optionalInteger,
	optionalString,
	reply,
	requireInteger,
	requireObject,
	requireString,
} from '../http';
import { ADMIN_BASE, type Router, type SandboxRequest } from '../router';
import type { SandboxState } from '../governance';
import { type Action, type CustodyGroup, type Fund, type Transaction, txStatusName, type Wallet } from '../model';

const ADMIN_INITIATOR = { kind: 'admin' as const, id: 'sandbox-admin', name: 'Sandbox admin' };

/** Admin bodies are optional for endpoints without required fields. */
function body(req: SandboxRequest): JsonObject {
	return req.rawBody.length === 0 ? {} : req.json();
}

function custodyGroup(value: unknown, field: string): CustodyGroup {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${field}: expected {threshold, members}`);
	const group = value as JsonObject;
	return { threshold: requireInteger(group, 'threshold', { min: 1, path: `${field}.` }), members: group.members as string[] };
}

/** An action as the admin API shows it (GET /transactions, /transactions/{id}, /actions/{id}). */
export type AdminActionView = ReturnType<typeof actionView>;
/** A transaction as the admin API shows it. */
export type AdminTransactionView = ReturnType<typeof transactionView>;

export function actionView(action: Action) {
	return {
		actionId: action.id,
		txId: action.txId ?? null,
		member: action.member,
		memberKind: action.memberKind,
		protocol: action.protocol,
		type: action.type,
		stage: action.stage,
		status: action.status,
		closedReason: action.closedReason ?? null,
		created: action.created,
		expireTime: action.expireTime,
		messages: action.messages.map((m) => m.toString('hex')),
	};
}

export function transactionView(state: SandboxState, tx: Transaction) {
	return {
		txId: tx.id,
		type: tx.type,
		status: tx.status,
		txStatus: txStatusName(tx),
		companyId: tx.companyId,
		fundId: tx.fundId,
		walletId: tx.walletId,
		asset: tx.asset,
		amount: tx.amount,
		fees: tx.fees,
		netAmount: tx.netAmount,
		recipient: tx.recipient,
		reference: tx.reference,
		initiator: tx.initiator,
		created: tx.created,
		expires: tx.expires,
		authorizer: tx.authorizer ?? null,
		threshold: tx.custodyGroup.threshold,
		members: tx.custodyGroup.members,
		approvals: tx.approvals,
		rejections: tx.rejections,
		actions: tx.actionIds.map((id) => state.actions.get(id)).filter((a): a is Action => !!a).map(actionView),
	};
}

function walletView(wallet: Wallet) {
	return {
		walletId: wallet.id,
		name: wallet.name,
		asset: wallet.asset,
		address: wallet.address,
		shortCode: wallet.shortCode,
		balance: wallet.balance,
		pendingOut: wallet.pendingOut,
		custodygroupWithdraw: wallet.custodygroupWithdraw ?? null,
		custodygroupTx: wallet.custodygroupTx ?? null,
	};
}

function fundView(state: SandboxState, fund: Fund) {
	return {
		fundId: fund.id,
		companyId: fund.companyId,
		name: fund.name,
		description: fund.description,
		custodygroupWithdraw: fund.custodygroupWithdraw,
		custodygroupTx: fund.custodygroupTx,
		whitelist: fund.whitelist,
		wallets: fund.walletIds.map((id) => walletView(state.wallet(id))),
	};
}

/** Everything in the world except secrets. */
function stateView(state: SandboxState) {
	return {
		companies: [...state.companies.values()].map((c) => ({ companyId: c.id, name: c.name, trustedParties: c.trustedParties })),
		funds: [...state.funds.values()].map((f) => fundView(state, f)),
		agents: [...state.agents.values()].map((a) => ({ agentId: a.id, name: a.name, status: a.status, blsPublicKey: a.blsPublicKey.toString('hex') })),
		v2ApiKeys: [...state.v2ApiKeys.values()].map((k) => ({
			keyId: k.id,
			name: k.name,
			workspaceId: k.workspaceId,
			registered: !!k.blsPublicKey,
			pendingRegistrationActionId: k.pendingRegistrationActionId ?? null,
		})),
		humans: [...state.humans.values()].map((h) => ({ humanId: h.id, name: h.name, email: h.email })),
		partnerKeys: [...state.partnerKeys.values()].map((k) => ({ keyId: k.keyId, name: k.name })),
		qapiKeys: [...state.qapiKeys.values()].map((k) => ({ keyId: k.id, name: k.name, companyId: k.companyId ?? null })),
	};
}

function walletFor(state: SandboxState, input: JsonObject): Wallet {
	const walletId = optionalString(input, 'walletId');
	if (walletId) return state.wallet(walletId);
	const fundId = requireString(input, 'fundId');
	const asset = optionalString(input, 'asset');
	const fund = state.fund(fundId);
	const wallet = fund.walletIds.map((id) => state.wallet(id)).find((w) => asset === undefined || w.asset === asset);
	if (!wallet) throw badRequest(`asset: expected an asset the fund holds a wallet for`);
	return wallet;
}

const SCOPES: FaultScope[] = ['http', 'feeds', 'all'];
function optionalScope(input: JsonObject, field: string): FaultScope | undefined {
	const value = input[field];
	if (value === undefined) return undefined;
	if (!SCOPES.includes(value as FaultScope)) throw badRequest(`${field}: expected one of ${SCOPES.join(', ')}`);
	return value as FaultScope;
}

const MAX_FAULT_RULES = 50;

function faultRules(value: unknown): FaultRule[] {
	if (!Array.isArray(value) || value.length > MAX_FAULT_RULES) throw badRequest(`rules: expected an array of at most ${MAX_FAULT_RULES} {method?, path?, count, when?, effect}`);
	return value.map((item: unknown, i) => {
		const path = `rules[${i}].`;
		if (item === null || typeof item !== 'object' || Array.isArray(item)) throw badRequest(`rules[${i}]: expected an object`);
		const rule = item as JsonObject;
		const effect = rule.effect;
		if (effect !== 'drop' && effect !== 'pass' && !(typeof effect === 'number' && (effect === 429 || (effect >= 500 && effect <= 599)))) {
			throw badRequest(`${path}effect: expected 429, a 5xx status, "drop" or "pass"`);
		}
		const when = optionalString(rule, 'when', { path }) ?? 'before';
		if (when !== 'before' && when !== 'after') throw badRequest(`${path}when: expected "before" or "after"`);
		const method = optionalString(rule, 'method', { path });
		const pattern = optionalString(rule, 'path', { path });
		if (pattern !== undefined) {
			try {
				new RegExp(pattern);
			} catch {
				throw badRequest(`${path}path: expected a regular expression`);
			}
		}
		return {
			method: method?.toUpperCase(),
			path: pattern,
			count: requireInteger(rule, 'count', { path, min: 1 }),
			when,
			effect: effect as number | 'drop' | 'pass',
			delayMs: optionalInteger(rule, 'delayMs', { path }),
			retryAfterSeconds: optionalInteger(rule, 'retryAfterSeconds', { path }),
		};
	});
}

export function register(router: Router, ctx: SandboxContext): void {
	const { state } = ctx;
	const A = ADMIN_BASE;

	router.get(A, 'none', () => ({ routes: router.list() }));
	router.get(`${A}/state`, 'none', () => stateView(state));

	// ---- world setup ----
	router.post(`${A}/companies`, 'none', (req) => {
		const input = body(req);
		const company = state.createCompany({ name: requireString(input, 'name'), city: optionalString(input, 'city'), country: optionalString(input, 'country'), domain: optionalString(input, 'domain') });
		return reply(201, { companyId: company.id, name: company.name });
	});
	router.post(`${A}/humans`, 'none', (req) => {
		const input = body(req);
		const human = state.createHuman({ name: optionalString(input, 'name'), email: optionalString(input, 'email') });
		return reply(201, { humanId: human.id, name: human.name, email: human.email });
	});
	router.post(`${A}/trusted-parties`, 'none', (req) => {
		const input = body(req);
		return reply(201, state.addTrustedParty(requireString(input, 'companyId'), requireString(input, 'address')));
	});
	router.post(`${A}/partner-keys`, 'none', (req) => {
		const input = body(req);
		const key = state.registerPartnerKey(requireString(input, 'publicKey'), optionalString(input, 'name'));
		return reply(201, { apiKey: key.apiKey, keyId: key.keyId });
	});
	router.post(`${A}/qapi-keys`, 'none', (req) => {
		const input = body(req);
		const key = state.createQapiKey({ name: optionalString(input, 'name'), companyId: optionalString(input, 'companyId') });
		return reply(201, { keyId: key.id, secret: key.secret });
	});
	router.post(`${A}/v2-apikeys`, 'none', (req) => {
		const input = body(req);
		const key = state.createV2ApiKey({ name: optionalString(input, 'name'), workspaceId: optionalString(input, 'workspaceId') });
		return reply(201, { keyId: key.id, secret: key.secret, workspaceId: key.workspaceId });
	});
	router.post(`${A}/funds`, 'none', (req) => {
		const input = body(req);
		const fund = state.createFund({
			companyId: requireString(input, 'companyId'),
			name: requireString(input, 'name'),
			description: optionalString(input, 'description'),
			custodygroupWithdraw: custodyGroup(input.custodygroupWithdraw, 'custodygroupWithdraw'),
			custodygroupTx: custodyGroup(input.custodygroupTx, 'custodygroupTx'),
		});
		const wallets = input.wallets === undefined ? [] : input.wallets;
		if (!Array.isArray(wallets)) throw badRequest('wallets: expected an array of {asset, name?, balance?}');
		wallets.forEach((w: JsonObject, i: number) => {
			const path = `wallets[${i}].`;
			state.addWallet(fund.id, { asset: requireString(w, 'asset', { path }), name: optionalString(w, 'name', { path }), balance: optionalInteger(w, 'balance', { path }) });
		});
		return reply(201, fundView(state, fund));
	});
	router.post(`${A}/funds/:fundId/whitelist`, 'none', (req) => {
		const input = body(req);
		const fund = state.fund(req.params.fundId);
		const entry = { asset: requireString(input, 'asset'), address: requireString(input, 'address'), name: optionalString(input, 'name') ?? '' };
		state.asset(entry.asset);
		fund.whitelist.push(entry);
		return reply(201, entry);
	});
	router.post(`${A}/wallets/:walletId/deposit`, 'none', (req) => {
		const input = body(req);
		state.deposit(req.params.walletId, requireInteger(input, 'amount', { min: 1 }));
		return walletView(state.wallet(req.params.walletId));
	});

	// ---- transactions and actions ----
	router.post(`${A}/transactions`, 'none', (req) => {
		const input = body(req);
		const type = input.type;
		if (type !== 'transfer' && type !== 'withdraw') throw badRequest('type: expected "transfer" or "withdraw"');
		const wallet = walletFor(state, input);
		const expiresIn = optionalInteger(input, 'expiresInSeconds', { min: 1 });
		const tx = state.createTransaction({
			type,
			companyId: wallet.companyId,
			walletId: wallet.id,
			amount: requireInteger(input, 'amount', { min: 1 }),
			asset: optionalString(input, 'asset'),
			recipient: requireString(input, 'recipient'),
			recipientName: optionalString(input, 'recipientName'),
			reference: optionalString(input, 'reference'),
			expires: optionalInteger(input, 'expires', { min: 1 }) ?? (expiresIn !== undefined ? ctx.nowSeconds() + expiresIn : undefined),
			authorizer: optionalString(input, 'authorizeId'),
			initiator: ADMIN_INITIATOR,
			checkWhitelist: optionalBoolean(input, 'checkWhitelist') ?? false,
		});
		return reply(201, transactionView(state, tx));
	});
	router.get(`${A}/transactions`, 'none', () => ({ transactions: [...state.transactions.values()].map((tx) => transactionView(state, tx)) }));
	router.get(`${A}/transactions/:txId`, 'none', (req) => {
		const tx = state.transactions.get(req.params.txId);
		if (!tx) throw notFound('txId: no transaction with this ID');
		return transactionView(state, tx);
	});
	router.get(`${A}/actions`, 'none', (req) => {
		const { status, member, txId } = Object.fromEntries(req.query);
		const actions = [...state.actions.values()].filter(
			(a) => (!status || a.status === status) && (!member || a.member === member) && (!txId || a.txId === txId),
		);
		return { actions: actions.map(actionView) };
	});
	for (const decision of ['approve', 'reject'] as const) {
		router.post(`${A}/actions/:actionId/${decision}`, 'none', (req) => actionView(state.decideAsHuman(req.params.actionId, decision)));
	}
	router.get(`${A}/decisions`, 'none', (req) => {
		const { txId, actionId, member } = Object.fromEntries(req.query);
		return { decisions: state.decisionLog.filter((d) => (!txId || d.txId === txId) && (!actionId || d.actionId === actionId) && (!member || d.member === member)) };
	});
	router.post(`${A}/reset`, 'none', () => {
		state.reset();
		ctx.faults.clear();
		ctx.zkpSeen.clear();
		ctx.setClockOffset(0);
		return { reset: true };
	});

	// ---- faults ----
	router.get(`${A}/faults`, 'none', () => ({ ...ctx.faults.describe(), feedConnections: ctx.feeds.count() }));
	router.post(`${A}/faults`, 'none', (req) => {
		const input = body(req);
		let failNext;
		if (input.failNext !== undefined) {
			const f = requireObject(input, 'failNext');
			const status = requireInteger(f, 'status', { path: 'failNext.' });
			if (status !== 429 && (status < 500 || status > 599)) throw badRequest('failNext.status: expected 429 or a 5xx status');
			failNext = { count: requireInteger(f, 'count', { path: 'failNext.' }), status, retryAfterSeconds: optionalInteger(f, 'retryAfterSeconds', { path: 'failNext.' }), scope: optionalScope(f, 'scope') };
		}
		ctx.faults.apply({
			failNext,
			rules: input.rules === undefined ? undefined : faultRules(input.rules),
			latencyMs: optionalInteger(input, 'latencyMs'),
			latencyScope: optionalScope(input, 'latencyScope'),
			duplicateFrames: optionalInteger(input, 'duplicateFrames'),
			malformedFrames: optionalInteger(input, 'malformedFrames'),
		});
		return { ...ctx.faults.describe(), feedConnections: ctx.feeds.count() };
	});
	router.delete(`${A}/faults`, 'none', () => {
		ctx.faults.clear();
		return ctx.faults.describe();
	});
	router.post(`${A}/faults/drop-feeds`, 'none', (req) => {
		const mode = optionalString(body(req), 'mode') ?? 'terminate';
		if (mode !== 'terminate' && mode !== 'close') throw badRequest('mode: expected "terminate" or "close"');
		return { dropped: ctx.feeds.dropAll(mode) };
	});
	router.post(`${A}/faults/refuse-feeds`, 'none', (req) => {
		const input = body(req);
		const seconds = requireInteger(input, 'seconds', { min: 0 });
		const mode = optionalString(input, 'mode') ?? 'status';
		if (mode !== 'status' && mode !== 'reset') throw badRequest('mode: expected "status" or "reset"');
		ctx.faults.refuseFeeds(seconds, mode);
		return ctx.faults.describe();
	});
	// A client whose clock drifted is the same as a sandbox whose clock did: signatures fall outside the window.
	router.get(`${A}/clock`, 'none', () => ({ now: new Date(ctx.now()).toISOString(), offsetSeconds: ctx.clockOffsetMs() / 1000 }));
	router.post(`${A}/clock`, 'none', (req) => {
		const input = body(req);
		const offsetSeconds = input.offsetSeconds;
		if (typeof offsetSeconds !== 'number' || !Number.isSafeInteger(offsetSeconds) || Math.abs(offsetSeconds) > 86_400) {
			throw badRequest('offsetSeconds: expected a whole number of seconds from -86400 to 86400');
		}
		ctx.setClockOffset(offsetSeconds * 1000);
		return { now: new Date(ctx.now()).toISOString(), offsetSeconds };
	});
	router.post(`${A}/faults/feed-frame`, 'none', (req) => ({ sent: ctx.feeds.broadcastRaw(requireString(body(req), 'text')) }));
}
