import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, idParam, transactionLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [
	companyLocator(),
	{
		displayName: 'Side',
		name: 'side',
		type: 'options',
		default: 'make',
		options: [
			{ name: 'Maker', value: 'make', description: 'A swap this company offered (Make)' },
			{ name: 'Taker', value: 'take', description: 'A swap this company took (Take)' },
		],
	},
	transactionLocator('txId', 'Swap', 'The swap (tx_id returned by Make, or by Take for the taker side)'),
];

export const description = forOperation('partnerApi', 'atomicSwap', 'get', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const side = this.getNodeParameter('side', itemIndex) === 'take' ? 'take' : 'make';
	const path = apiPath('company', companyIdParam(this, itemIndex), 'atomicswap', side, idParam(this, 'txId', 'Swap', itemIndex));
	return await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path, itemIndex });
}
