/**
 * Partner API transfers and withdrawals against the sandbox over real sockets (§3.1): the lifecycle through the
 * custody group (a simulated human via the admin API, the seeded agent via x-api-zkp and BLS), balances and ledger
 * after approval, rejection and expiry, partner_txID idempotency, whitelist enforcement and input validation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SandboxCredentials } from '../../../packages/cli/sandbox/seed';
import { type RunningSandbox, startSandbox } from '../../../packages/cli/sandbox/server';
import { admin, blsSignHex, newPartnerIdentity, type PartnerIdentity, partnerSend, type Response, send, testClock, zkp, assertQredoError as assertError } from './helpers';

let sb: RunningSandbox;
let creds: SandboxCredentials;
let demo: PartnerIdentity;
let companyPath: string;

const call = (method: string, path: string, body?: unknown, who: PartnerIdentity = demo) =>
	partnerSend(who, method, `${sb.urls.partner}${path}`, body === undefined ? '' : JSON.stringify(body));

const inTenMinutes = () => Math.floor(Date.now() / 1000) + 600;
const balanceOf = async (walletId: string): Promise<number> => (await call('GET', `/wallet/${walletId}`)).json.balance;
const availableOf = async (walletId: string): Promise<number> => (await call('GET', `/wallet/${walletId}/max?tx_type=transferOut`)).json.amountToSend;
const transfer = (body: Record<string, unknown>) => call('POST', `${companyPath}/transfer`, body);
const txInfo = async (kind: 'transfer' | 'withdraw', txId: string) => (await call('GET', `${companyPath}/${kind}/${txId}`)).json;
const actionFor = (info: { status: Array<{ user_id: string; action_id: string }> }, member: string) => info.status.find((s) => s.user_id === member)?.action_id as string;

/** The seeded agent approves as Signing Agent v1 does (§4.1): GET messages, BLS-sign each, PUT the signatures. */
async function agentApproves(actionId: string): Promise<Response> {
	const url = `${sb.urls.partner}/coreclient/action/${actionId}`;
	const got = await send('GET', url, { 'x-api-zkp': zkp(creds.agent) });
	assert.equal(got.status, 200, got.text);
	const signatures = got.json.messages.map((m: string) => blsSignHex(creds.agent.blsPrivateKey, Buffer.from(m, 'hex')));
	return send('PUT', url, { 'x-api-zkp': zkp(creds.agent), 'content-type': 'application/json' }, JSON.stringify({ signatures }));
}

const humanDecides = (actionId: string, decision: 'approve' | 'reject') => admin(sb, 'POST', `/actions/${actionId}/${decision}`);

before(async () => {
	sb = await startSandbox({ seed: 'demo', fundCreationIntervalMs: 100 });
	creds = sb.credentials as SandboxCredentials;
	demo = { apiKey: creds.partnerApi.apiKey, privateKey: creds.partnerApi.privateKeyPem };
	companyPath = `/company/${creds.company.id}`;
});
after(() => sb.stop());

