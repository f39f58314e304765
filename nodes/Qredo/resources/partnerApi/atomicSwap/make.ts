import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { amountField, assetField, companyIdParam, companyLocator, forOperation, idParam, optionalExpiresField, partnerTxIdField, walletLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { assetCode, baseUnits, expiresAt, isBlank, partnerTxId, text } from '../../../validation';

const properties: INodeProperties[] = [
	companyLocator('The company that makes the swap offer'),
	walletLocator('sendWalletId', 'Send Wallet', 'The wallet that gives (send_wallet_id)'),
	assetField('sendAsset', 'Send Asset'),
	amountField('sendAmount', 'Send Amount'),
	walletLocator('receiveWalletId', 'Receive Wallet', 'The wallet that receives (receive_wallet_id)'),
	assetField('receiveAsset', 'Receive Asset'),
	amountField('receiveAmount', 'Receive Amount'),
	{ displayName: 'Reference', name: 'reference', type: 'string', default: '', required: true, description: 'Your reference (reference)' },
	optionalExpiresField,
	partnerTxIdField,
	{
		displayName: 'Add to Liquidity Hub',
		name: 'addToLiquidityHub',
		type: 'boolean',
		default: false,
		description: 'Whether to offer the swap on the liquidity hub at once (add_to_liquidity_hub)',
	},
];

export const description = forOperation('partnerApi', 'atomicSwap', 'make', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const param = (name: string) => this.getNodeParameter(name, itemIndex);
	const txId = partnerTxId(this.getNodeParameter('partnerTxId', itemIndex, ''), 'Partner Transaction ID');
	const body: IDataObject = {
		send_wallet_id: idParam(this, 'sendWalletId', 'Send Wallet', itemIndex),
		receive_wallet_id: idParam(this, 'receiveWalletId', 'Receive Wallet', itemIndex),
		reference: text(param('reference'), 'Reference', { required: true, maxLength: 256 }),
		partner_txID: txId,
		send: { symbol: assetCode(param('sendAsset'), 'Send Asset'), amount: baseUnits(param('sendAmount'), 'Send Amount') },
		receive: { symbol: assetCode(param('receiveAsset'), 'Receive Asset'), amount: baseUnits(param('receiveAmount'), 'Receive Amount') },
		add_to_liquidity_hub: param('addToLiquidityHub') === true,
	};
	if (!isBlank(param('expires'))) body.expires = expiresAt(param('expires'), 'Expires');
	const response = await qredoApiRequest.call(this, {
		surface: 'partnerApi',
		method: 'POST',
		path: apiPath('company', companyIdParam(this, itemIndex), 'atomicswap', 'make'),
		body,
		partnerTxId: txId,
		itemIndex,
	});
	return { ...response, partner_txID: txId, ...(body.expires === undefined ? {} : { expires: body.expires }) };
}
