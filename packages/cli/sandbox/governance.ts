/**
 * Governance: transactions with Qredo's status lifecycle, one approval action per custody-group member, decisions
 * (signatures verified with the sandbox's own code), expiry and reset. Every surface (Partner API routes, the admin
 * API, the agent and v2 endpoints) drives these same rules.
 */
import { blsVerify, signAs } from './crypto';
import { badRequest, conflict, notFound, QredoHttpError } from './http';
import { newId } from './ids';
import { actionMessages } from './messages';
import { txStatusName, type Action, type ActionStatus, type ApprovalProtocol, type CreateTransactionInput, type CustodyGroup, type DecisionInput, type DecisionLogEntry, type Transaction, type TxStatus, type TxType, type Wallet } from './model';
import { SandboxStore } from './state';

/** Messages per action: more than one for v1 so "one signature per message, in order" is exercised. */
const MESSAGE_COUNT: Record<ApprovalProtocol, Record<'transfer' | 'withdraw' | 'registration', number>> = {
	v1: { transfer: 2, withdraw: 3, registration: 1 },
	v2: { transfer: 2, withdraw: 2, registration: 2 },
	human: { transfer: 1, withdraw: 1, registration: 1 },
};

const LOWER_HEX_SIGNATURE = /^[0-9a-f]{98}$/;

export class SandboxState extends SandboxStore {
	readonly transactions = new Map<string, Transaction>();
	readonly actions = new Map<string, Action>();
	private baseline = new Map<string, number>();

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

	/** Expires transactions, actions and open swaps whose time has passed. Called on every request and by a timer. */
	sweep(): void {
		const now = this.nowSeconds();
		for (const tx of this.transactions.values()) {
			if ((tx.status === 'pending' || tx.status === 'pending_initiate') && tx.expires <= now) this.finish(tx, 'expired');
		}
		for (const action of this.actions.values()) {
			if (action.status === 'pending' && action.expireTime <= now) this.close(action, 'expired');
		}
		for (const swap of this.swaps.values()) {
			if (swap.status === 'open' && swap.expires <= now) this.closeSwap(swap, 'expired');
		}
	}

	// ---- reset ----

	/** Remembers current balances as the state `reset()` returns to (called after seeding). */
	markBaseline(): void {
		this.baseline = new Map([...this.wallets.values()].map((w) => [w.id, w.balance]));
	}

	/**
	 * Forgets transactions, actions, swaps, Web3 transactions, partner_txID keys, the decision log, ledger movements
	 * after the baseline, nonces and rate-limit slots, and restores baseline balances. Identities, companies, funds and wallets stay, so issued credentials
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
		// What hangs off transactions goes with them.
		this.swaps.clear();
		this.swapTakes.clear();
		this.web3.clear();
		this.web3Nonces.clear();
		this.idempotency.clear();
	}
}

