import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, fundIdParam, fundLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { newWallets, newWalletsField } from './fund.fields';

const properties: INodeProperties[] = [companyLocator(), fundLocator(), { ...newWalletsField, required: true }];

export const description = forOperation('partnerApi', 'fund', 'addWallets', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const wallets = newWallets(this.getNodeParameter('wallets', itemIndex) as IDataObject, true);
	const path = apiPath('company', companyIdParam(this, itemIndex), 'fund', fundIdParam(this, itemIndex), 'wallet');
	return await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'POST', path, body: { wallets }, itemIndex });
}
