import {
	type IDataObject,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
	NodeConnectionTypes,
	NodeOperationError,
} from 'n8n-workflow';
import {
	enrichV1Action,
	enrichV2Action,
	parseV1Frame,
	parseV2Frame,
	SeenActions,
	type PartnerApiAccess,
	type PendingAction,
} from '../../lib/feed/actions';
import { FeedClient, FeedFatalError } from '../../lib/feed/feedClient';
import { qredoApiAccess, surfaceAccess } from '../shared/qredoApiCredential';
import { approverAccess, approverFeedDial, type ApproverAccess } from '../shared/approverCredential';
import { qredoApproverConnectionTest } from '../shared/approverCredentialTest';
import { qredoApiConnectionTest } from '../shared/qredoApiCredentialTest';

/** Static-data key holding the emitted action IDs (reassigned on every change: n8n only persists assignments). */
const SEEN_KEY = 'seenActions';

/**
 * Triggers (workflow ID + node) whose last listener stopped because Qredo refused the credentials. n8n 2.41 calls
 * trigger() again at once after emitError, and a trigger() that returns counts as recovered; without this memory a
 * refused credential would be retried about every second, forever, and the activation error would flicker away.
 */
const refusedTriggers = new Set<string>();
/** How long a re-activation after a refusal waits for the feed to open before it lets the client keep trying. */
const REFUSAL_PROBE_MS = 20_000;

/** The item a workflow decides on: the action, its details at the top level for IF/Switch, and the raw frame. */
export function actionItem(action: PendingAction, nowMs: number): IDataObject {
	const { raw, details, ...rest } = action;
	const { raw: detailsRaw, source: detailsSource, ...flat } = details ?? { raw: undefined, source: undefined };
	return {
		...rest,
		...flat,
		expiresInSeconds: Math.round(action.expiresAt - nowMs / 1000),
		detailsSource: detailsSource ?? null,
		details: (detailsRaw as IDataObject | undefined) ?? null,
		frame: raw as IDataObject,
	};
}

function parseTypeFilter(value: string): Set<string> {
	return new Set(
		value
			.split(',')
			.map((type) => type.trim())
			.filter((type) => type !== ''),
	);
}