describe('transfer lifecycle', () => {
	const from = () => creds.fund.wallets.ETH;
	const to = () => creds.operationsFund.wallets.ETH;

	it('pending → custody approvals → approved; amount + fees leave, the amount arrives; ledger both sides', async () => {
		const [alice] = creds.humans;
		const amount = 1_000_000;
		const quote = (await call('POST', '/fees', { type: 'transferOut', asset: 'ETH', amount })).json;
		const [fromBefore, toBefore] = [await balanceOf(from()), await balanceOf(to())];
		const shortCode = (await call('GET', `/wallet/${to()}`)).json.short_code;
		const expires = inTenMinutes();

		const created = await transfer({ wallet_id: from(), counterparty_wallet_address: shortCode, reference: 'inv-1', benefit_of: 'Ops team', account_no: '42', expires, send: { symbol: 'ETH', amount } });
		assert.equal(created.status, 200, created.text);
		assert.equal(created.json.status, 'new');
		const txId = created.json.tx_id;

		let info = await txInfo('transfer', txId);
		assert.equal(info.tx_id, txId);
		assert.equal(info.tx_status, 'pending_transfer');
		assert.equal(info.threshold_required, 2);
		assert.equal(info.approver_count, 0);
		assert.equal(info.initiator_authorized, true);
		assert.equal(info.initiator_name, creds.company.name);
		assert.equal(info.expires, expires);
		assert.deepEqual(info.status.map((s: { user_id: string; status: string }) => [s.user_id, s.status]).sort(), [
			[creds.agent.id, 'pending'],
			[creds.qredoApiV2.apiKeyId, 'pending'],
			[alice.id, 'pending'],
		].sort());
		assert.deepEqual(
			{ ...info.status_details },
			{
				account_no: '42',
				amount: quote.amountToSend,
				asset: 'ETH',
				benefit_of: 'Ops team',
				expires,
				fees: quote.fees,
				fund_id: creds.fund.id,
				net_amount: amount,
				recipient_address: (await call('GET', `/wallet/${to()}`)).json.address,
				recipient_email: '',
				recipient_first_name: '',
				recipient_last_name: '',
				recipient_username: creds.company.name,
				reference: 'inv-1',
				requested_by: creds.company.name,
			},
		);
		assert.equal(await availableOf(from()), fromBefore - quote.amountToSend, 'amount + fees reserved while pending');

		assert.equal((await humanDecides(actionFor(info, alice.id), 'approve')).status, 200);
		info = await txInfo('transfer', txId);
		assert.equal(info.tx_status, 'pending_transfer');
		assert.equal(info.approver_count, 1);

		const approved = await agentApproves(actionFor(info, creds.agent.id));
		assert.equal(approved.status, 200, approved.text);
		info = await txInfo('transfer', txId);
		assert.equal(info.tx_status, 'approved_transfer');
		assert.equal(info.approver_count, 2);
		const byMember = Object.fromEntries(info.status.map((s: { user_id: string; status: string }) => [s.user_id, s.status]));
		assert.deepEqual(byMember, { [alice.id]: 'approved', [creds.agent.id]: 'approved', [creds.qredoApiV2.apiKeyId]: 'expired' });

		assert.equal(await balanceOf(from()), fromBefore - quote.amountToSend);
		assert.equal(await balanceOf(to()), toBefore + amount);

		const out = (await call('GET', `${companyPath}/fund/${creds.fund.id}/ledger?direction=out`)).json;
		const outRow = out.List.find((r: { TxID: string }) => r.TxID === txId);
		assert.equal(outRow.type, 'transferOut');
		assert.equal(outRow.status, 'approved');
		assert.equal(outRow.amount, quote.amountToSend);
		assert.equal(outRow.netAmount, amount);
		assert.equal(outRow.fees, quote.fees);
		assert.equal(outRow.counterpartyID, to());
		assert.equal(outRow.counterpartyName, creds.company.name);
		assert.equal(outRow.benefitOf, 'Ops team');
		assert.equal(outRow.accountNo, '42');
		assert.equal(outRow.expireTime, expires);
		const inRow = (await call('GET', `${companyPath}/fund/${creds.operationsFund.id}/ledger?direction=in`)).json.List.find((r: { TxID: string }) => r.TxID === txId);
		assert.equal(inRow.type, 'transferIn');
		assert.equal(inRow.amount, amount);
		const history = (await call('GET', `/wallet/${to()}/history`)).json.history;
		assert.equal(history.find((h: { tx_id: string }) => h.tx_id === txId).amount, -amount, 'received: negative');
	});

	it('one custody rejection rejects the transfer and releases the reservation', async () => {
		const available = await availableOf(from());
		const created = await transfer({ wallet_id: from(), counterparty_wallet_address: to(), expires: inTenMinutes(), send: { symbol: 'ETH', amount: 5000 } });
		const info = await txInfo('transfer', created.json.tx_id);
		assert.ok((await availableOf(from())) < available);
		assert.equal((await humanDecides(actionFor(info, creds.humans[0].id), 'reject')).status, 200);
		assert.equal((await txInfo('transfer', created.json.tx_id)).tx_status, 'custody_rejected_transfer');
		assert.equal(await availableOf(from()), available);
	});

	it('authorize_id: pending_initiate until the core client authorises, then the custody group', async () => {
		const created = await transfer({ wallet_id: from(), counterparty_wallet_address: to(), authorize_id: creds.agent.id, expires: inTenMinutes(), send: { symbol: 'ETH', amount: 7000 } });
		assert.equal(created.status, 200, created.text);
		let info = await txInfo('transfer', created.json.tx_id);
		assert.equal(info.tx_status, 'pending_initiate_transfer');
		assert.equal(info.initiator_authorized, false);
		assert.equal((await agentApproves(info.status[0].action_id)).status, 200);
		info = await txInfo('transfer', created.json.tx_id);
		assert.equal(info.tx_status, 'pending_transfer');
		assert.equal(info.initiator_authorized, true);
		assertError(await transfer({ wallet_id: from(), counterparty_wallet_address: to(), authorize_id: 'nobody', expires: inTenMinutes(), send: { symbol: 'ETH', amount: 1 } }), 400, 'authorize_id');
	});

	it('transfers to a wallet of another company', async () => {
		const created = await transfer({ wallet_id: from(), counterparty_wallet_address: creds.counterparty.fund.wallets.ETH, expires: inTenMinutes(), send: { symbol: 'ETH', amount: 1234 } });
		assert.equal(created.status, 200, created.text);
		assert.equal((await txInfo('transfer', created.json.tx_id)).status_details.recipient_username, creds.counterparty.company.name);
	});

	it('expires: expired_transfer once the sandbox clock passes `expires`', async () => {
		const clock = testClock();
		const local = await startSandbox({ seed: 'demo', clock });
		try {
			const localCreds = local.credentials as SandboxCredentials;
			const who = { apiKey: localCreds.partnerApi.apiKey, privateKey: localCreds.partnerApi.privateKeyPem };
			const at = (method: string, path: string, body?: unknown) =>
				partnerSend(who, method, `${local.urls.partner}${path}`, body === undefined ? '' : JSON.stringify(body), { timestamp: clock.seconds() });
			const path = `/company/${localCreds.company.id}/transfer`;
			const created = await at('POST', path, { wallet_id: localCreds.fund.wallets.ETH, counterparty_wallet_address: localCreds.operationsFund.wallets.ETH, expires: clock.seconds() + 60, send: { symbol: 'ETH', amount: 100 } });
			assert.equal(created.status, 200, created.text);
			clock.advance(61_000);
			const info = (await at('GET', `${path}/${created.json.tx_id}`)).json;
			assert.equal(info.tx_status, 'expired_transfer');
			assert.ok(info.status.every((s: { status: string }) => s.status === 'expired'));
		} finally {
			await local.stop();
		}
	});
});

