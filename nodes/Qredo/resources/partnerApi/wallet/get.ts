import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation, idParam, walletLocator } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [walletLocator('walletId', 'Wallet', 'The wallet (wallet_id), e.g. from Fund › Get')];

export const description = forOperation('partnerApi', 'wallet', 'get', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const walletId = idParam(this, 'walletId', 'Wallet', itemIndex);
	return await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('wallet', walletId), itemIndex });
}
