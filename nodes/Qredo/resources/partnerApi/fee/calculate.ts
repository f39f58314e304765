import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { amountField, assetField, forOperation } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { assetCode, baseUnits } from '../../../validation';

const properties: INodeProperties[] = [
	{
		displayName: 'Transaction Type',
		name: 'feeType',
		type: 'options',
		default: 'transferOut',
		options: [
			{ name: 'Transfer', value: 'transferOut' },
			{ name: 'Withdrawal', value: 'withdraw' },
			{ name: 'Swap', value: 'swap' },
		],
		description: 'The kind of transaction to price (type)',
	},
	assetField(),
	amountField(),
];

export const description = forOperation('partnerApi', 'fee', 'calculate', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const body = {
		type: this.getNodeParameter('feeType', itemIndex) as string,
		asset: assetCode(this.getNodeParameter('asset', itemIndex), 'Asset'),
		amount: baseUnits(this.getNodeParameter('amount', itemIndex), 'Amount'),
	};
	// A quote changes nothing, so repeating it after a 5xx is safe.
	const response = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'POST', path: apiPath('fees'), body, idempotent: true, itemIndex });
	return { ...response, type: body.type, asset: body.asset };
}
