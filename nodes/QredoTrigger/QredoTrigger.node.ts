import {
	type IDataObject,
	type INode,
	type IRun,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
	NodeConnectionTypes,
	NodeOperationError,
} from 'n8n-workflow';
import { enrichV1Action, enrichV2Action, getV2Action, type PartnerApiAccess } from '../../lib/actions/lookups';
import { parseV1Frame, parseV2Frame } from '../../lib/feed/frames';
import { type PendingAction } from '../../lib/actions/action';
import { ActionDelivery, type AttemptResult, type LedgerJson } from '../../lib/feed/delivery';
import { decimalsFromScale, humanView } from '../../lib/feed/display';
import { qredoRequest, type AuthScheme } from '../../lib/transport/request';
import { FeedClient, FeedFatalError, isAuthRejection, isFatalFeedError } from '../../lib/feed/feedClient';
import { IncidentMonitor, type IncidentReport } from '../../lib/feed/incidents';
import { qredoApiAccess, surfaceAccess } from '../shared/qredoApiCredential';
import { approverAccess, approverFeedDial, type ApproverAccess } from '../shared/approverCredential';
import { qredoApproverConnectionTest } from '../shared/approverConnectionCheck';
import { qredoApiConnectionTest } from '../shared/qredoApiConnectionCheck';
import { adoptEgressFilter } from '../shared/egress';
import { notedDecision } from '../shared/executionDecisions';
import { withDeadline } from '../../lib/deadline';

/** Static-data key of the delivery ledger (reassigned on every change: n8n only persists assignments). */
const LEDGER_KEY = 'delivery';
/** The at-most-once seen-set of earlier versions; read once and turned into ledger entries. */
const LEGACY_SEEN_KEY = 'seenActions';
/** What a decision node outputs per action (the audit record), as far as the trigger needs to recognise it. */
const DECISION_OUTCOMES = new Set(['approved', 'rejected', 'alreadyDecided', 'abstained', 'expired']);

/**
 * Triggers (workflow ID + node) whose last listener stopped because Qredo refused the credentials. n8n 2.41 calls
 * trigger() again at once after emitError, and a trigger() that returns counts as recovered; without this memory a
 * refused credential would be retried about every second, forever, and the activation error would flicker away.
 */
const refusedTriggers = new Set<string>();
/**
 * The health of every active Qredo Trigger in this process (workflow ID + node), for the manual "Execute step" status
 * view. In queue mode triggers run on the main process, and so do manual executions (unless offloaded to workers).
 */
const activeTriggers = new Map<string, () => IDataObject>();

/** How long the manual status view waits for its own connection. */
const STATUS_PROBE_SECONDS = 15;
/** How long a re-activation after a refusal waits for the feed to open before it lets the client keep trying. */
const REFUSAL_PROBE_MS = 20_000;

/** What a team can do about each incident, shown as the failed execution's description. */
const INCIDENT_HELP: Record<IncidentReport['kind'], string> = {
	feedDown:
		'Check that Qredo is reachable from n8n (HTTPS_PROXY / NO_PROXY, firewall, DNS) and Qredo\'s status. The trigger keeps reconnecting; actions that became pending meanwhile are offered when the feed is back.',
	credentialsRefused:
		'Check the Qredo Approver API credential (API key and secret or M-Pin identity, environment, URLs) and that the key is still enabled at Qredo. The trigger keeps trying at the Max Reconnect Delay.',
	malformedFrames:
		'Such frames are skipped: decide their actions in Qredo. Qredo\'s feed format may have changed; check for a newer n8n-nodes-qredo.',
	detailsUnavailable:
		'Rules should leave actions without details undecided (see the examples\' "Details Known?" check). Check the Qredo API credential\'s Partner API key.',
};

/**
 * A failed execution the trigger records (saveFailedExecution), as the Error Workflow receives it. n8n hands the error
 * object itself to the Error Trigger, where an Error's own message (not enumerable) would be missing: it is made
 * enumerable, and `context` carries what to route on.
 */
function triggerFailure(node: ReturnType<ITriggerFunctions['getNode']>, message: string, description: string, context: IDataObject): NodeOperationError {
	const error = new NodeOperationError(node, message, { description });
	Object.assign(error.context, context);
	Object.defineProperty(error, 'message', { value: message, enumerable: true, writable: true, configurable: true });
	return error;
}

