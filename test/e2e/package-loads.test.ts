/**
 * The packed package (exactly what npm publishes) installs into a real n8n 2.41.1 as a community package, and n8n
 * loads every node and credential type the package.json `n8n` block lists, under the names workflows use.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../support/paths';
import { N8nInstance, packPackage, type WorkflowJson } from './harness/n8n';

interface PackageJson {
	name: string;
	dependencies?: Record<string, string>;
	n8n: { nodes: string[]; credentials: string[] };
}

describe('the packed package in a real n8n', { timeout: 40 * 60_000 }, () => {
	const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
	let n8n: N8nInstance;
	let tarball: string;

	before(async () => {
		tarball = await packPackage(repoRoot);
		n8n = await N8nInstance.create();
		await n8n.installPackage(tarball);
	});
	after(async () => {
		await n8n?.cleanup();
		if (tarball) rmSync(dirname(tarball), { recursive: true, force: true });
	});

	test('has no runtime dependencies to install', () => {
		assert.deepEqual(pkg.dependencies ?? {}, {});
	});

	test('n8n loads every node type listed in package.json', async () => {
		const loaded = new Set(await n8n.exportNodeTypes());
		const expected = pkg.n8n.nodes.map((file) => {
			const className = file.split('/').pop()!.replace('.node.js', '');
			return `${pkg.name}.${className.charAt(0).toLowerCase()}${className.slice(1)}`;
		});
		assert.ok(expected.length >= 2, 'the package lists its nodes');
		for (const type of expected) assert.ok(loaded.has(type), `n8n did not load ${type}`);
	});

	test('every example imports, and every node in it is a type and version this n8n loads, with parameters it knows', async () => {
		const descriptions = await n8n.exportNodeDescriptions();
		const examples = readdirSync(join(repoRoot, 'examples')).filter((f) => f.endsWith('.json'));
		assert.ok(examples.includes('slack-approval.json') && examples.includes('email-approval.json'));
		const imports: WorkflowJson[] = [];
		for (const file of examples) {
			const workflow = JSON.parse(readFileSync(join(repoRoot, 'examples', file), 'utf8')) as {
				nodes: Array<{ name: string; type: string; typeVersion: number; parameters: Record<string, unknown>; credentials?: Record<string, unknown> }>;
			};
			for (const node of workflow.nodes) {
				const what = `${file}: node "${node.name}" (${node.type} v${node.typeVersion})`;
				const candidates = descriptions.filter((d) => d.name === node.type && (Array.isArray(d.version) ? d.version : [d.version]).includes(node.typeVersion));
				assert.ok(candidates.length > 0, `${what}: this n8n has no such type and version`);
				const known = new Set(candidates.flatMap((d) => d.properties.map((p) => p.name)));
				for (const parameter of Object.keys(node.parameters)) assert.ok(known.has(parameter), `${what}: unknown parameter "${parameter}"`);
				const credentialTypes = new Set(candidates.flatMap((d) => (d.credentials ?? []).map((c) => c.name)));
				for (const type of Object.keys(node.credentials ?? {})) assert.ok(credentialTypes.has(type), `${what}: unknown credential type "${type}"`);
			}
			imports.push({ ...(workflow as unknown as WorkflowJson), id: `example${String(examples.indexOf(file)).padStart(9, '0')}` });
		}
		await n8n.importWorkflows(imports);
	});

	test('credentials import under their type names', async () => {
		await n8n.importCredentials([
			{ id: 'qredoApproverE2e01', name: 'Approver', type: 'qredoApproverApi', data: { environment: 'custom', approverType: 'v2' } },
			{ id: 'qredoApiE2e000001', name: 'API', type: 'qredoApi', data: { environment: 'custom' } },
		]);
	});
});