export class QredoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Qredo Trigger',
		name: 'qredoTrigger',
		icon: { light: 'file:qredo.svg', dark: 'file:qredo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Pending actions (" + ($parameter["fetchDetails"] ? "with details" : "feed") + ")"}}',
		description: 'Starts a workflow for every pending Qredo approval action (transfer, withdrawal, key registration)',
		defaults: { name: 'Qredo Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'qredoApproverApi', required: true, testedBy: 'qredoApproverConnectionTest' },
			{ name: 'qredoApi', required: true, testedBy: 'qredoApiConnectionTest', displayOptions: { show: { fetchDetails: [true] } } },
		],
		eventTriggerDescription: 'Waiting for a pending Qredo action',
		activationMessage: 'Qredo pending actions will now start this workflow, one execution per action.',
		properties: [
			{
				displayName:
					'One execution per pending action on the approver\'s feed (API v2 signrequests, or the v1 agent feed), each action at most once, across reconnects and restarts',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Fetch V1 Action Details',
				name: 'fetchDetails',
				type: 'boolean',
				default: false,
				description:
					'Whether to read amount, asset, recipient, fund and initiator of v1 agent actions through the Partner API (needs a Qredo API credential with a Partner API key; v2 actions carry their details already)',
			},
			{
				displayName: 'Action Types',
				name: 'actionTypes',
				type: 'string',
				default: '',
				placeholder: 'ApproveTransfer, ApproveWithdraw',
				description:
					'Comma-separated action types to start the workflow for; empty for all. v1 types are names such as ApproveTransfer; v2 types are numbers as Qredo sends them.',
			},
			{
				displayName: 'Skip Actions Expiring Within (Seconds)',
				name: 'skipExpiringWithinSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'Actions that expire sooner than this are skipped (logged), so a workflow is not started for a decision it cannot finish in time',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Manual Run Wait (Seconds)',
						name: 'manualWaitSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 120,
						description: 'How long "Execute step" waits for one pending action before it stops with a message',
					},
					{
						displayName: 'Heartbeat Interval (Seconds)',
						name: 'pingIntervalSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 20,
						description: 'A WebSocket ping is sent this often; an unanswered ping (10 s) or a silent feed makes the trigger reconnect',
					},
					{
						displayName: 'Max Reconnect Delay (Seconds)',
						name: 'maxReconnectDelaySeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 60,
						description: 'Reconnects back off exponentially up to this delay and never give up on network errors',
					},
					{
						displayName: 'V2 Feed Authentication',
						name: 'v2FeedAuth',
						type: 'options',
						default: 'header',
						options: [
							{ name: 'X-Token Header', value: 'header' },
							{ name: 'WebSocket Token in Query', value: 'query', description: 'Sends ?token= from POST /websocket/token, for proxies that strip WebSocket headers' },
						],
					},
				],
			},
		],
	};

	methods = {
		credentialTest: {
			qredoApproverConnectionTest,
			qredoApiConnectionTest,
		},
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const node = this.getNode();
		const manual = this.getMode() === 'manual';
		let access: ApproverAccess;
		try {
			access = approverAccess(await this.getCredentials('qredoApproverApi'));
		} catch (error) {
			throw new NodeOperationError(node, error as Error, { description: 'Check the Qredo Approver API credential' });
		}
		const fetchDetails = this.getNodeParameter('fetchDetails', false) as boolean;
		let partner: PartnerApiAccess | undefined;
		if (fetchDetails && access.protocol === 'v1') {
			try {
				const api = qredoApiAccess(await this.getCredentials('qredoApi'));
				const { baseUrl, auth } = surfaceAccess(api, 'partnerApi');
				if (auth.kind === 'partner') partner = { baseUrl, apiKey: auth.apiKey, privateKey: auth.privateKey, nonce: auth.nonce };
			} catch (error) {
				throw new NodeOperationError(node, error as Error, {
					description: 'Fetch V1 Action Details needs a Partner API key and RSA key in the Qredo API credential',
				});
			}
		}
		const types = parseTypeFilter(this.getNodeParameter('actionTypes', '') as string);
		const skipWithin = this.getNodeParameter('skipExpiringWithinSeconds', 0) as number;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const label = `Qredo Trigger "${node.name}"`;
		const workflowId = this.getWorkflow().id ?? 'unsaved';

		const staticData = this.getWorkflowStaticData('node');
		const seen = SeenActions.fromJSON(staticData[SEEN_KEY]);
		const inFlight = new Set<string>();

		const enrich = async (action: PendingAction): Promise<PendingAction> => {
			if (action.protocol === 'v2') return enrichV2Action(action, { baseUrl: access.baseUrl, tokens: access.tokens! });
			return partner ? enrichV1Action(action, { agentId: access.approverId, partner }) : action;
		};

		/** Why this action is not for us now, or undefined to emit it. */
		const skipReason = (action: PendingAction): string | undefined => {
			if (action.status !== 'pending') return `status ${action.status}`;
			if (types.size > 0 && !types.has(action.type)) return `type ${action.type} not selected`;
			const left = action.expiresAt - Date.now() / 1000;
			if (left <= 0) return 'already expired';
			if (left < skipWithin) return `expires in ${Math.round(left)} s (< ${skipWithin} s)`;
			return undefined;
		};

		let settleManual: ((outcome: 'emitted' | 'failed') => void) | undefined;

		const handleFrame = async (text: string) => {
			const parsed = access.protocol === 'v2' ? parseV2Frame(text) : parseV1Frame(text);
			if (!parsed.ok) {
				this.logger.warn(`${label}: skipped a malformed feed frame: ${parsed.error.message}`);
				return;
			}
			let action = parsed.action;
			if (inFlight.has(action.actionId) || (!manual && seen.has(action.actionId))) {
				this.logger.debug(`${label}: action ${action.actionId} already handled; duplicate frame ignored`);
				return;
			}
			const early = skipReason(action);
			if (early) {
				this.logger.debug(`${label}: action ${action.actionId} skipped (${early})`);
				return;
			}
			inFlight.add(action.actionId);
			try {
				try {
					action = await enrich(action);
				} catch (error) {
					// Details are a convenience; the decision node re-checks the action before signing.
					this.logger.warn(`${label}: could not fetch details of action ${action.actionId}: ${(error as Error).message}`);
				}
				const late = skipReason(action);
				if (late) {
					this.logger.info(`${label}: action ${action.actionId} skipped (${late})`);
					return;
				}
				const item = actionItem(action, Date.now());
				if (manual) {
					this.emit([this.helpers.returnJsonArray([item])]);
					settleManual?.('emitted');
					return;
				}
				// Recorded before emit: n8n saves static data as part of emit, so a restart cannot emit it again.
				seen.add(action.actionId, action.expiresAt);
				staticData[SEEN_KEY] = seen.toJSON();
				this.logger.info(`${label}: action ${action.actionId} (${action.type}) → new execution`);
				this.emit([this.helpers.returnJsonArray([item])], undefined, undefined, `qredo:${workflowId}:${node.id ?? node.name}:${action.actionId}`);
			} finally {
				inFlight.delete(action.actionId);
			}
		};

		const refusalKey = `${workflowId}:${node.id ?? node.name}`;
		const refusal = (error: FeedFatalError) =>
			new NodeOperationError(node, `Qredo refused the approver credentials on the ${access.protocol} feed: ${error.message}`, {
				description: 'Check the Qredo Approver API credential (API key/secret or M-Pin identity, environment and URLs). The trigger stays stopped until the workflow is reactivated.',
			});
		// Set while trigger() itself checks refused credentials: the refusal becomes its exception, not an emitError.
		let probing = false;

		const client = new FeedClient({
			name: label,
			dial: approverFeedDial(access, (options.v2FeedAuth as 'header' | 'query' | undefined) ?? 'header'),
			onMessage: handleFrame,
			logger: this.logger,
			pingIntervalMs: ((options.pingIntervalSeconds as number | undefined) ?? 20) * 1000,
			backoff: { maxMs: ((options.maxReconnectDelaySeconds as number | undefined) ?? 60) * 1000 },
			onStateChange: (state, detail) => this.logger.info(`${label}: feed ${state}${detail ? ` (${detail})` : ''}`),
			onFatal: (error: FeedFatalError) => {
				settleManual?.('failed');
				if (probing) return;
				if (!manual) refusedTriggers.add(refusalKey);
				this.emitError(refusal(error));
			},
		});

		const closeFunction = async () => {
			await client.stop();
		};

		if (!manual) {
			client.start();
			if (refusedTriggers.has(refusalKey)) {
				// n8n is reactivating us after a refusal: throwing hands the retry to n8n's bounded back-off, and
				// n8n keeps the activation error until the credentials work.
				probing = true;
				let timer: NodeJS.Timeout | undefined;
				const outcome = await Promise.race([
					client.connectedOnce().then(
						() => 'open' as const,
						(error: unknown) => error,
					),
					new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), REFUSAL_PROBE_MS))),
				]);
				clearTimeout(timer);
				probing = false;
				if (outcome instanceof FeedFatalError) {
					await client.stop();
					throw refusal(outcome);
				}
				if (outcome === 'open') refusedTriggers.delete(refusalKey);
			}
			return { closeFunction };
		}

		const manualTriggerFunction = async () => {
			const waitSeconds = (options.manualWaitSeconds as number | undefined) ?? 120;
			const outcome = new Promise<'emitted' | 'failed' | 'timeout'>((resolve) => {
				settleManual = resolve;
				setTimeout(() => resolve('timeout'), waitSeconds * 1000).unref();
			});
			client.start();
			if ((await outcome) === 'timeout') {
				await client.stop();
				this.emitError(
					new NodeOperationError(node, `No pending Qredo action arrived within ${waitSeconds} s`, {
						description: `The ${access.protocol} feed of approver ${access.approverId} was connected but quiet. Create a transfer or withdrawal that this approver must decide (or, on the local sandbox, POST /sandbox/admin/transactions) and run again.`,
					}),
				);
			}
		};
		return { closeFunction, manualTriggerFunction };
	}
}
