/**
 * Every operation, by API › resource › operation, and the node fields that select them. The API comes first because
 * Fund, Trusted Party and Wallet exist in more than one Qredo API, with different shapes.
 */
import type { INodeProperties } from 'n8n-workflow';
import type { QredoSurface } from '../../shared/qredoApiCredential';
import type { QredoResource } from '../types';
import * as company from './partnerApi/company';

export const resources: Record<QredoSurface, Record<string, QredoResource>> = {
	partnerApi: {
		company: company.operations,
	},
	qapiV1: {},
	qapiV2: {},
};

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

const partnerResources: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { api: ['partnerApi'] } },
	options: [{ name: 'Company', value: 'company' }],
	default: 'company',
};

export const properties: INodeProperties[] = [apiSelector, partnerResources, ...company.description];