/** An incident report as a failed execution; `context.qredoIncident` says which, whether open or resolved, and why. */
export function incidentError(node: ReturnType<ITriggerFunctions['getNode']>, report: IncidentReport): NodeOperationError {
	const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
	const description = report.state === 'open' ? INCIDENT_HELP[report.kind] : `Opened ${iso(report.openedAt)}, resolved ${iso(report.resolvedAt)}. Nothing left to do.`;
	return triggerFailure(node, report.message, description, {
		qredoIncident: {
			kind: report.kind,
			state: report.state,
			message: report.message,
			cause: report.cause,
			openedAt: iso(report.openedAt),
			resolvedAt: iso(report.resolvedAt),
			count: report.count,
		},
	});
}

/** Whether the item carries the action's details: a rule must treat "unavailable" as unknown, never as zero. */
export type DetailsStatus = 'available' | 'unavailable' | 'notRequested';

/** A trigger-side view of an action: the parsed action plus what the trigger learnt while readying it. */
export type OfferedAction = PendingAction & { detailsStatus?: DetailsStatus; detailsError?: string; assetDecimals?: number };

/** The item a workflow decides on: the action, its details at the top level for IF/Switch, and the raw frame. */
export function actionItem(action: OfferedAction, nowMs: number, attempt = 1, decisionMarginSeconds = 120): IDataObject {
	const { raw, details, detailsStatus, detailsError, assetDecimals, ...rest } = action;
	const { raw: detailsRaw, source: detailsSource, ...flat } = details ?? { raw: undefined, source: undefined };
	return {
		...rest,
		...flat,
		expiresInSeconds: Math.round(action.expiresAt - nowMs / 1000),
		...humanView(action, { nowMs, decimals: assetDecimals, decisionMarginSeconds }),
		detailsStatus: detailsStatus ?? (details ? 'available' : 'notRequested'),
		...(detailsError ? { detailsError } : {}),
		detailsSource: detailsSource ?? null,
		details: (detailsRaw as IDataObject | undefined) ?? null,
		deliveryAttempt: attempt,
		frame: raw as IDataObject,
	};
}

/**
 * Did this execution decide the action (Qredo Approve/Reject)? The execution's custom data says so in every mode; the
 * node output (run data) is read too, for records made by earlier versions. In queue mode only custom data arrives.
 */
function decisionIn(run: IRun, actionId: string): string | undefined {
	const noted = notedDecision(run.data?.resultData?.metadata, actionId);
	if (noted !== undefined && DECISION_OUTCOMES.has(noted)) return noted;
	const runData = run.data?.resultData?.runData ?? {};
	for (const tasks of Object.values(runData)) {
		for (const task of tasks ?? []) {
			for (const output of task.data?.main ?? []) {
				for (const item of output ?? []) {
					const json = item?.json;
					if (json && json.actionId === actionId && typeof json.outcome === 'string' && DECISION_OUTCOMES.has(json.outcome)) return json.outcome;
				}
			}
		}
	}
	return undefined;
}

/** How n8n says an execution ended, in delivery terms. `undefined`: n8n skipped it (an execution with the key exists). */
export function attemptResult(run: IRun | undefined, actionId: string): AttemptResult {
	if (run === undefined) return { kind: 'failed', detail: 'n8n skipped the execution: one with this attempt\'s key exists already' };
	if (run.status === 'waiting' || (run.waitTill !== undefined && run.waitTill !== null)) return { kind: 'waiting' };
	if (run.status === 'success') {
		const outcome = decisionIn(run, actionId);
		return { kind: 'done', decided: outcome !== undefined && outcome !== 'abstained', detail: outcome ? `decision: ${outcome}` : 'no decision node ran: left to the workflow' };
	}
	const error = run.data?.resultData?.error;
	return { kind: 'failed', detail: `execution ${run.status}${error?.message ? `: ${error.message}` : ''}` };
}

/**
 * The action types to start the workflow for, per protocol; an empty set means all. v1 types are names chosen from a
 * list; v2 types are the integer codes Qredo sends (their meanings are not published). A workflow saved before Action
 * Types became a list holds a comma-separated string, read as before.
 */
