import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation, idField, idParam, limitResults, returnAllAndLimit } from '../../../descriptions';
import { apiPath, listIn, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [idField('walletId', 'Wallet ID', 'The wallet (wallet_id)')];

export const description = forOperation('qapiV1', 'wallet', 'getHistory', [...properties, ...returnAllAndLimit()]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const walletId = idParam(this, 'walletId', 'Wallet ID', itemIndex);
	// The swagger's path (/wallet/…); one guide page writes /wallets/… (protocol §7 item 8).
	const body = await qredoApiRequest.call(this, { surface: 'qapiV1', method: 'GET', path: apiPath('wallet', walletId, 'history'), itemIndex });
	return limitResults(this, itemIndex, listIn(body, 'history'));
}
