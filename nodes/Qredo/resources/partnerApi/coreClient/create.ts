import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { text } from '../../../validation';

const properties: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, description: 'Name of the new Qredo-hosted core client (name)' },
];

export const description = forOperation('partnerApi', 'coreClient', 'create', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const name = text(this.getNodeParameter('name', itemIndex), 'Name', { required: true, maxLength: 256 });
	return await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'POST', path: apiPath('coreclient'), body: { name }, itemIndex });
}
