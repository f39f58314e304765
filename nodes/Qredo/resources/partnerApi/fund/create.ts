import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { custodyGroup, isBlank, text } from '../../../validation';
import { custodyGroupFields, newWallets, newWalletsField } from './fund.fields';

const properties: INodeProperties[] = [
	companyLocator('The company that owns the new fund'),
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true },
	{ displayName: 'Description', name: 'fundDescription', type: 'string', default: '', description: 'Fund description (description)' },
	...custodyGroupFields('withdraw', 'Withdrawal'),
	...custodyGroupFields('tx', 'Transfer'),
	newWalletsField,
];

export const description = forOperation('partnerApi', 'fund', 'create', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const companyId = companyIdParam(this, itemIndex);
	const param = (name: string) => this.getNodeParameter(name, itemIndex);
	const body: IDataObject = {
		name: text(param('name'), 'Name', { required: true, maxLength: 256 }),
		custodygroup_withdraw: { ...custodyGroup(param('withdrawThreshold'), param('withdrawMembers'), 'Withdrawal') },
		custodygroup_tx: { ...custodyGroup(param('txThreshold'), param('txMembers'), 'Transfer') },
		wallets: newWallets(param('wallets') as IDataObject, false),
	};
	const fundDescription = param('fundDescription');
	if (!isBlank(fundDescription)) body.description = text(fundDescription, 'Description');
	return await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'POST', path: apiPath('company', companyId, 'fund'), body, itemIndex });
}
