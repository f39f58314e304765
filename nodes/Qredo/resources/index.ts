/**
 * Every operation, by API › resource › operation, and the node fields that select them. The API comes first because
 * Fund, Trusted Party and Wallet exist in more than one Qredo API, with different shapes.
 */
import type { INodeProperties } from 'n8n-workflow';
import type { QredoSurface } from '../../shared/qredoApiCredential';
import type { QredoResource } from '../types';
import * as asset from './partnerApi/asset';
import * as atomicSwap from './partnerApi/atomicSwap';
import * as company from './partnerApi/company';
import * as coreClient from './partnerApi/coreClient';
import * as fee from './partnerApi/fee';
import * as fund from './partnerApi/fund';
import * as holding from './partnerApi/holding';
import * as liquidityHub from './partnerApi/liquidityHub';
import * as transfer from './partnerApi/transfer';
import * as trustedParty from './partnerApi/trustedParty';
import * as wallet from './partnerApi/wallet';
import * as withdrawal from './partnerApi/withdrawal';
import * as v1Account from './qapiV1/account';
import * as v1Balance from './qapiV1/balance';
import * as v1Fund from './qapiV1/fund';
import * as v1Transaction from './qapiV1/transaction';
import * as v1TrustedParty from './qapiV1/trustedParty';
import * as v1Wallet from './qapiV1/wallet';
import * as v2Action from './qapiV2/action';
import * as v2ApiKey from './qapiV2/apiKey';

interface ResourceModule {
	operations: QredoResource;
	description: INodeProperties[];
}

const modules: Record<QredoSurface, Record<string, ResourceModule>> = {
	partnerApi: { asset, atomicSwap, company, coreClient, fee, fund, holding, liquidityHub, transfer, trustedParty, wallet, withdrawal },
	qapiV1: { account: v1Account, balance: v1Balance, fund: v1Fund, transaction: v1Transaction, trustedParty: v1TrustedParty, wallet: v1Wallet },
	qapiV2: { action: v2Action, apiKey: v2ApiKey },
};

export const resources = Object.fromEntries(
	Object.entries(modules).map(([api, byResource]) => [api, Object.fromEntries(Object.entries(byResource).map(([name, module]) => [name, module.operations]))]),
) as Record<QredoSurface, Record<string, QredoResource>>;

const apiSelector: INodeProperties = {
	displayName: 'API',
	name: 'api',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Partner API',
			value: 'partnerApi',
			description: 'Companies, funds, wallets, transfers, withdrawals, swaps, hosted core clients (RSA-signed)',
		},
		{ name: 'Qredo API V1', value: 'qapiV1', description: 'Account reporting and Web3 transactions (HMAC-signed)' },
		{ name: 'Qredo API V2', value: 'qapiV2', description: 'API keys and actions (token login)' },
	],
	default: 'partnerApi',
};

const resourceSelectors: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'] } },
		options: [
			{ name: 'Asset', value: 'asset' },
			{ name: 'Atomic Swap', value: 'atomicSwap' },
			{ name: 'Company', value: 'company' },
			{ name: 'Core Client', value: 'coreClient' },
			{ name: 'Fee', value: 'fee' },
			{ name: 'Fund', value: 'fund' },
			{ name: 'Holding', value: 'holding' },
			{ name: 'Liquidity Hub', value: 'liquidityHub' },
			{ name: 'Transfer', value: 'transfer' },
			{ name: 'Trusted Party', value: 'trustedParty' },
			{ name: 'Wallet', value: 'wallet' },
			{ name: 'Withdrawal', value: 'withdrawal' },
		],
		default: 'wallet',
	},
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['qapiV1'] } },
		options: [
			{ name: 'Account', value: 'account' },
			{ name: 'Balance', value: 'balance' },
			{ name: 'Fund', value: 'fund' },
			{ name: 'Transaction', value: 'transaction' },
			{ name: 'Trusted Party', value: 'trustedParty' },
			{ name: 'Wallet', value: 'wallet' },
		],
		default: 'balance',
	},
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['qapiV2'] } },
		options: [
			{ name: 'Action', value: 'action' },
			{ name: 'API Key', value: 'apiKey' },
		],
		default: 'action',
	},
];

export const properties: INodeProperties[] = [
	apiSelector,
	...resourceSelectors,
	...Object.values(modules).flatMap((byResource) => Object.values(byResource).flatMap((module) => module.description)),
];
