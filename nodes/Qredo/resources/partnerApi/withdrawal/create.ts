import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, idParam, walletLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { chainAddress } from '../../../validation';
import { movementBody, movementFields } from '../movement.fields';

const properties: INodeProperties[] = [
	companyLocator('The company that initiates the withdrawal'),
	walletLocator('walletId', 'Wallet', 'The wallet the assets leave (wallet_id)'),
	{
		displayName: 'Address',
		name: 'address',
		type: 'string',
		default: '',
		required: true,
		description: "Destination blockchain address (address); it must be on the fund's whitelist",
	},
	...movementFields({ authorizeId: false }),
];

export const description = forOperation('partnerApi', 'withdrawal', 'create', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const companyId = companyIdParam(this, itemIndex);
	const { body, partnerTxId, expires } = movementBody(this, itemIndex);
	body.wallet_id = idParam(this, 'walletId', 'Wallet', itemIndex);
	body.address = chainAddress(this.getNodeParameter('address', itemIndex), 'Address');
	const response = await qredoApiRequest.call(this, {
		surface: 'partnerApi',
		method: 'POST',
		path: apiPath('company', companyId, 'withdraw'),
		body,
		partnerTxId,
		itemIndex,
	});
	return { ...response, partner_txID: partnerTxId, expires };
}
