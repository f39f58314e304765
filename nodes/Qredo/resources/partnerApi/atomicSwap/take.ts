import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, idParam, partnerTxIdField, swapLocator, walletLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { partnerTxId, text } from '../../../validation';

const properties: INodeProperties[] = [
	companyLocator('The company that takes the swap offer'),
	swapLocator('swapId', 'Swap Offer', "The maker's swap in the liquidity hub (swap_id)"),
	walletLocator('sendWalletId', 'Send Wallet', 'Your wallet that pays the asset the maker asks for (send_wallet_id)'),
	walletLocator('receiveWalletId', 'Receive Wallet', 'Your wallet that receives the asset the maker offers (receive_wallet_id)'),
	{ displayName: 'Reference', name: 'reference', type: 'string', default: '', required: true, description: 'Your reference (reference)' },
	partnerTxIdField,
];

export const description = forOperation('partnerApi', 'atomicSwap', 'take', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const txId = partnerTxId(this.getNodeParameter('partnerTxId', itemIndex, ''), 'Partner Transaction ID');
	const body: IDataObject = {
		swap_id: idParam(this, 'swapId', 'Swap Offer', itemIndex),
		send_wallet_id: idParam(this, 'sendWalletId', 'Send Wallet', itemIndex),
		receive_wallet_id: idParam(this, 'receiveWalletId', 'Receive Wallet', itemIndex),
		reference: text(this.getNodeParameter('reference', itemIndex), 'Reference', { required: true, maxLength: 256 }),
		partner_txID: txId,
	};
	const response = await qredoApiRequest.call(this, {
		surface: 'partnerApi',
		method: 'POST',
		path: apiPath('company', companyIdParam(this, itemIndex), 'atomicswap', 'take'),
		body,
		partnerTxId: txId,
		itemIndex,
	});
	return { ...response, partner_txID: txId, swap_id: body.swap_id };
}
