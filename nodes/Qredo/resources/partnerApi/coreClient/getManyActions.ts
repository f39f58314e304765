import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { coreClientLocator, forOperation, idParam, limitResults, returnAllAndLimit } from '../../../descriptions';
import { apiPath, listIn, qredoApiRequest } from '../../../transport';

const properties: INodeProperties[] = [coreClientLocator()];

export const description = forOperation('partnerApi', 'coreClient', 'getManyActions', [...properties, ...returnAllAndLimit()]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const clientId = idParam(this, 'coreClientId', 'Core Client', itemIndex);
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('coreclient', clientId, 'actions'), itemIndex });
	return limitResults(this, itemIndex, listIn(body, 'actions'));
}
