/**
 * `--seed demo`: a small custody world to demo workflows on, and the credentials a client needs to use it.
 *
 * - Company "Demo Custody Ltd" with a Partner API key (RSA key generated now), a qapi v1 key and a v2 workspace key
 *   whose BLS/EC keys are already registered and approved.
 * - A finished v1 agent (core client) with its M-Pin identity and client secret, and two simulated humans.
 * - Fund "Demo Treasury" (BTC and ETH wallets with balances): transfers need 2 of {agent, v2 key, Alice},
 *   withdrawals 2 of {agent, v2 key, Bob}; two whitelisted withdrawal addresses.
 * - Fund "Demo Operations" (ETH wallet), the usual transfer destination, approved by Alice alone.
 * - Company "Demo Counterparty Inc" (fund "Counterparty Trading": BTC and ETH wallets with balances, approved by
 *   Carol alone): the other side of cross-company transfers and atomic swaps.
 */
import { generateKeyPairSync } from 'node:crypto';
import { generateKeys, type QredoKeyPair } from 'n8n-nodes-qredo/core';
import type { SandboxContext } from './context';
import { mpinClientSecret } from './crypto';
import { newId } from './ids';
import { identityDocument } from './messages';
import { sandboxUrls } from './urls';

export interface SandboxCredentials {
	/** What this file is, for humans who open it. */
	about: string;
	baseUrl: string;
	adminUrl: string;
	partnerApi: { baseUrl: string; apiKey: string; privateKeyPem: string; publicKeyPem: string };
	qredoApiV1: { baseUrl: string; keyId: string; secret: string };
	qredoApiV2: {
		baseUrl: string;
		feedUrl: string;
		workspaceId: string;
		apiKeyId: string;
		secret: string;
	} & QredoKeyPair;
	agent: {
		id: string;
		accountCode: string;
		name: string;
		feedUrl: string;
		/** Hex of the M-Pin identity JSON (the `clientID` of /coreclient/init). */
		clientID: string;
		/** Hex of the 97-byte M-Pin client secret (PIN 0). */
		clientSecret: string;
	} & QredoKeyPair;
	company: { id: string; name: string };
	fund: { id: string; name: string; wallets: Record<string, string> };
	operationsFund: { id: string; name: string; wallets: Record<string, string> };
	humans: Array<{ id: string; name: string; email: string }>;
	whitelist: Array<{ asset: string; address: string; name: string }>;
	counterparty: { company: { id: string; name: string }; fund: { id: string; name: string; wallets: Record<string, string> }; human: { id: string; name: string; email: string } };
}

