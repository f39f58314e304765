/**
 * What transfers and withdrawals share: the amount and its asset, expiry, partner_txID and the reference fields,
 * and how they become the request body.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { amountField, assetField, collectionParam, expiresField, partnerTxIdField } from '../../descriptions';
import { assetCode, baseUnits, expiresAt, isBlank, optionalQredoId, partnerTxId, text } from '../../validation';

export function movementFields(options: { authorizeId: boolean }): INodeProperties[] {
	const additional: INodeProperties[] = [
		{ displayName: 'Account No', name: 'accountNo', type: 'string', default: '', description: "The recipient's account number (account_no)" },
		{ displayName: 'Benefit Of', name: 'benefitOf', type: 'string', default: '', description: 'Who the payment is for (benefit_of)' },
		{ displayName: 'Reference', name: 'reference', type: 'string', default: '', description: 'Your reference (reference)' },
	];
	if (options.authorizeId) {
		additional.unshift({
			displayName: 'Authorize ID',
			name: 'authorizeId',
			type: 'string',
			default: '',
			description: 'A core client that must authorise the transfer before the custodians see it (authorize_id)',
		});
	}
	return [
		assetField('asset', 'Asset'),
		amountField(),
		expiresField,
		partnerTxIdField,
		{ displayName: 'Additional Fields', name: 'additionalFields', type: 'collection', placeholder: 'Add Field', default: {}, options: additional },
	];
}

export interface MovementRequest {
	body: IDataObject;
	partnerTxId: string;
	expires: number;
}

/** The common body fields: send {symbol, amount}, expires, partner_txID and the optional references. */
export function movementBody(context: IExecuteFunctions, itemIndex: number): MovementRequest {
	const extra = collectionParam(context, 'additionalFields', itemIndex);
	const expires = expiresAt(context.getNodeParameter('expires', itemIndex), 'Expires');
	const txId = partnerTxId(context.getNodeParameter('partnerTxId', itemIndex, ''), 'Partner Transaction ID');
	const body: IDataObject = {
		send: {
			symbol: assetCode(context.getNodeParameter('asset', itemIndex), 'Asset'),
			amount: baseUnits(context.getNodeParameter('amount', itemIndex), 'Amount'),
		},
		expires,
		partner_txID: txId,
	};
	if (!isBlank(extra.reference)) body.reference = text(extra.reference, 'Reference', { maxLength: 256 });
	if (!isBlank(extra.benefitOf)) body.benefit_of = text(extra.benefitOf, 'Benefit Of', { maxLength: 256 });
	if (!isBlank(extra.accountNo)) body.account_no = text(extra.accountNo, 'Account No', { maxLength: 256 });
	const authorizeId = optionalQredoId(extra.authorizeId, 'Authorize ID');
	if (authorizeId !== undefined) body.authorize_id = authorizeId;
	return { body, partnerTxId: txId, expires };
}
