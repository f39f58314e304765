/**
 * The Qredo Trigger's incidents and health view, driven through n8n's trigger contract against the sandbox over real
 * sockets: a feed down past the alert threshold, unreadable frames and refused credentials each become one failed
 * execution (what runs the Error Workflow) and one "resolved" record; "Execute step" in status mode shows the active
 * trigger's health.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters, ITriggerResponse } from 'n8n-workflow';
import { QredoTrigger } from '../../../nodes/QredoTrigger/QredoTrigger.node';
import type { SandboxCredentials } from '../../../packages/cli/sandbox/seed';
import { triggerContext, type TriggerRecord } from '../../support/n8nExecuteContext';
import { repoRoot } from '../../support/paths';
import { type DemoSandbox, startDemo } from '../governance/support';

const demoScript = createRequire(__filename)(join(repoRoot, 'scripts', 'demo.js')) as {
	n8nCredentials(sandbox: SandboxCredentials): Array<{ type: string; data: ICredentialDataDecryptedObject }>;
};

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

const incidentOf = (error: Error) => (error as Error & { context?: IDataObject }).context?.qredoIncident as IDataObject | undefined;

describe('Qredo Trigger incidents and health', { timeout: 120_000 }, () => {
	let demo: DemoSandbox;
	let approverV2: ICredentialDataDecryptedObject;
	const running: ITriggerResponse[] = [];

	before(async () => {
		demo = await startDemo({ feedPingIntervalMs: 0 });
		approverV2 = demoScript.n8nCredentials(demo.creds).find((c) => c.type === 'qredoApproverApi' && c.data.approverType === 'v2')!.data;
	});
	after(async () => {
		for (const response of running) await response.closeFunction?.();
		await demo?.sandbox.stop();
	});

	async function activate(options: IDataObject, credential = approverV2, workflowId = 'wfIncidents', parameters: IDataObject = {}): Promise<TriggerRecord> {
		const { context, record } = triggerContext(new QredoTrigger(), {
			mode: 'trigger',
			workflowId,
			parameters: { ...parameters, options } as INodeParameters,
			credentials: { qredoApproverApi: credential },
		});
		running.push(await new QredoTrigger().trigger.call(context));
		return record;
	}

	test('a feed down past the threshold: one failed execution naming the cause, one "resolved" when it is back', async () => {
		const record = await activate({ feedDownAlertSeconds: 1, maxReconnectDelaySeconds: 1 });
		await waitFor('the feed open', () => demo.sandbox.context.feeds.count() === 1);
		await demo.admin.call('POST', '/faults/refuse-feeds', { seconds: 4 });
		await demo.admin.call('POST', '/faults/drop-feeds', {});
		const opened = await waitFor('the outage report', () => record.failures[0]);
		assert.match(opened.message, /^Qredo Trigger "Qredo Trigger": the feed has been down for \d+ s, pending actions are not being offered \(last error: .*503/);
		assert.equal(incidentOf(opened)?.kind, 'feedDown');
		assert.equal(incidentOf(opened)?.state, 'open');
		const resolved = await waitFor('the resolution', () => record.failures[1], 30_000);
		assert.match(resolved.message, /resolved, the feed is connected again after \d+ s \(\d+ failed attempts\)/);
		assert.equal(incidentOf(resolved)?.state, 'resolved');
		await new Promise((resolve) => setTimeout(resolve, 1500));
		assert.equal(record.failures.length, 2, 'once per incident');
		assert.deepEqual(record.errors, [], 'never deactivated');
	});

	test('an unreadable frame: reported once, resolved by the next readable one', async () => {
		const record = await activate({ feedDownAlertSeconds: 0 }, approverV2, 'wfFrames');
		await waitFor('the feeds open', () => demo.sandbox.context.feeds.count() >= 2);
		await demo.admin.call('POST', '/faults/feed-frame', { text: 'this is not json' });
		await demo.admin.call('POST', '/faults/feed-frame', { text: '[1,2,3]' });
		const opened = await waitFor('the report', () => record.failures[0]);
		assert.match(opened.message, /the feed sent a frame that cannot be read/);
		await demo.admin.withdraw(demo.creds, { reference: 'a readable frame' });
		const resolved = await waitFor('the resolution', () => record.failures[1]);
		assert.match(resolved.message, /resolved, the feed sends readable frames again \(\d+ unreadable frames skipped\)/);
		assert.equal(record.failures.length, 2);
	});

	test('refused credentials: one failed execution, the trigger stays registered and keeps trying slowly', async () => {
		const record = await activate({ feedDownAlertSeconds: 0, maxReconnectDelaySeconds: 2 }, { ...approverV2, apiSecret: Buffer.alloc(32, 7).toString('base64') }, 'wfRefused');
		const opened = await waitFor('the refusal report', () => record.failures[0]);
		assert.match(opened.message, /Qredo refuses the approver credentials \(.*401/);
		assert.equal(incidentOf(opened)?.kind, 'credentialsRefused');
		assert.doesNotMatch(JSON.stringify({ message: opened.message, context: incidentOf(opened) }), new RegExp(approverV2.apiSecret as string));
		await new Promise((resolve) => setTimeout(resolve, 4000));
		assert.equal(record.failures.length, 1, 'reported once');
		assert.deepEqual(record.errors, [], 'not deactivated: it recovers by itself when Qredo accepts the key again');
		assert.ok(record.logs.filter((l) => /reconnecting/.test(l.message)).length >= 2, 'still trying');
	});

	test('Execute step in status mode: the probe connects and the active trigger reports its health', async () => {
		await activate({ feedDownAlertSeconds: 0 }, approverV2, 'wfHealth');
		await waitFor('the feed open', () => demo.sandbox.context.feeds.count() >= 1);
		await demo.admin.withdraw(demo.creds, { reference: 'health' });
		const { context, record } = triggerContext(new QredoTrigger(), {
			mode: 'manual',
			workflowId: 'wfHealth',
			parameters: { options: { manualOutput: 'status' } },
			credentials: { qredoApproverApi: approverV2 },
		});
		const response = await new QredoTrigger().trigger.call(context);
		await response.manualTriggerFunction?.();
		await response.closeFunction?.();
		assert.equal(record.emitted.length, 1);
		const status = record.emitted[0].items[0].json as IDataObject & { probe: IDataObject; activeTrigger: IDataObject & { feed: IDataObject; actions: IDataObject } };
		assert.equal(status.probe.connected, true);
		assert.equal(status.activeTrigger.workflowId, 'wfHealth');
		assert.equal(status.activeTrigger.protocol, 'v2');
		assert.equal(status.activeTrigger.feed.state, 'open');
		assert.ok(Date.parse(status.activeTrigger.feed.connectedSince as string) > 0);
		assert.ok((status.activeTrigger.feed.frames as number) >= 1);
		assert.deepEqual(Object.keys(status.activeTrigger.actions).sort(), ['gaveUp', 'inFlight', 'queued', 'retrying', 'tracked', 'waitingForHuman']);
		assert.deepEqual(status.activeTrigger.incidents, []);
		assert.doesNotMatch(JSON.stringify(status), new RegExp(`${approverV2.apiSecret}|${approverV2.blsPrivateKey}`));

		const unknown = triggerContext(new QredoTrigger(), { mode: 'manual', workflowId: 'wfNotActive', parameters: { options: { manualOutput: 'status' } }, credentials: { qredoApproverApi: approverV2 } });
		const other = await new QredoTrigger().trigger.call(unknown.context);
		await other.manualTriggerFunction?.();
		await other.closeFunction?.();
		assert.equal((unknown.record.emitted[0].items[0].json as IDataObject).activeTrigger, null);
		assert.match(String((unknown.record.emitted[0].items[0].json as IDataObject).note), /not active in this n8n process/);
	});

	test('Action Type Codes (V2): only the selected codes start a workflow; a code that is not an integer stops activation, naming the field', async () => {
		const record = await activate({ feedDownAlertSeconds: 0 }, approverV2, 'wfTypes', { v2ActionTypeCodes: ' 26 ' });
		const v2Key = demo.creds.qredoApiV2.apiKeyId;
		const transfer = await demo.admin.actionFor(await demo.admin.transfer(demo.creds), v2Key);
		const withdrawal = await demo.admin.actionFor(await demo.admin.withdraw(demo.creds), v2Key);
		const emitted = await waitFor('the withdrawal emitted', () => record.emitted.find((e) => e.items[0]?.json.actionId === withdrawal.actionId));
		assert.equal(emitted.items[0].json.typeCode, 26);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		assert.equal(record.emitted.filter((e) => e.items[0]?.json.actionId === transfer.actionId).length, 0, 'the transfer (type 25) was not selected');

		await assert.rejects(activate({}, approverV2, 'wfTypesBad', { v2ActionTypeCodes: '25, transfer' }), /Action Type Codes \(V2 API Key\): expected integer type codes/);
	});
});
