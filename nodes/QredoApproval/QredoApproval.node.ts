import {
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	NodeConnectionTypes,
	NodeOperationError,
} from 'n8n-workflow';
import { decideAction, type Decision, type TriggerActionInfo } from '../../lib/actions/decide';
import { approverAccess, decisionTarget, type ApproverAccess } from '../shared/approverCredential';
import { qredoApproverConnectionTest } from '../shared/approverConnectionCheck';
import { asNodeError } from '../shared/qredoErrors';
import { adoptEgressFilter } from '../shared/egress';
import { noteDecision } from '../shared/executionDecisions';

const DECISIONS: Record<string, Decision> = { approve: 'approve', reject: 'reject', abstain: 'abstain' };

/**
 * The Qredo Trigger item this item descends from, found through n8n's paired items, so Wait, Send-and-Wait, IF,
 * Switch, Merge, Set and Code nodes may stand in between and the trigger may have any name. `problem` says why not.
 */
function lineageTriggerItem(context: IExecuteFunctions, itemIndex: number): { json?: IDataObject; problem?: string } {
	let triggers: Array<{ name: string }>;
	try {
		triggers = context.getParentNodes(context.getNode().name).filter((n) => n.type.endsWith('.qredoTrigger') && !n.disabled);
	} catch (error) {
		return { problem: `the workflow's nodes could not be read (${(error as Error).message})` };
	}
	if (triggers.length === 0) return { problem: 'no Qredo Trigger comes before this node' };
	const proxy = context.getWorkflowDataProxy(itemIndex);
	const found: IDataObject[] = [];
	const problems: string[] = [];
	for (const trigger of triggers) {
		try {
			const json = (proxy.$(trigger.name).item as { json?: IDataObject } | undefined)?.json;
			if (json && typeof json.actionId === 'string' && json.actionId !== '') found.push(json);
		} catch (error) {
			problems.push(`"${trigger.name}": ${(error as Error).message}`);
		}
	}
	if (found.length === 1) return { json: found[0] };
	if (found.length > 1) return { problem: `the item descends from ${found.length} Qredo Trigger items` };
	return { problem: `the item cannot be traced back to a Qredo Trigger item${problems.length ? ` (${problems.join('; ')})` : ''}` };
}

/** The trigger item's view of the action, when the item is about this action ID. */
function triggerInfo(json: IDataObject, actionId: string): TriggerActionInfo | undefined {
	if (json.actionId !== actionId) return undefined;
	const info: TriggerActionInfo = { actionId };
	if (json.protocol === 'v1' || json.protocol === 'v2') info.protocol = json.protocol;
	if (typeof json.status === 'string') info.status = json.status as TriggerActionInfo['status'];
	if (typeof json.expiresAt === 'number') info.expiresAt = json.expiresAt;
	return info;
}

// Deliberately not `usableAsTool`: an AI agent must never be able to approve whatever it is told about (README).
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class QredoApproval implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Qredo Approve/Reject',
		name: 'qredoApproval',
		icon: { light: 'file:qredo.svg', dark: 'file:qredo.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ { approve: "Approve", reject: "Reject", abstain: "Abstain" }[$parameter["operation"]] }}',
		description: 'Approve or reject a pending Qredo action with a BLS signature, exactly as the Signing Agent does',
		defaults: { name: 'Qredo Approve/Reject' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'qredoApproverApi', required: true, testedBy: 'qredoApproverConnectionTest' }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'approve',
				options: [
					{
						name: 'Approve',
						value: 'approve',
						action: 'Approve an action',
						description: 'BLS-sign the action\'s messages and submit the approval',
					},
					{
						name: 'Reject',
						value: 'reject',
						action: 'Reject an action',
						description: 'Submit a rejection (v2 signs it too; v1 sends DELETE)',
					},
					{
						name: 'No Action (Abstain)',
						value: 'abstain',
						action: 'Record an abstention',
						description: 'Send nothing; output an audit record saying this approver abstained',
					},
				],
			},
			{
				displayName: 'Action ID',
				name: 'actionId',
				type: 'string',
				default: '',
				placeholder: 'empty: the action of the Qredo Trigger item this item came from',
				description:
					'The pending action to decide. Leave empty for the action of the Qredo Trigger item this item descends from, traced through Wait, Send-and-Wait, IF, Switch, Merge, Set and Code nodes whatever the trigger is called.',
			},
			{
				displayName: 'Reason',
				name: 'reason',
				type: 'string',
				default: '',
				placeholder: 'amount within the daily limit, address allowlisted',
				description: 'Why; kept in the audit record this node outputs',
			},
		],
	};

	methods = {
		credentialTest: {
			qredoApproverConnectionTest,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		adoptEgressFilter(this.helpers);
		const items = this.getInputData();
		const node = this.getNode();
		const output: INodeExecutionData[] = [];
		// Parsed once per execution: the key never leaves the signer's closure.
		let access: ApproverAccess | undefined;
		let accessError: Error | undefined;
		try {
			access = approverAccess(await this.getCredentials('qredoApproverApi'));
		} catch (error) {
			accessError = error as Error;
		}

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				if (!access) {
					throw new NodeOperationError(node, accessError as Error, {
						itemIndex,
						description: 'Check the Qredo Approver API credential',
					});
				}
				const decision = DECISIONS[this.getNodeParameter('operation', itemIndex) as string];
				const given = String(this.getNodeParameter('actionId', itemIndex, '') ?? '').trim();
				// The trigger item: the input item itself when it is one, else the one it descends from.
				const direct = typeof items[itemIndex].json.actionId === 'string' && items[itemIndex].json.actionId !== '' ? items[itemIndex].json : undefined;
				const traced = direct ? undefined : lineageTriggerItem(this, itemIndex);
				const source = direct ?? traced?.json;
				const actionId = given || (typeof source?.actionId === 'string' ? source.actionId : '');
				if (!actionId) {
					throw new NodeOperationError(node, `Action ID: expected the ID of a pending Qredo action; it is empty and ${traced?.problem ?? 'the item carries none'}`, {
						itemIndex,
						description: 'Connect this node (directly or through other nodes) after a Qredo Trigger, or enter the action ID.',
					});
				}
				const action = source ? triggerInfo(source, actionId) : undefined;
				if (action?.protocol && action.protocol !== access.protocol) {
					throw new NodeOperationError(
						node,
						`Action ${actionId} came from the ${action.protocol} feed, but the Qredo Approver API credential is a ${access.protocol} approver`,
						{ itemIndex },
					);
				}
				const record = await decideAction({
					...decisionTarget(access),
					actionId,
					decision,
					reason: this.getNodeParameter('reason', itemIndex, '') as string,
					action,
				});
				noteDecision(this.customData, record.actionId, record.outcome);
				output.push({ json: record as unknown as IDataObject, pairedItem: { item: itemIndex } });
			} catch (caught) {
				const error = asNodeError(node, caught, { itemIndex, credential: 'Qredo Approver API' });
				if (this.continueOnFail()) {
					output.push({ json: { error: error.message, description: error.description ?? null }, pairedItem: { item: itemIndex } });
					continue;
				}
				throw error;
			}
		}
		return [output];
	}
}
