import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation, idParam, walletLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [
	walletLocator('walletId', 'Wallet', 'The wallet (wallet_id)'),
	{
		displayName: 'Transaction Type',
		name: 'txType',
		type: 'options',
		default: 'transfer',
		options: [
			{ name: 'Transfer', value: 'transfer' },
			{ name: 'Withdrawal', value: 'withdraw' },
			{ name: 'Swap', value: 'swap' },
		],
		description: 'Which fees to allow for (tx_type)',
	},
	{
		displayName: 'Include Pending',
		name: 'includePending',
		type: 'boolean',
		default: false,
		description: 'Whether to subtract what transactions still awaiting approval have reserved (pending=true); off asks for the balance as if they were not there',
	},
];

export const description = forOperation('partnerApi', 'wallet', 'getMaxSendable', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const walletId = idParam(this, 'walletId', 'Wallet', itemIndex);
	const txType = this.getNodeParameter('txType', itemIndex) as string;
	const includePending = this.getNodeParameter('includePending', itemIndex) as boolean;
	// Both always sent, so the answer never rests on a server-side default. The API names a transfer's fees transferOut.
	const query = { tx_type: txType === 'transfer' ? 'transferOut' : txType, pending: includePending ? 'true' : 'false' };
	const response = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('wallet', walletId, 'max'), query, itemIndex });
	return { ...response, wallet_id: walletId, tx_type: txType };
}
