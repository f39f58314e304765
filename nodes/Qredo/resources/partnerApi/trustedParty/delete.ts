import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation, idField, idParam } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [
	companyLocator(),
	idField('trustedPartyId', 'Trusted Party ID', 'The trusted_entity_id from Trusted Party › Get Many'),
];

export const description = forOperation('partnerApi', 'trustedParty', 'delete', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const companyId = companyIdParam(this, itemIndex);
	const trustedPartyId = idParam(this, 'trustedPartyId', 'Trusted Party ID', itemIndex);
	const response = await qredoApiRequest.call(this, {
		surface: 'partnerApi',
		method: 'DELETE',
		path: apiPath('company', companyId, 'trustedparty', trustedPartyId),
		itemIndex,
	});
	return { ...response, deleted: true, trusted_entity_id: trustedPartyId };
}
