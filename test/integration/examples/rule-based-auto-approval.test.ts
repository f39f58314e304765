/**
 * The rule-based auto-approval examples stay what `qredo sandbox --seed demo` makes true: their allowlist is exactly
 * the demo fund's withdrawal whitelist, and scripts/demo.js (whose rule cases drive the demo and the end-to-end tests)
 * uses the same addresses. Otherwise the demo would reject what it calls allowlisted, and the tests would not notice.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from '../../../packages/cli/sandbox/server';
import { repoRoot } from '../../support/paths';

const demo = createRequire(__filename)(join(repoRoot, 'scripts', 'demo.js')) as { ALLOWLISTED: Record<string, string> };

/** The addresses in the allowlist condition of an example's IF node (a JSON array inside `={{ … }}`). */
function exampleAllowlist(file: string): string[] {
	const workflow = JSON.parse(readFileSync(join(repoRoot, 'examples', file), 'utf8')) as { nodes: Array<{ type: string; parameters: Record<string, unknown> }> };
	const ifNode = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.if' && JSON.stringify(n.parameters).includes('"contains"'));
	assert.ok(ifNode, `${file} has an IF node`);
	const conditions = (ifNode.parameters.conditions as { conditions: Array<{ leftValue: string; operator: { operation: string } }> }).conditions;
	const contains = conditions.find((c) => c.operator.operation === 'contains');
	assert.ok(contains, `${file}: an "array contains" condition`);
	const match = /^=\{\{\s*(\[.*\])\s*\}\}$/.exec(contains.leftValue);
	assert.ok(match, `${file}: the allowlist is an array literal: ${contains.leftValue}`);
	return (JSON.parse(match[1]) as string[]).sort();
}

describe('rule-based auto-approval examples', () => {
	let sandbox: RunningSandbox;
	before(async () => {
		sandbox = await startSandbox({ seed: 'demo' });
	});
	after(() => sandbox.stop());

	for (const file of ['rule-based-auto-approval.json', 'rule-based-auto-approval-v1.json']) {
		it(`${file}: the allowlist is the demo fund's withdrawal whitelist`, () => {
			const whitelist = (sandbox.credentials?.whitelist ?? []).map((w) => w.address).sort();
			assert.equal(whitelist.length, 2);
			assert.deepEqual(exampleAllowlist(file), whitelist);
		});
	}

	it('scripts/demo.js calls allowlisted exactly the whitelisted addresses', () => {
		const whitelist = sandbox.credentials?.whitelist ?? [];
		assert.deepEqual(demo.ALLOWLISTED, Object.fromEntries(whitelist.map((w) => [w.asset, w.address])));
	});
});