function typeFilter(node: INode, v1Selected: unknown, v2Codes: unknown): { v1: Set<string>; v2: Set<string> } {
	const list = (value: unknown) =>
		typeof value === 'string' ? value.split(',').map((type) => type.trim()).filter((type) => type !== '') : Array.isArray(value) ? value.map(String) : [];
	const codes = list(v2Codes);
	const bad = codes.find((code) => !/^\d{1,9}$/.test(code));
	if (bad !== undefined) throw new NodeOperationError(node, 'Action Type Codes (V2 API Key): expected integer type codes separated by commas, e.g. 25, 26');
	const legacy = typeof v1Selected === 'string' ? list(v1Selected) : [];
	return {
		v1: new Set(typeof v1Selected === 'string' ? legacy.filter((type) => !/^\d+$/.test(type)) : list(v1Selected)),
		v2: new Set([...codes, ...legacy.filter((type) => /^\d+$/.test(type))]),
	};
}

/** Ledger entries from an earlier version's seen-set: those actions were emitted once and count as done. */
function legacyLedger(seen: unknown): LedgerJson | undefined {
	if (!Array.isArray(seen)) return undefined;
	const entries = seen
		.filter((entry): entry is [string, number] => Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number')
		.map(([id, expiresAt]): [string, number, number, string] => [id, expiresAt, 1, 'd']);
	return { v: 1, entries };
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
				displayName: 'Action Types (V1 Agent)',
				name: 'actionTypes',
				type: 'multiOptions',
				options: [
					{ name: 'Transfer (ApproveTransfer)', value: 'ApproveTransfer' },
					{ name: 'Withdrawal (ApproveWithdraw)', value: 'ApproveWithdraw' },
				],
				default: [],
				description: 'With a v1 agent approver: the action types to start the workflow for. None selected: all types.',
			},
			{
				displayName: 'Action Type Codes (V2 API Key)',
				name: 'v2ActionTypeCodes',
				type: 'string',
				default: '',
				placeholder: 'e.g. 25, 26',
				description:
					"With a v2 API key approver: the integer type codes to start the workflow for, separated by commas (an item's typeCode shows an action's code; Qredo does not publish their meanings). Empty: all types.",
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
						displayName: 'Alert When Feed Down For (Seconds)',
						name: 'feedDownAlertSeconds',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 300,
						description:
							'A feed that stays disconnected this long is recorded as a failed execution (so the workflow\'s Error Workflow runs), once per outage, with a "resolved" record when it is back. 0 turns the alert off.',
					},
					{
						displayName: 'Decision Margin (Seconds)',
						name: 'decisionMarginSeconds',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 120,
						description:
							'The item\'s decisionDeadline is the expiry minus this margin: limit a human\'s wait (Send-and-Wait) to it, so a decision (or the rejection on timeout) still reaches Qredo before the action expires. n8n resumes timed-out waits up to a minute late, so keep it above 60.',
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
						displayName: 'Manual Run Output',
						name: 'manualOutput',
						type: 'options',
						default: 'action',
						options: [
							{ name: 'First Pending Action', value: 'action', description: 'Wait for one pending action and output it, to build the workflow on real data' },
							{
								name: 'Trigger Status',
								value: 'status',
								description:
									'Connect once and output the health of this trigger: whether the feed connects now and, when the workflow is active in this n8n process, its connection, traffic, reconnects, actions in flight and open incidents',
							},
						],
					},
					{
						displayName: 'Manual Run Wait (Seconds)',
						name: 'manualWaitSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 120,
						description: 'How long "Execute step" waits for one pending action before it stops with a message',
					},
					{
						displayName: 'Max Attempts per Action',
						name: 'maxAttempts',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 20 },
						default: 5,
						description:
							'An execution that fails, crashes or is lost is started again (with back-off) while the action is still pending; after this many the trigger records a failed execution naming the action',
					},
					{
						displayName: 'Max Executions In Flight',
						name: 'maxInFlight',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 200 },
						default: 10,
						description:
							'At most this many executions run at once; further actions wait in order. Bounds memory and database load when hundreds of actions arrive at once (executions waiting for a human do not count).',
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
		adoptEgressFilter(this.helpers);
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
		let partnerAuth: AuthScheme | undefined;
		if (fetchDetails && access.protocol === 'v1') {
			try {
				const api = qredoApiAccess(await this.getCredentials('qredoApi'));
				const { baseUrl, auth } = surfaceAccess(api, 'partnerApi');
				if (auth.kind === 'partner') {
					partner = { baseUrl, apiKey: auth.apiKey, privateKey: auth.privateKey, nonce: auth.nonce };
					partnerAuth = auth;
				}
			} catch (error) {
				throw new NodeOperationError(node, error as Error, {
					description: 'Fetch V1 Action Details needs a Partner API key and RSA key in the Qredo API credential',
				});
			}
		}
		const types = typeFilter(node, this.getNodeParameter('actionTypes', []), this.getNodeParameter('v2ActionTypeCodes', ''));
		const skipWithin = this.getNodeParameter('skipExpiringWithinSeconds', 0) as number;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const manualOutput = manual ? ((options.manualOutput as string | undefined) ?? 'action') : 'action';
		const label = `Qredo Trigger "${node.name}"`;
		const margin = (options.decisionMarginSeconds as number | undefined) ?? 120;
		const workflowId = this.getWorkflow().id ?? 'unsaved';

		const staticData = this.getWorkflowStaticData('node');
		const nodeKey = node.id ?? node.name;
		const dedupKey = (actionId: string, attempt: number) => `qredo:${workflowId}:${nodeKey}:${actionId}${attempt > 1 ? `:${attempt}` : ''}`;

		// Active triggers report what a team must hear of as failed executions (the Error Workflow runs); manual runs show errors directly.
		const incidents = manual
			? undefined
			: new IncidentMonitor(
					label,
					(report) => {
						if (report.state === 'open') this.logger.warn(report.message);
						else this.logger.info(report.message);
						this.saveFailedExecution(incidentError(node, report));
					},
					{ feedDownAfterMs: ((options.feedDownAlertSeconds as number | undefined) ?? 300) * 1000 },
				);

		const enrich = async (action: PendingAction): Promise<PendingAction> => {
			if (action.protocol === 'v2') return enrichV2Action(action, { baseUrl: access.baseUrl, tokens: access.tokens! });
			return partner ? enrichV1Action(action, { agentId: access.approverId, partner }) : action;
		};

		/** Why this action is not for us now, or undefined to emit it. */
		const skipReason = (action: PendingAction): string | undefined => {
			if (action.status !== 'pending') return `status ${action.status}`;
			const selected = action.protocol === 'v1' ? types.v1 : types.v2;
			if (selected.size > 0 && !selected.has(action.type)) return `type ${action.type} not selected`;
			const left = action.expiresAt - Date.now() / 1000;
			if (left <= 0) return 'already expired';
			if (left < skipWithin) return `expires in ${Math.round(left)} s (< ${skipWithin} s)`;
			return undefined;
		};

		/** Decimal places per asset code from the Partner API asset list, read once; empty when it cannot be read. */
		let assetTable: Promise<Record<string, number>> | undefined;
		const assetDecimals = (): Promise<Record<string, number>> =>
			(assetTable ??= !partner || !partnerAuth
				? Promise.resolve({})
				: qredoRequest({ method: 'GET', url: `${partner.baseUrl.replace(/\/+$/, '')}/assets`, auth: partnerAuth }).then(
						(response) => {
							const list = (response.body as { assets?: unknown })?.assets;
							const table: Record<string, number> = {};
							for (const asset of Array.isArray(list) ? list : []) {
								const decimals = decimalsFromScale((asset as { scale?: unknown })?.scale);
								const code = (asset as { code?: unknown })?.code;
								if (typeof code === 'string' && decimals !== undefined) table[code] = decimals;
							}
							return table;
						},
						(error: Error) => {
							this.logger.warn(`${label}: the asset list could not be read (${error.message}); amounts stay in base units`);
							assetTable = undefined;
							return {};
						},
					));

		/**
		 * Details first: an action is never offered with missing details because of our own transient failure; after
		 * the last try it is offered marked `detailsStatus: "unavailable"`, which rules must treat as unknown.
		 */
		const prepare = async (action: PendingAction, lastChance: boolean): Promise<OfferedAction | string> => {
			let ready: OfferedAction = action;
			const wantsDetails = action.protocol === 'v2' ? !(action.messages && action.messages.length > 0) : partner !== undefined;
			if (wantsDetails) {
				try {
					const enriched = await enrich(action);
					ready = action.protocol === 'v1' ? { ...enriched, detailsStatus: enriched.details ? 'available' : 'unavailable' } : enriched;
					if (ready.detailsStatus === 'unavailable') ready.detailsError = 'the Partner API answer carried no details';
					else incidents?.detailsAvailable();
				} catch (error) {
					if (!lastChance) throw new NodeOperationError(node, error as Error);
					const detail = (error as Error)?.message ?? String(error);
					this.logger.warn(`${label}: details of action ${action.actionId} still unavailable (${detail}); offering it marked detailsStatus "unavailable"`);
					incidents?.detailsUnavailable(detail);
					ready = { ...action, detailsStatus: 'unavailable', detailsError: detail };
				}
			}
			if (ready.details?.asset && ready.details.scale === undefined) {
				const decimals = (await assetDecimals())[ready.details.asset];
				if (decimals !== undefined) ready = { ...ready, assetDecimals: decimals };
			}
			return skipReason(ready) ?? ready;
		};

		const runAttempt = async (action: PendingAction, attempt: number): Promise<AttemptResult> => {
			const done = this.helpers.createDeferredPromise<IRun>();
			this.logger.info(`${label}: action ${action.actionId} (${action.type}) → execution, attempt ${attempt}`);
			this.emit([this.helpers.returnJsonArray([actionItem(action, Date.now(), attempt, margin)])], undefined, done, dedupKey(action.actionId, attempt));
			return attemptResult((await done.promise) as IRun | undefined, action.actionId);
		};

		const stillPending = async (action: PendingAction): Promise<boolean | undefined> => {
			if (action.protocol === 'v2') {
				const view = await getV2Action({ baseUrl: access.baseUrl, tokens: access.tokens! }, action.actionId);
				return view.statusCode === undefined ? undefined : view.statusCode === 1;
			}
			if (!partner) return undefined;
			const current = await enrichV1Action(action, { agentId: access.approverId, partner });
			return current.status === 'pending';
		};

		const delivery = manual
			? undefined
			: new ActionDelivery(
					`${label} (${workflowId})`,
					{
						prepare,
						run: runAttempt,
						stillPending,
						save: (ledger: LedgerJson) => {
							staticData[LEDGER_KEY] = ledger;
						},
						// n8n saves static data at the start of every emit; the waiting execution already holds this key,
						// so n8n skips the execution ("duplicate deduplication key") and only the save happens.
						checkpoint: (action, attempt) => this.emit([this.helpers.returnJsonArray([actionItem(action, Date.now(), attempt, margin)])], undefined, undefined, dedupKey(action.actionId, attempt)),
						gaveUp: (action, reason) =>
							this.saveFailedExecution(
								triggerFailure(
									node,
									`Qredo action ${action.actionId} was not decided by this workflow: ${reason}`,
									'The action may still be pending at Qredo: decide it there, or fix the workflow and let the feed offer it again.',
									{ qredoAction: { actionId: action.actionId, reason } },
								),
							),
						log: this.logger,
					},
					{
						maxInFlight: (options.maxInFlight as number | undefined) ?? 10,
						maxAttempts: (options.maxAttempts as number | undefined) ?? 5,
					},
					staticData[LEDGER_KEY] ?? legacyLedger(staticData[LEGACY_SEEN_KEY]),
				);
		if (delivery && staticData[LEGACY_SEEN_KEY] !== undefined) {
			delete staticData[LEGACY_SEEN_KEY];
			staticData[LEDGER_KEY] = delivery.toJSON();
		}

		let settleManual: ((outcome: 'emitted' | 'failed') => void) | undefined;
		let manualEmitted = false;

		const handleFrame = async (text: string) => {
			const parsed = access.protocol === 'v2' ? parseV2Frame(text) : parseV1Frame(text);
			if (!parsed.ok) {
				this.logger.warn(`${label}: skipped a malformed feed frame: ${parsed.error.message}`);
				incidents?.malformedFrame(parsed.error.message);
				return;
			}
			incidents?.wellFormedFrame();
			const action = parsed.action;
			const early = skipReason(action);
			if (early) {
				this.logger.debug(`${label}: action ${action.actionId} skipped (${early})`);
				return;
			}
			if (manualOutput === 'status') return;
			if (delivery) {
				const outcome = delivery.offer(action);
				if (outcome !== 'queued') this.logger.debug(`${label}: action ${action.actionId}: ${outcome}`);
				return;
			}
			if (manualEmitted) return;
			manualEmitted = true;
			const ready = await prepare(action, true);
			if (typeof ready === 'string') {
				manualEmitted = false;
				return;
			}
			this.emit([this.helpers.returnJsonArray([actionItem(ready, Date.now(), 1, margin)])]);
			settleManual?.('emitted');
		};

		const refusalKey = `${workflowId}:${node.id ?? node.name}`;
		// Stops for good: a refused credential in a manual run, or a setting that can never work (a URL that is not a
		// feed URL, a host n8n's egress policy forbids). An active trigger treats a refused credential as an incident.
		const refusal = (error: FeedFatalError) =>
			isAuthRejection(error.cause)
				? new NodeOperationError(node, `Qredo refused the approver credentials on the ${access.protocol} feed: ${error.message}`, {
						description: 'Check the Qredo Approver API credential (API key/secret or M-Pin identity, environment and URLs).',
					})
				: new NodeOperationError(node, `The Qredo ${access.protocol} feed cannot be used: ${error.message}`, {
						description: 'Check the Qredo Approver API credential\'s URLs and n8n\'s outbound network settings (N8N_SSRF_*, HTTPS_PROXY). The trigger stays stopped until the workflow is reactivated.',
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
			onStateChange: (state, detail) => {
				this.logger.info(`${label}: feed ${state}${detail ? ` (${detail})` : ''}`);
				if (state === 'open') incidents?.feedUp();
			},
			// An active trigger never gives up on refused credentials: it reports them once and keeps trying slowly.
			isFatal: manual ? undefined : (error) => isFatalFeedError(error) && !isAuthRejection(error),
			onAttemptFailed: (error) => {
				const cause = error instanceof Error ? error.message.split('\n')[0] : String(error);
				if (isAuthRejection(error)) incidents?.credentialsRefused(cause);
				incidents?.feedDown(cause);
			},
			onFatal: (error: FeedFatalError) => {
				settleManual?.('failed');
				if (probing) return;
				if (!manual) refusedTriggers.add(refusalKey);
				this.emitError(refusal(error));
			},
		});

		const healthKey = `${workflowId}:${nodeKey}`;
		const closeFunction = async () => {
			delivery?.close();
			incidents?.close();
			if (activeTriggers.get(healthKey) === health) activeTriggers.delete(healthKey);
			await client.stop();
		};

		/** The health view: the feed connection, traffic, actions in flight and open incidents (no secrets). */
		const health = (): IDataObject => {
			const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
			const feed = client.status();
			const ledger = delivery?.snapshot();
			return {
				workflowId,
				node: node.name,
				protocol: access.protocol,
				approverId: access.approverId,
				feed: {
					state: feed.state,
					since: iso(feed.stateSince),
					connectedSince: iso(feed.connectedSince),
					downSince: iso(feed.downSince),
					lastTrafficAt: iso(feed.lastTrafficAt),
					frames: feed.frames,
					reconnects: feed.reconnects,
					lastError: feed.lastError ?? null,
				},
				actions: ledger
					? { inFlight: ledger.inFlight, queued: ledger.queued, waitingForHuman: ledger.states.waiting, retrying: ledger.states.retry, gaveUp: ledger.states.gaveUp, tracked: ledger.entries }
					: null,
				incidents: (incidents?.open() ?? []).map((incident) => ({ ...incident, openedAt: iso(incident.openedAt) })),
			};
		};

		if (!manual) {
			activeTriggers.set(healthKey, health);
			incidents?.feedDown('not connected yet');
			client.start();
			if (refusedTriggers.has(refusalKey)) {
				// n8n is reactivating us after a refusal: throwing hands the retry to n8n's bounded back-off, and
				// n8n keeps the activation error until the credentials work.
				probing = true;
				const outcome = await withDeadline(
					client.connectedOnce().then(
						() => 'open' as const,
						(error: unknown) => error,
					),
					REFUSAL_PROBE_MS,
					() => 'pending' as const,
				);
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
			if (manualOutput === 'status') {
				// One connection attempt from here, and what the active trigger (if it runs in this process) reports.
				const started = Date.now();
				client.start();
				const outcome: string = await withDeadline(
					client.connectedOnce().then(
						() => 'connected' as const,
						(error: unknown) => (error instanceof Error ? error.message : String(error)),
					),
					STATUS_PROBE_SECONDS * 1000,
					() => client.status().lastError ?? `not connected within ${STATUS_PROBE_SECONDS} s`,
				);
				await client.stop();
				const active = activeTriggers.get(healthKey);
				this.emit([
					this.helpers.returnJsonArray([
						{
							checkedAt: new Date().toISOString(),
							probe: { connected: outcome === 'connected', ms: Date.now() - started, ...(outcome === 'connected' ? {} : { error: outcome }) },
							activeTrigger: active ? active() : null,
							...(active ? {} : { note: 'The workflow is not active in this n8n process (inactive, or its triggers run on another main).' }),
						},
					]),
				]);
				return;
			}
			const outcome = withDeadline(
				new Promise<'emitted' | 'failed'>((resolve) => (settleManual = resolve)),
				waitSeconds * 1000,
				() => 'timeout' as const,
			);
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
