import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { QredoInputError } from '../../../../../lib/errors';
import { collectionParam, forOperation } from '../../../descriptions';
import { apiPath, qredoApiRequest } from '../../../transport';
import { evmAddress, hexBytes, isBlank, text, wholeNumberString } from '../../../validation';

const WEI = 'Whole number of wei, as a string of digits';

const properties: INodeProperties[] = [
	{
		displayName: 'From',
		name: 'from',
		type: 'string',
		default: '',
		required: true,
		placeholder: '0x…',
		description: 'Address of the Web3 API wallet that sends (from)',
	},
	{ displayName: 'To', name: 'to', type: 'string', default: '', required: true, placeholder: '0x…', description: 'Recipient or contract address (to)' },
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		default: '0',
		required: true,
		description: 'Amount to send in wei (value), a whole number; 0 for a contract call that moves no ether',
	},
	{ displayName: 'Gas Limit', name: 'gasLimit', type: 'string', default: '21000', required: true, description: 'Gas limit (gasLimit), a whole number' },
	{
		displayName: 'Fee Model',
		name: 'feeModel',
		type: 'options',
		default: 'eip1559',
		options: [
			{ name: 'EIP-1559 (Max Fee + Priority Fee)', value: 'eip1559' },
			{ name: 'Legacy (Gas Price)', value: 'legacy' },
		],
	},
	{ displayName: 'Gas Price', name: 'gasPrice', type: 'string', default: '', required: true, description: `${WEI} (gasPrice)`, displayOptions: { show: { feeModel: ['legacy'] } } },
	{
		displayName: 'Max Fee per Gas',
		name: 'maxFeePerGas',
		type: 'string',
		default: '',
		required: true,
		description: `${WEI} (maxFeePerGas)`,
		displayOptions: { show: { feeModel: ['eip1559'] } },
	},
	{
		displayName: 'Max Priority Fee per Gas',
		name: 'maxPriorityFeePerGas',
		type: 'string',
		default: '',
		required: true,
		description: `${WEI} (maxPriorityFeePerGas)`,
		displayOptions: { show: { feeModel: ['eip1559'] } },
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Chain ID', name: 'chainID', type: 'string', default: '', placeholder: 'e.g. 1', description: 'EVM chain ID (chainID)' },
			{ displayName: 'Data', name: 'data', type: 'string', default: '', placeholder: '0x…', description: 'Call data as 0x-prefixed hex (data)' },
			{ displayName: 'Note', name: 'note', type: 'string', default: '', description: 'A note for the approvers (note)' },
		],
	},
];

export const description = forOperation('qapiV1', 'transaction', 'create', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const param = (name: string) => this.getNodeParameter(name, itemIndex);
	const body: IDataObject = {
		from: evmAddress(param('from'), 'From'),
		to: evmAddress(param('to'), 'To'),
		value: wholeNumberString(param('value'), 'Value'),
		gasLimit: wholeNumberString(param('gasLimit'), 'Gas Limit'),
	};
	if (body.gasLimit === '0') throw new QredoInputError('Gas Limit', 'a whole number of 1 or more');
	if (param('feeModel') === 'legacy') {
		body.gasPrice = wholeNumberString(param('gasPrice'), 'Gas Price');
	} else {
		body.maxFeePerGas = wholeNumberString(param('maxFeePerGas'), 'Max Fee per Gas');
		body.maxPriorityFeePerGas = wholeNumberString(param('maxPriorityFeePerGas'), 'Max Priority Fee per Gas');
		if (BigInt(body.maxPriorityFeePerGas as string) > BigInt(body.maxFeePerGas as string)) {
			throw new QredoInputError('Max Priority Fee per Gas', 'at most Max Fee per Gas');
		}
	}
	const extra = collectionParam(this, 'additionalFields', itemIndex);
	if (!isBlank(extra.data)) body.data = '0x' + hexBytes(extra.data, 'Data');
	if (!isBlank(extra.chainID)) body.chainID = wholeNumberString(extra.chainID, 'Chain ID');
	if (!isBlank(extra.note)) body.note = text(extra.note, 'Note', { maxLength: 1024 });
	// No idempotency key exists for Web3 transactions: a 5xx is never repeated, the status must be checked instead.
	return await qredoApiRequest.call(this, {
		surface: 'qapiV1',
		method: 'POST',
		path: apiPath('transaction'),
		body,
		itemIndex,
		failureHint: 'Qredo API v1 transactions have no idempotency key: before retrying, check whether the transaction was created (Web3 wallet history or approvals).',
	});
}
