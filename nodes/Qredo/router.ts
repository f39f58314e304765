/**
 * Runs the selected operation once per input item: pairs every output item with its input, and with "Continue On
 * Fail" turns a failed item into `{ error }` (plus the partner_txID, when one was generated) instead of stopping.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { resources } from './resources';
import { asNodeError } from '../shared/qredoErrors';
import type { QredoSurface } from '../shared/qredoApiCredential';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const api = this.getNodeParameter('api', itemIndex) as QredoSurface;
			const resource = this.getNodeParameter('resource', itemIndex) as string;
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			const handler = resources[api]?.[resource]?.[operation];
			if (handler === undefined) {
				throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" (${api}) is not supported`, { itemIndex });
			}
			const result = await handler.execute.call(this, itemIndex);
			output.push(...this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(result), { itemData: { item: itemIndex } }));
		} catch (caught) {
			const error = asNodeError(this.getNode(), caught, { itemIndex });
			if (!this.continueOnFail()) throw error;
			const json: INodeExecutionData['json'] = { error: error.message };
			if (error.description) json.description = error.description;
			const partnerTxId = error.context.partnerTxId;
			if (typeof partnerTxId === 'string') json.partner_txID = partnerTxId;
			output.push({ json, pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
