/**
 * Qredo API v1's Web3 API (§3.2): POST /transaction, its status, approvals and the /transactions/feed websocket.
 *
 * Web3 transactions are not put to a custody group: the core governance counts base units of a wallet's asset and
 * wei values do not fit it. They run a fixed lifecycle instead, one step every WEB3_STEP_MS: created → authorized →
 * pending → approved (by the sandbox's simulated custodian) → signed → pushed → mined, or failed when the wallet
 * cannot pay value + gas. Every step is a txFeedStatus frame on the feed.
 */
import { createHash } from 'node:crypto';
import type { SandboxContext } from '../context';
import type { SandboxState } from '../governance';
import { badRequest, type JsonObject, notFound, optionalString, requireString } from '../http';
import { custodyGroupId, newId } from '../ids';
import type { QapiKey, Web3Status, Web3Transaction } from '../model';
import { isEvmAddress } from '../readers';
import { QAPI_BASE, type Router } from '../router';
import { accountWallets } from './qapi-v1-account';

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

const DIGITS = /^\d+$/;
const WEI_PER_GWEI = 1_000_000_000n;

const hex = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex');

/** qapi Policy: like the Partner API's, with members wrapped as PolicyMember {dedicated, entity:[Entity]}. */

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

/** A Web3 transaction of this account, or undefined. */
function web3Of(ctx: SandboxContext, key: QapiKey, txId: string): Web3Transaction | undefined {
	const tx = ctx.state.web3.get(txId);
	return tx && visibleTo(key, tx) ? tx : undefined;
}

/** GET /transactions/{tx_id}/approvals for a Web3 transaction: the simulated custodian's row; undefined if not one. */
export function web3Approvals(ctx: SandboxContext, key: QapiKey, txId: string): Array<Record<string, unknown>> | undefined {
	const web3 = web3Of(ctx, key, txId);
	if (!web3) return undefined;
	const decided = web3.timestamps.approved !== undefined;
	return [
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
}

export function register(router: Router, ctx: SandboxContext): void {
	const { state } = ctx;
	const Q = QAPI_BASE;

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


	router.get(`${Q}/transactions/:tx_id/status`, 'qapi', (req) => {
		const tx = web3Of(ctx, req.principal, req.params.tx_id);
		if (!tx) throw notFound('tx_id: no Web3 transaction with this ID in this account');
		return web3View(tx);
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
