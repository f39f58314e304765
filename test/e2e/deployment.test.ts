/**
 * n8n as a custody network runs it: Qredo (the sandbox, on 127.0.0.2) is reachable only through an egress proxy
 * (a real tinyproxy connecting out from 127.0.0.3; the sandbox serves no other peer), n8n has HTTP_PROXY / HTTPS_PROXY
 * set with NO_PROXY for its own loopback services, and the governance workflow has an Error Workflow (Error Trigger →
 * HTTP Request to a collector in this test). Shown: every connection of the package went through the proxy and the
 * actions were decided exactly once; a feed outage longer than the alert threshold reaches the Error Workflow once,
 * and its resolution once; refused credentials reach it once, and the trigger is not deactivated.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type N8nInstance, waitFor, type WorkflowJson } from './harness/n8n';
import { startEgressProxy, type EgressProxy } from '../support/services';
import {
	assertDecidedOnceCorrectly,
	type AutoApprovalFund,
	createActions,
	demo,
	exampleWorkflows,
	mixedCases,
	prepareN8n,
	type Sandbox,
	startWorld,
	stopWorld,
	waitForDecisions,
	type World,
} from './support/governance';

interface ErrorWorkflowInput {
	trigger?: { error?: { message?: string; description?: string; context?: { qredoIncident?: { kind: string; state: string; cause: string } } } };
	workflow?: { id: string; name: string };
}

describe('behind an egress proxy, with an Error Workflow', { timeout: 15 * 60_000 }, () => {
	let proxy: EgressProxy;
	let world: World;
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflows: { v2: WorkflowJson; v1: WorkflowJson };
	let fund: AutoApprovalFund;
	let collector: Server;
	const received: ErrorWorkflowInput[] = [];

	before(async () => {
		proxy = await startEgressProxy();
		world = await startWorld('qredoP', { host: '127.0.0.2', allowedPeers: [proxy.outgoingAddress] });
		sandbox = world.sandbox;
		fund = await demo.createAutoApprovalFund(sandbox.creds, sandbox.creds.qredoApiV2.apiKeyId, 'proxy v2');

		collector = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString()));
			req.on('end', () => {
				received.push(JSON.parse(body) as ErrorWorkflowInput);
				res.end('{}');
			});
		});
		await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
		const collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/incident`;

		// n8n 2.41 runs an Error Workflow only when it is published.
		const errorWorkflow = {
			id: 'qredoProxyErrors',
			name: 'Qredo incidents',
			active: false,
			settings: { executionOrder: 'v1' },
			connections: { 'Error Trigger': { main: [[{ node: 'Notify', type: 'main', index: 0 }]] } },
			nodes: [
				{ id: 'e1', name: 'Error Trigger', type: 'n8n-nodes-base.errorTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'e2',
					name: 'Notify',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					position: [300, 0],
					parameters: { method: 'POST', url: collectorUrl, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify($json) }}', options: {} },
				},
			],
		} as unknown as WorkflowJson;
		workflows = exampleWorkflows(world.credentials, world.ids, { v2: 'qredoProxyV2', v1: 'qredoProxyV1' }, 'Proxy');
		const wired = (workflow: WorkflowJson): WorkflowJson => ({
			...workflow,
			settings: { ...(workflow.settings as object), errorWorkflow: errorWorkflow.id },
			nodes: (workflow.nodes as Array<{ type: string; parameters: Record<string, unknown> }>).map((node) =>
				node.type === 'n8n-nodes-qredo.qredoTrigger'
					? { ...node, parameters: { ...node.parameters, options: { ...(node.parameters.options as object), feedDownAlertSeconds: 4, maxReconnectDelaySeconds: 2 } } }
					: node,
			),
		});
		workflows = { v2: wired(workflows.v2), v1: wired(workflows.v1) };
		// The v1 workflow's approver with a wrong M-Pin PIN: well-formed, and Qredo refuses it.
		const refused = world.credentials.map((c) => (c.id === world.ids.approverV1 ? { ...c, data: { ...c.data, mpinPin: 4321 } } : c));
		const proxyEnv = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' };
		n8n = world.n8n = await prepareN8n(world.tarball, refused, [workflows.v2, workflows.v1, errorWorkflow], [workflows.v2.id, workflows.v1.id, errorWorkflow.id], proxyEnv);
		await n8n.start();
		await waitFor(async () => (await sandbox.admin<{ feedConnections: number }>('GET', '/faults')).feedConnections === 1 || undefined, 'the v2 feed connected through the proxy', 90_000);
	});

	after(async () => {
		await stopWorld(world, 'deployment');
		await proxy?.stop();
		collector?.close();
	});

	test('decisions through the proxy only: exactly once, nothing direct', async () => {
		const actions = await createActions(sandbox, fund, mixedCases(sandbox, 8), 100);
		await assertDecidedOnceCorrectly(sandbox, actions, await waitForDecisions(sandbox, actions, 120_000));
		assert.deepEqual(Object.fromEntries(sandbox.running.refusedPeers), {}, 'no connection from n8n went direct');
		assert.deepEqual([...sandbox.running.servedPeers.keys()], [proxy.outgoingAddress]);
		const port = sandbox.running.port;
		const requests = proxy.requests();
		assert.ok(requests.some((line) => line.startsWith(`CONNECT 127.0.0.2:${port} `)), 'the feed went through a CONNECT tunnel');
		assert.ok(requests.some((line) => line.startsWith(`POST http://127.0.0.2:${port}/api/v2/actions/`)), 'the decisions went through the proxy');
	});

	test('refused credentials reach the Error Workflow once; the trigger stays active', async () => {
		const refusal = await waitFor(() => received.find((r) => r.trigger?.error?.context?.qredoIncident?.kind === 'credentialsRefused'), 'the refusal in the Error Workflow', 90_000);
		assert.equal(refusal.workflow?.id, workflows.v1.id);
		assert.match(refusal.trigger?.error?.message ?? '', /Qredo refuses the approver credentials/);
		assert.match(refusal.trigger?.error?.description ?? '', /Check the Qredo Approver API credential/);
		assert.doesNotMatch(JSON.stringify(refusal), new RegExp(`${sandbox.creds.agent.clientSecret}|${sandbox.creds.agent.blsPrivateKey}|4321`));
		await new Promise((resolve) => setTimeout(resolve, 5000));
		assert.equal(received.filter((r) => r.trigger?.error?.context?.qredoIncident?.kind === 'credentialsRefused').length, 1, 'once per incident');
		assert.equal(await n8n.isActive(workflows.v1.id), true);
		const failed = (await n8n.executions(workflows.v1.id)).filter((r) => r.status === 'error');
		assert.equal(failed.length, 1, 'one failed execution records it (the feed outage it causes is not reported twice)');
	});

	test('a feed outage past the threshold: one alert, one resolution, both in the Error Workflow', async () => {
		const before = received.length;
		await sandbox.admin('POST', '/faults/refuse-feeds', { seconds: 10 });
		await sandbox.admin('POST', '/faults/drop-feeds', {});
		const mine = () => received.slice(before).filter((r) => r.workflow?.id === workflows.v2.id);
		const alert = await waitFor(() => mine().find((r) => r.trigger?.error?.context?.qredoIncident?.state === 'open'), 'the outage alert', 60_000);
		assert.equal(alert.trigger?.error?.context?.qredoIncident?.kind, 'feedDown');
		assert.match(alert.trigger?.error?.message ?? '', /the feed has been down for \d+ s/);
		const resolution = await waitFor(() => mine().find((r) => r.trigger?.error?.context?.qredoIncident?.state === 'resolved'), 'the resolution', 60_000);
		assert.match(resolution.trigger?.error?.message ?? '', /resolved, the feed is connected again after \d+ s/);
		// and it decides again
		const actions = await createActions(sandbox, fund, mixedCases(sandbox, 2));
		await assertDecidedOnceCorrectly(sandbox, actions, await waitForDecisions(sandbox, actions, 60_000));
		assert.deepEqual(mine().map((r) => r.trigger?.error?.context?.qredoIncident?.state), ['open', 'resolved'], 'one alert and one resolution');
	});
});
