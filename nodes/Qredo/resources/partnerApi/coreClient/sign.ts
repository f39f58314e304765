import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { coreClientLocator, forOperation, idParam } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { hexBytes } from '../../../validation';

export const MAX_MESSAGE_BYTES = 64;

const properties: INodeProperties[] = [
	coreClientLocator(),
	{
		displayName: 'Message Hash (Hex)',
		name: 'messageHashHex',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 9f86d081884c7d65…',
		description: 'The bytes to sign, as hex, at most 64 bytes (message_hash_hex)',
	},
];

export const description = forOperation('partnerApi', 'coreClient', 'sign', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const clientId = idParam(this, 'coreClientId', 'Core Client', itemIndex);
	const messageHashHex = hexBytes(this.getNodeParameter('messageHashHex', itemIndex), 'Message Hash (Hex)', { maxBytes: MAX_MESSAGE_BYTES });
	// BLS signatures are deterministic: signing the same bytes again is harmless, so 5xx may be retried.
	const response = await qredoApiRequest.call(this, {
		surface: 'partnerApi',
		method: 'POST',
		path: apiPath('coreclient', clientId, 'sign'),
		body: { message_hash_hex: messageHashHex },
		idempotent: true,
		itemIndex,
	});
	return { ...response, message_hash_hex: messageHashHex };
}
