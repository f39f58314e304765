import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { forOperation, idField, idParam } from '../../../descriptions';
import { asNodeError } from '../../../../shared/qredoErrors';
import { apiPath, qredoApiRequest } from '../../../transport';
import { hexBytes } from '../../../validation';
import { MAX_MESSAGE_BYTES } from './sign';

const properties: INodeProperties[] = [
	{
		displayName: 'Message Hash (Hex)',
		name: 'messageHashHex',
		type: 'string',
		default: '',
		required: true,
		description: 'The signed bytes, as hex, at most 64 bytes (message_hash_hex)',
	},
	{
		displayName: 'Signature (Hex)',
		name: 'signatureHex',
		type: 'string',
		default: '',
		required: true,
		description: 'The 49-byte BLS signature, as hex (signature_hex)',
	},
	idField('signerId', 'Signer ID', 'The core client that signed (signer_id)'),
];

export const description = forOperation('partnerApi', 'coreClient', 'verify', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const body = {
		message_hash_hex: hexBytes(this.getNodeParameter('messageHashHex', itemIndex), 'Message Hash (Hex)', { maxBytes: MAX_MESSAGE_BYTES }),
		signature_hex: hexBytes(this.getNodeParameter('signatureHex', itemIndex), 'Signature (Hex)', { maxBytes: 49 }),
		signer_id: idParam(this, 'signerId', 'Signer ID', itemIndex),
	};
	try {
		await qredoApiRequest.call(this, { surface: 'partnerApi', method: 'POST', path: apiPath('coreclient', 'verify'), body, idempotent: true, itemIndex });
		return { valid: true, ...body };
	} catch (error) {
		// The API answers an invalid signature with 403 (§3.1): that is a result, not a failure.
		if (error instanceof NodeApiError && String(error.httpCode) === '403') return { valid: false, reason: error.message, ...body };
		throw asNodeError(this.getNode(), error, { itemIndex });
	}
}
