import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { qredoApiConnectionTest } from '../shared/qredoApiConnectionCheck';
import { searchCompanies, searchCoreClients, searchFunds, searchSwapOffers, searchTransactions, searchWallets } from './methods/listSearch';
import { getAssets } from './methods/loadOptions';
import { requestOptionsField } from './descriptions';
import { properties } from './resources';
import { router } from './router';
import { adoptEgressFilter } from '../shared/egress';

export class Qredo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Qredo',
		name: 'qredo',
		icon: { light: 'file:qredo.svg', dark: 'file:qredo.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Qredo custody: companies, funds, wallets, transfers, withdrawals, swaps and actions (Partner API, Qredo API v1 and v2)',
		defaults: { name: 'Qredo' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'qredoApi', required: true, testedBy: 'qredoApiConnectionTest' }],
		properties: [...properties, requestOptionsField],
	};

	methods = {
		credentialTest: { qredoApiConnectionTest },
		loadOptions: { getAssets },
		listSearch: { searchCompanies, searchFunds, searchWallets, searchTransactions, searchSwapOffers, searchCoreClients },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		adoptEgressFilter(this.helpers);
		return await router.call(this);
	}
}
