/**
 * The project's own client code against the sandbox over real sockets: transport auth for each scheme
 * (Partner RSA with timestamps and nonces, qapi HMAC, v2 tokens, x-api-zkp), v1 and v2 registration, and
 * decideAction for both protocols. The sandbox re-derives every check independently, so these pass only if both
 * sides read the protocol reference (docs/protocol.md) the same way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { approverFromKeys, decideAction } from '../../../lib/actions/decide';
import { zkpHeaderSource } from '../../../lib/auth/agentIdentity';
import { loadRsaPrivateKey, NonceSource } from '../../../lib/auth/partnerApi';
import { QredoV2TokenSource } from '../../../lib/transport/v2Tokens';
import { registerAgentV1, registerApiKeyV2 } from '../../../lib/registration';
import { qredoRequest } from '../../../lib/transport/request';
import type { SandboxCredentials } from '../../../packages/cli/sandbox/seed';
import { startSandbox, type RunningSandbox } from '../../../packages/cli/sandbox/server';
import { admin, newFund } from './helpers';

describe('sandbox: the project client code', () => {
	let sb: RunningSandbox;
	let creds: SandboxCredentials;

	before(async () => {
		sb = await startSandbox({ seed: 'demo' });
		creds = sb.credentials as SandboxCredentials;
	});
	after(() => sb.stop());

	it('Partner API requests signed by lib/transport pass (timestamp and nonce)', async () => {
		const privateKey = loadRsaPrivateKey(creds.partnerApi.privateKeyPem);
		const url = `${creds.partnerApi.baseUrl}/company/${creds.company.id}`;
		const byTimestamp = await qredoRequest({ method: 'GET', url, auth: { kind: 'partner', apiKey: creds.partnerApi.apiKey, privateKey } });
		assert.equal(byTimestamp.status, 200);
		const nonce = new NonceSource();
		for (let i = 0; i < 3; i++) {
			const res = await qredoRequest({ method: 'GET', url, auth: { kind: 'partner', apiKey: creds.partnerApi.apiKey, privateKey, nonce } });
			assert.equal(res.status, 200);
		}
	});

	it('qapi v1 requests signed by lib/transport pass', async () => {
		const res = await qredoRequest({ method: 'GET', url: `${creds.qredoApiV1.baseUrl}/balance`, auth: { kind: 'qapiV1', apiKey: creds.qredoApiV1.keyId, secret: creds.qredoApiV1.secret } });
		assert.equal(res.status, 200);
	});

	it('v1 agent registration (init + finish) and a v1 decision through decideAction', async () => {
		const agent = await registerAgentV1({ partnerBaseUrl: creds.partnerApi.baseUrl, name: 'client-code-agent', partnerApiKey: creds.partnerApi.apiKey, rsaPrivateKey: creds.partnerApi.privateKeyPem });
		assert.equal(agent.feedUrl, sb.urls.agentFeed);
		const fund = await newFund(sb, creds.company.id, [agent.agentId], 1);
		const tx = (await admin(sb, 'POST', '/transactions', { type: 'withdraw', walletId: fund.wallets[0].walletId, amount: 1_000_000, recipient: '0x84ce2138e54b1852689132fd73ddc4d3973a44b8' })).json;
		const record = await decideAction({
			protocol: 'v1',
			baseUrl: creds.partnerApi.baseUrl,
			agentId: agent.agentId,
			mpin: { identity: agent.mpinIdentity, clientSecret: agent.mpinClientSecret },
			actionId: tx.actions[0].actionId,
			decision: 'approve',
			approver: approverFromKeys({ blsPrivateKey: agent.keys.blsPrivateKey }),
		});
		assert.equal(record.outcome, 'approved');
		assert.equal(record.signatures.length, 3);
		assert.equal((await admin(sb, 'GET', `/transactions/${tx.txId}`)).json.txStatus, 'approved_withdrawal');
		const log = (await admin(sb, 'GET', `/decisions?actionId=${tx.actions[0].actionId}`)).json.decisions;
		assert.equal(log.length, 1);
		assert.equal(log[0].verified, true);

		// x-api-zkp headers from the client's token source pass the sandbox's pairing check.
		const header = zkpHeaderSource({ identity: agent.mpinIdentity, clientSecret: agent.mpinClientSecret });
		const res = await qredoRequest({ method: 'GET', url: `${creds.partnerApi.baseUrl}/coreclient/action/${tx.actions[0].actionId}`, auth: { kind: 'zkp', header } });
		assert.equal(res.status, 200);
	});

	it('v2 key registration and a v2 rejection through decideAction', async () => {
		const fresh = (await admin(sb, 'POST', '/v2-apikeys', {})).json;
		const registration = await registerApiKeyV2({ baseUrl: creds.qredoApiV2.baseUrl, apiKeyId: fresh.keyId, apiSecret: fresh.secret, workspaceId: fresh.workspaceId });
		assert.equal(registration.decision.outcome, 'approved');
		const fund = await newFund(sb, creds.company.id, [fresh.keyId], 1);
		const tx = (await admin(sb, 'POST', '/transactions', { type: 'transfer', walletId: fund.wallets[0].walletId, amount: 10, recipient: creds.operationsFund.wallets.ETH })).json;
		const tokens = new QredoV2TokenSource({ baseUrl: creds.qredoApiV2.baseUrl, workspaceId: fresh.workspaceId, apiKeyId: fresh.keyId, apiSecret: fresh.secret });
		const record = await decideAction({
			protocol: 'v2',
			baseUrl: creds.qredoApiV2.baseUrl,
			tokens,
			actionId: tx.actions[0].actionId,
			decision: 'reject',
			approver: approverFromKeys({ blsPrivateKey: registration.keys.blsPrivateKey }),
		});
		assert.equal(record.outcome, 'rejected');
		assert.equal((await admin(sb, 'GET', `/transactions/${tx.txId}`)).json.txStatus, 'custody_rejected_transfer');
	});
});
