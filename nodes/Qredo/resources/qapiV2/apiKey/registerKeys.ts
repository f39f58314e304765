import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { secp256k1 } from '../../../../../lib/vendor/noble';
import { QredoInputError } from '../../../../../lib/errors';
import { decodeG2 } from '../../../../../lib/crypto/bls';
import { forOperation } from '../../../descriptions';
import { qredoApiRequest } from '../../../transport';
import { publicKeyBase64 } from '../../../validation';
import { apiKeyIdField, apiKeyPath } from './key';

const BLS_PUBLIC_KEY_BYTES = 192;
const EC_PUBLIC_KEY_BYTES = 65;

const properties: INodeProperties[] = [
	apiKeyIdField,
	{
		displayName: 'BLS Public Key',
		name: 'blsPublicKey',
		type: 'string',
		default: '',
		required: true,
		description: 'The 192-byte BLS12-381 public key, as hex or base64 (e.g. from `qredo keys public`); sent as base64 (blsPublicKey)',
	},
	{
		displayName: 'EC Public Key',
		name: 'ecPublicKey',
		type: 'string',
		default: '',
		required: true,
		description: 'The 65-byte uncompressed secp256k1 public key (04…), as hex or base64; sent as base64 (ecPublicKey)',
	},
];

export const description = forOperation('qapiV2', 'apiKey', 'registerKeys', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const blsPublicKey = publicKeyBase64(this.getNodeParameter('blsPublicKey', itemIndex), 'BLS Public Key', BLS_PUBLIC_KEY_BYTES);
	const ecPublicKey = publicKeyBase64(this.getNodeParameter('ecPublicKey', itemIndex), 'EC Public Key', EC_PUBLIC_KEY_BYTES);
	// Points off the curve would be accepted by no one; refuse them here with a clear message.
	decodeG2(Buffer.from(blsPublicKey, 'base64'), 'BLS Public Key');
	if (!isEcPoint(Buffer.from(ecPublicKey, 'base64'))) {
		throw new QredoInputError('EC Public Key', 'an uncompressed secp256k1 point (04‖X‖Y) on the curve');
	}
	const { path, keyGiven } = await apiKeyPath(this, itemIndex);
	// Each registration creates an action to approve: not repeated on 5xx.
	const response = await qredoApiRequest.call(this, { surface: 'qapiV2', method: 'PUT', path, body: { blsPublicKey, ecPublicKey }, idempotent: false, itemIndex });
	return {
		...response,
		...(keyGiven === undefined ? {} : { keyID: keyGiven }),
		next: 'Approve this action with the new BLS key (Qredo Approve/Reject node, or `qredo register`) to make the keys effective',
	};
}

function isEcPoint(bytes: Uint8Array): boolean {
	try {
		secp256k1.Point.fromBytes(bytes);
		return true;
	} catch {
		return false;
	}
}
