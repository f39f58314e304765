import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, idField, idParam, walletLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { walletIdOrShortCode } from '../../../validation';
import { movementBody, movementFields } from '../movement.fields';

const properties: INodeProperties[] = [
	companyLocator('The company that initiates the transfer'),
	walletLocator('walletId', 'Wallet', 'The wallet the assets leave (wallet_id)'),
	idField('counterpartyWallet', 'Counterparty Wallet', 'Wallet ID or short code of the receiving Qredo wallet (counterparty_wallet_address)'),
	...movementFields({ authorizeId: true }),
];

export const description = forOperation('partnerApi', 'transfer', 'create', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const companyId = companyIdParam(this, itemIndex);
	const { body, partnerTxId, expires } = movementBody(this, itemIndex);
	body.wallet_id = idParam(this, 'walletId', 'Wallet', itemIndex);
	body.counterparty_wallet_address = walletIdOrShortCode(this.getNodeParameter('counterpartyWallet', itemIndex), 'Counterparty Wallet');
	const response = await qredoApiRequest.call(this, {
		surface: 'partnerApi',
		method: 'POST',
		path: apiPath('company', companyId, 'transfer'),
		body,
		partnerTxId,
		itemIndex,
	});
	return { ...response, partner_txID: partnerTxId, expires };
}
