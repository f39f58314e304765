/**
 * n8n's own floor for the rule workflow: the example's two IF nodes behind a Webhook (respond when the last node has
 * run), with no Qredo work at all. Its request → response latency, measured in the same n8n as the package, is what any
 * node pays per execution there (the execution records in the database, the expression sandbox); the package's own
 * share is the difference to the example workflow's latency.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowJson } from '../test/e2e/harness/n8n';
import { repoRoot } from '../test/support/paths';

export const FLOOR_PATH = 'qredo-bench-floor';

interface ExampleNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
}

/** The floor workflow: Webhook → the example's "Details Known?" and "Within Limit and Allowlisted?" → No Operation. */
export function floorWorkflow(id: string): WorkflowJson {
	const example = JSON.parse(readFileSync(join(repoRoot, 'examples', 'rule-based-auto-approval.json'), 'utf8')) as { nodes: ExampleNode[] };
	const ruleNode = (name: string, position: [number, number]) => {
		const node = example.nodes.find((n) => n.name === name);
		if (!node) throw new Error(`the example has no node "${name}"`);
		// The webhook's item carries the request body under `body`: the same expressions, one level down.
		const parameters = JSON.parse(JSON.stringify(node.parameters).replace(/\$json\./g, '$json.body.')) as Record<string, unknown>;
		return { id: name, name, type: node.type, typeVersion: node.typeVersion, position, parameters };
	};
	const done = (name: string, position: [number, number]) => ({ id: name, name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position, parameters: {} });
	return {
		id,
		name: 'Bench floor',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'webhook', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: '3d6c2f0a-8f1e-4c51-9d3b-2a7f0c9b5e11', parameters: { httpMethod: 'POST', path: FLOOR_PATH, responseMode: 'lastNode', options: {} } },
			ruleNode('Details Known?', [250, 0]),
			ruleNode('Within Limit and Allowlisted?', [500, 0]),
			done('Approve', [750, -100]),
			done('Reject', [750, 100]),
			done('Leave Undecided', [500, 200]),
		],
		connections: {
			Webhook: { main: [[{ node: 'Details Known?', type: 'main', index: 0 }]] },
			'Details Known?': { main: [[{ node: 'Within Limit and Allowlisted?', type: 'main', index: 0 }], [{ node: 'Leave Undecided', type: 'main', index: 0 }]] },
			'Within Limit and Allowlisted?': { main: [[{ node: 'Approve', type: 'main', index: 0 }], [{ node: 'Reject', type: 'main', index: 0 }]] },
		},
	} as unknown as WorkflowJson;
}

/** Request → response of the floor workflow, `count` requests `paceMs` apart, each an approvable action's item. */
export async function floorLatencies(baseUrl: string, count: number, paceMs: number, item: Record<string, unknown>): Promise<number[]> {
	const times: number[] = [];
	for (let i = 0; i < count; i++) {
		const started = performance.now();
		const response = await fetch(`${baseUrl}/webhook/${FLOOR_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(item) });
		await response.text();
		if (response.status !== 200) throw new Error(`the floor workflow answered ${response.status}`);
		times.push(performance.now() - started);
		await new Promise((resolve) => setTimeout(resolve, paceMs));
	}
	return times;
}

/** Executions per second of the floor workflow for `total` requests, `concurrency` at a time (n8n's own ceiling). */
export async function floorThroughput(baseUrl: string, total: number, concurrency: number, item: Record<string, unknown>): Promise<number> {
	let next = 0;
	const started = performance.now();
	const worker = async () => {
		while (next < total) {
			next++;
			const response = await fetch(`${baseUrl}/webhook/${FLOOR_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(item) });
			await response.text();
			if (response.status !== 200) throw new Error(`the floor workflow answered ${response.status}`);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return total / ((performance.now() - started) / 1000);
}