describe('partner_txID idempotency', () => {
	it('the same partner_txID with the same request answers the same tx_id, status "existing"', async () => {
		const body = { wallet_id: creds.fund.wallets.ETH, counterparty_wallet_address: creds.operationsFund.wallets.ETH, partner_txID: 'order-77', expires: String(inTenMinutes()), send: { symbol: 'ETH', amount: 4242 } };
		const first = await transfer(body);
		assert.deepEqual(Object.keys(first.json).sort(), ['status', 'tx_id']);
		assert.equal(first.json.status, 'new');
		const count = (await admin(sb, 'GET', '/transactions')).json.transactions.length;
		const retry = await transfer(body);
		assert.deepEqual(retry.json, { tx_id: first.json.tx_id, status: 'existing' });
		assert.equal((await admin(sb, 'GET', '/transactions')).json.transactions.length, count, 'no second transaction');
		// `expires` as a number or the same number as a string is the same request.
		assert.equal((await transfer({ ...body, expires: Number(body.expires) })).json.tx_id, first.json.tx_id);
	});

	it('the same partner_txID with another request is a conflict', async () => {
		const body = { wallet_id: creds.fund.wallets.ETH, counterparty_wallet_address: creds.operationsFund.wallets.ETH, partner_txID: 'order-78', expires: inTenMinutes(), send: { symbol: 'ETH', amount: 100 } };
		assert.equal((await transfer(body)).json.status, 'new');
		assertError(await transfer({ ...body, send: { symbol: 'ETH', amount: 101 } }), 409, 'partner_txID');
		// Another company may use the same partner_txID.
		const other = await call('POST', `/company/${creds.counterparty.company.id}/transfer`, { ...body, wallet_id: creds.counterparty.fund.wallets.ETH });
		assert.equal(other.json.status, 'new', other.text);
	});
});

