import type { INodeProperties } from 'n8n-workflow';
import type { QredoResource } from '../../../types';
import * as addAssets from './addAssets';
import * as addWallets from './addWallets';
import * as addWhitelistAddress from './addWhitelistAddress';
import * as create from './create';
import * as get from './get';
import * as getLedger from './getLedger';
import * as getManyDepositAddresses from './getManyDepositAddresses';
import * as getManyWhitelistAddresses from './getManyWhitelistAddresses';
import * as getAll from './getAll';
import * as setWalletPolicy from './setWalletPolicy';

export const operations: QredoResource = {
	addAssets,
	addWallets,
	addWhitelistAddress,
	create,
	get,
	getLedger,
	getManyDepositAddresses,
	getManyWhitelistAddresses,
	getAll,
	setWalletPolicy,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { api: ['partnerApi'], resource: ['fund'] } },
		options: [
			{ name: 'Add Assets', value: 'addAssets', action: 'Add assets to a fund', description: 'One new wallet per asset' },
			{ name: 'Add Wallets', value: 'addWallets', action: 'Add wallets to a fund' },
			{ name: 'Add Whitelist Address', value: 'addWhitelistAddress', action: 'Add a whitelisted withdrawal address' },
			{ name: 'Create', value: 'create', action: 'Create a fund' },
			{ name: 'Get', value: 'get', action: 'Get a fund' },
			{ name: 'Get Ledger', value: 'getLedger', action: 'Get the ledger of a fund', description: 'Movements in and out, paged' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many funds' },
			{ name: 'Get Many Deposit Addresses', value: 'getManyDepositAddresses', action: 'Get many deposit addresses of a fund' },
			{ name: 'Get Many Whitelist Addresses', value: 'getManyWhitelistAddresses', action: 'Get many whitelisted addresses of a fund' },
			{ name: 'Set Wallet Policy', value: 'setWalletPolicy', action: 'Set the custody policy of a wallet' },
		],
		default: 'get',
	},
	...addAssets.description,
	...addWallets.description,
	...addWhitelistAddress.description,
	...create.description,
	...get.description,
	...getLedger.description,
	...getManyDepositAddresses.description,
	...getManyWhitelistAddresses.description,
	...getAll.description,
	...setWalletPolicy.description,
];
