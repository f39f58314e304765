import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { companyIdParam, companyLocator, forOperation } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { email, qredoId } from '../../../validation';

const properties: INodeProperties[] = [
	companyLocator('The company whose trusted network gets the new party'),
	{
		displayName: 'Party Type',
		name: 'partyType',
		type: 'options',
		default: 'user',
		options: [
			{ name: 'User', value: 'user', description: 'A Qredo user, by e-mail; they approve it in their Qredo Signing App' },
			{ name: 'Company', value: 'company', description: 'Another company, by company ID' },
			{ name: 'Agent (Core Client)', value: 'agent', description: 'A Signing Agent or core client, by its agent ID' },
		],
		description: 'What kind of party the address names; all three are sent as `address`',
	},
	{
		displayName: 'E-Mail',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		required: true,
		displayOptions: { show: { partyType: ['user'] } },
	},
	{
		displayName: 'Company ID',
		name: 'partyCompanyId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { partyType: ['company'] } },
	},
	{
		displayName: 'Agent ID',
		name: 'agentId',
		type: 'string',
		default: '',
		required: true,
		description: 'The agent ID (account code) of the Signing Agent or core client',
		displayOptions: { show: { partyType: ['agent'] } },
	},
];

export const description = forOperation('partnerApi', 'trustedParty', 'add', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const companyId = companyIdParam(this, itemIndex);
	const partyType = this.getNodeParameter('partyType', itemIndex) as string;
	const address =
		partyType === 'user'
			? email(this.getNodeParameter('email', itemIndex), 'E-Mail')
			: partyType === 'company'
				? qredoId(this.getNodeParameter('partyCompanyId', itemIndex), 'Company ID')
				: qredoId(this.getNodeParameter('agentId', itemIndex), 'Agent ID');
	const response = await qredoApiRequest.call(this, {
		surface: 'partnerApi',
		method: 'POST',
		path: apiPath('company', companyId, 'trustedparty'),
		body: { address },
		itemIndex,
	});
	return { ...response, company_id: companyId, address, party_type: partyType };
}
