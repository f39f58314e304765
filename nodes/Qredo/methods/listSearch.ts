/** Pickers for the resource locators: the API's own search endpoints where it has them, else a filtered full list. */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { apiPath, listIn, qredoApiRequest } from '../transport';
import { isBlank, qredoId } from '../validation';

function matches(filter: string | undefined, ...values: unknown[]): boolean {
	if (isBlank(filter)) return true;
	const needle = (filter as string).toLowerCase();
	return values.some((value) => typeof value === 'string' && value.toLowerCase().includes(needle));
}

export async function searchCompanies(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('company', 'search'), query: { query: filter ?? '' } });
	return {
		results: listIn(body, 'matches').map((company) => ({
			name: `${String(company.name ?? company.company_id)}${company.domain ? ` (${String(company.domain)})` : ''}`,
			value: String(company.company_id),
		})),
	};
}

export async function searchFunds(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const selected = this.getCurrentNodeParameter('companyId', { extractValue: true });
	if (isBlank(selected)) throw new NodeOperationError(this.getNode(), 'Choose a company first: funds are listed per company');
	const companyId = qredoId(selected, 'Company');
	const body = await qredoApiRequest.call(this, {
		surface: 'partnerApi',
		method: 'GET',
		path: apiPath('company', companyId, 'fund', 'search'),
		query: { query: filter ?? '' },
	});
	return { results: listIn(body, 'list').map((fund) => ({ name: String(fund.name ?? fund.id), value: String(fund.id) })) };
}

export async function searchCoreClients(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	// GET /coreclient has no search parameter: the full list, filtered here.
	const body = await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'GET', path: apiPath('coreclient') });
	return {
		results: listIn(body, 'clients')
			.filter((client: IDataObject) => matches(filter, client.name, client.id))
			.map((client: IDataObject) => ({ name: String(client.name ?? client.id), value: String(client.id) })),
	};
}