describe('transfer validation', () => {
	const valid = () => ({ wallet_id: creds.fund.wallets.ETH, counterparty_wallet_address: creds.operationsFund.wallets.ETH, expires: inTenMinutes(), send: { symbol: 'ETH', amount: 100 } });

	it('refuses a missing, past, millisecond or non-numeric expires', async () => {
		const { expires: _expires, ...noExpires } = valid();
		assertError(await transfer(noExpires), 400, 'expires');
		assertError(await transfer({ ...valid(), expires: Math.floor(Date.now() / 1000) - 5 }), 400, 'expires');
		assertError(await transfer({ ...valid(), expires: Date.now() + 600_000 }), 400, 'expires');
		assertError(await transfer({ ...valid(), expires: 'tomorrow' }), 400, 'expires');
		assertError(await transfer({ ...valid(), expires: 1.5e9 + 0.5 }), 400, 'expires');
	});

	it('refuses amounts that are not positive integers, and a wrong or unknown symbol', async () => {
		for (const amount of [-1, 0, 1.5, '100', null]) assertError(await transfer({ ...valid(), send: { symbol: 'ETH', amount } }), 400, 'send.amount');
		const { send: _send, ...noSend } = valid();
		assertError(await transfer(noSend), 400, 'send');
		assertError(await transfer({ ...valid(), send: { symbol: 'BTC', amount: 1 } }), 400, 'send.symbol');
		assertError(await transfer({ ...valid(), send: { symbol: 'DOGE', amount: 1 } }), 400, 'send.symbol');
	});

	it('refuses an amount whose total with fees exceeds the available balance', async () => {
		const available = await availableOf(creds.fund.wallets.ETH);
		assertError(await transfer({ ...valid(), send: { symbol: 'ETH', amount: available } }), 400, 'send.amount');
	});

	it('refuses unknown, identical or other-asset counterparties and foreign wallets', async () => {
		assertError(await transfer({ ...valid(), counterparty_wallet_address: 'nowhere' }), 400, 'counterparty_wallet_address');
		assertError(await transfer({ ...valid(), counterparty_wallet_address: creds.fund.wallets.ETH }), 400, 'counterparty_wallet_address');
		assertError(await transfer({ ...valid(), counterparty_wallet_address: creds.counterparty.fund.wallets.BTC }), 400, 'counterparty_wallet_address');
		const { counterparty_wallet_address: _c, ...noCounterparty } = valid();
		assertError(await transfer(noCounterparty), 400, 'counterparty_wallet_address');
		assertError(await transfer({ ...valid(), wallet_id: creds.counterparty.fund.wallets.ETH }), 404, 'wallet_id');
		assertError(await transfer({ ...valid(), wallet_id: 42 }), 400, 'wallet_id');
	});

	it('answers 404 for an unknown company or transaction and 403 for another partner key', async () => {
		const stranger = await newPartnerIdentity(sb);
		const theirs = (await call('POST', '/company', { name: 'Transfer Stranger' }, stranger)).json.company_id;
		assertError(await call('POST', `/company/${theirs}/transfer`, valid()), 403, 'company_id');
		assertError(await call('POST', '/company/unknown/transfer', valid()), 404, 'company_id');
		assertError(await call('GET', `${companyPath}/transfer/unknown`), 404, 'tx_id');
	});
});

describe('withdrawals', () => {
	const wallet = () => creds.fund.wallets.ETH;
	const withdraw = (body: Record<string, unknown>) => call('POST', `${companyPath}/withdraw`, body);

	it('withdraws to a whitelisted address once the withdrawal custody group approves', async () => {
		const bob = creds.humans[1];
		const before = await balanceOf(wallet());
		const amount = 2_000_000;
		// EVM addresses compare case-insensitively; the whitelisted spelling is what is recorded.
		const created = await withdraw({ wallet_id: wallet(), address: creds.whitelist[0].address.toUpperCase().replace('0X', '0x'), reference: 'payout', expires: inTenMinutes(), send: { symbol: 'ETH', amount } });
		assert.equal(created.status, 200, created.text);
		let info = await txInfo('withdraw', created.json.tx_id);
		assert.equal(info.tx_status, 'pending_withdrawal');
		assert.equal(info.status_details.recipient_address, creds.whitelist[0].address);
		assert.equal(info.status_details.fees, 420_000);
		assert.ok(info.status.some((s: { user_id: string }) => s.user_id === bob.id), 'the withdrawal group, not the transfer group');
		assertError(await call('GET', `${companyPath}/transfer/${created.json.tx_id}`), 404, 'tx_id');

		await humanDecides(actionFor(info, bob.id), 'approve');
		assert.equal((await agentApproves(actionFor(info, creds.agent.id))).status, 200);
		info = await txInfo('withdraw', created.json.tx_id);
		assert.equal(info.tx_status, 'approved_withdrawal');
		assert.equal(await balanceOf(wallet()), before - amount - 420_000);
		const row = (await call('GET', `${companyPath}/fund/${creds.fund.id}/ledger?direction=out&asset=ETH`)).json.List.find((r: { TxID: string }) => r.TxID === created.json.tx_id);
		assert.equal(row.type, 'withdraw');
		assert.match(row.chainTxID, /^0x[0-9a-f]{64}$/);
	});

	it('refuses an address not whitelisted for the asset of the wallet', async () => {
		const body = { wallet_id: wallet(), expires: inTenMinutes(), send: { symbol: 'ETH', amount: 1000 } };
		assertError(await withdraw({ ...body, address: '0x00000000219ab540356cBB839Cbe05303d7705Fa' }), 400, 'address');
		assertError(await withdraw({ ...body, address: creds.whitelist[1].address }), 400, 'address');
		assertError(await withdraw(body), 400, 'address');
	});

	it('is idempotent with partner_txID like transfers', async () => {
		const body = { wallet_id: wallet(), address: creds.whitelist[0].address, partner_txID: 'payout-9', expires: inTenMinutes(), send: { symbol: 'ETH', amount: 1000 } };
		const first = await withdraw(body);
		assert.deepEqual((await withdraw(body)).json, { tx_id: first.json.tx_id, status: 'existing' });
		assertError(await withdraw({ ...body, reference: 'changed' }), 409, 'partner_txID');
		assertError(await call('GET', `${companyPath}/withdraw/unknown`), 404, 'tx_id');
	});
});