export function seedDemo(ctx: SandboxContext, baseUrl: string): SandboxCredentials {
	const { state } = ctx;
	const urls = sandboxUrls(baseUrl);
	const company = state.createCompany({ name: 'Demo Custody Ltd', city: 'London', country: 'GB', domain: 'demo-custody.invalid', ref: 'demo' });

	// PKCS#1 private key: the Go agent parses it with x509.ParsePKCS1PrivateKey (§1.3).
	const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const privateKeyPem = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
	const publicKeyPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
	const partnerKey = state.registerPartnerKey(publicKeyPem, 'demo partner key');
	const qapiKey = state.createQapiKey({ name: 'demo qapi key', companyId: company.id });

	const v2Keys = generateKeys();
	const v2Key = state.createV2ApiKey({ name: 'demo signing key' });
	v2Key.blsPublicKey = Buffer.from(v2Keys.blsPublicKey, 'hex');
	v2Key.ecPublicKey = Buffer.from(v2Keys.ecPublicKey, 'hex');

	// The agent as /coreclient/init + a verified /coreclient/finish would leave it.
	const agentKeys = generateKeys();
	const agentId = newId.agent();
	const created = ctx.nowSeconds();
	const mpinId = Buffer.from(JSON.stringify({ id: agentId, curve: 'BLS381', created }), 'utf8');
	const blsPublicKey = Buffer.from(agentKeys.blsPublicKey, 'hex');
	const ecPublicKey = Buffer.from(agentKeys.ecPublicKey, 'hex');
	const agent = state.addAgent({
		id: agentId,
		accountCode: agentId,
		name: 'demo-agent',
		blsPublicKey,
		ecPublicKey,
		mpinId,
		idDoc: identityDocument({ agentId, name: 'demo-agent', created, blsPublicKey, ecPublicKey }),
		status: 'active',
		partnerKeyId: partnerKey.keyId,
		created,
	});

	const alice = state.createHuman({ name: 'Alice Approver', email: 'alice@demo-custody.invalid' });
	const bob = state.createHuman({ name: 'Bob Approver', email: 'bob@demo-custody.invalid' });
	for (const address of [agent.id, alice.email, bob.email]) state.addTrustedParty(company.id, address);

	const treasury = state.createFund({
		companyId: company.id,
		name: 'Demo Treasury',
		description: 'Seeded by qredo sandbox --seed demo',
		custodygroupTx: { threshold: 2, members: [agent.id, v2Key.id, alice.id] },
		custodygroupWithdraw: { threshold: 2, members: [agent.id, v2Key.id, bob.id] },
	});
	const btc = state.addWallet(treasury.id, { name: 'Treasury BTC', asset: 'BTC', balance: 5_0000_0000 });
	const eth = state.addWallet(treasury.id, { name: 'Treasury ETH', asset: 'ETH', balance: 40_000_000_000 });
	const whitelist = [
		{ asset: 'ETH', address: '0x84ce2138e54b1852689132fd73ddc4d3973a44b8', name: 'Demo exchange deposit' },
		{ asset: 'BTC', address: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', name: 'Demo BTC cold storage' },
	];
	treasury.whitelist.push(...whitelist);

	const operations = state.createFund({
		companyId: company.id,
		name: 'Demo Operations',
		custodygroupTx: { threshold: 1, members: [alice.id] },
		custodygroupWithdraw: { threshold: 1, members: [alice.id] },
	});
	const opsEth = state.addWallet(operations.id, { name: 'Operations ETH', asset: 'ETH', balance: 1_000_000_000 });

	const counterparty = state.createCompany({ name: 'Demo Counterparty Inc', city: 'Zug', country: 'CH', domain: 'demo-counterparty.invalid', ref: 'demo-counterparty' });
	const carol = state.createHuman({ name: 'Carol Counterparty', email: 'carol@demo-counterparty.invalid' });
	state.addTrustedParty(counterparty.id, carol.email);
	const trading = state.createFund({
		companyId: counterparty.id,
		name: 'Counterparty Trading',
		custodygroupTx: { threshold: 1, members: [carol.id] },
		custodygroupWithdraw: { threshold: 1, members: [carol.id] },
	});
	const tradingBtc = state.addWallet(trading.id, { name: 'Trading BTC', asset: 'BTC', balance: 1_0000_0000 });
	const tradingEth = state.addWallet(trading.id, { name: 'Trading ETH', asset: 'ETH', balance: 20_000_000_000 });

	return {
		about: 'Local Qredo sandbox credentials (qredo sandbox --seed demo). Test keys for the sandbox only; never use them elsewhere.',
		baseUrl,
		adminUrl: urls.admin,
		partnerApi: { baseUrl: urls.partner, apiKey: partnerKey.apiKey, privateKeyPem, publicKeyPem },
		qredoApiV1: { baseUrl: urls.qapi, keyId: qapiKey.id, secret: qapiKey.secret },
		qredoApiV2: { baseUrl: urls.v2, feedUrl: urls.v2Feed, workspaceId: v2Key.workspaceId, apiKeyId: v2Key.id, secret: v2Key.secret, ...v2Keys },
		agent: {
			id: agent.id,
			accountCode: agent.accountCode,
			name: agent.name,
			feedUrl: urls.agentFeed,
			clientID: mpinId.toString('hex'),
			clientSecret: Buffer.from(mpinClientSecret(state.mpinMasterSecret, mpinId)).toString('hex'),
			...agentKeys,
		},
		company: { id: company.id, name: company.name },
		fund: { id: treasury.id, name: treasury.name, wallets: { BTC: btc.id, ETH: eth.id } },
		operationsFund: { id: operations.id, name: operations.name, wallets: { ETH: opsEth.id } },
		humans: [alice, bob].map((h) => ({ id: h.id, name: h.name, email: h.email })),
		whitelist,
		counterparty: {
			company: { id: counterparty.id, name: counterparty.name },
			fund: { id: trading.id, name: trading.name, wallets: { BTC: tradingBtc.id, ETH: tradingEth.id } },
			human: { id: carol.id, name: carol.name, email: carol.email },
		},
	};
}
