/**
 * The fault soak at CI size (test/e2e/soak/soak.ts): a few hundred actions on both feeds with random faults on every
 * surface and n8n SIGKILLed twice. Target: 0 lost, 0 double, 0 against the rule. `npm run soak -- --actions 10000`
 * runs the long version.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak, soakTable } from './soak/soak';

const ACTIONS = Number(process.env.QREDO_SOAK_ACTIONS ?? 240);

test(`fault soak: ${ACTIONS} actions, random faults, two n8n crashes: every action decided once, as the rule says`, { timeout: 15 * 60_000 }, async () => {
	const result = await runSoak({ actions: ACTIONS, ratePerSecond: 4, crashEvery: Math.ceil(ACTIONS / 3), faultIntervalMs: 2500, seed: 20261130, log: (line) => console.log(line) });
	console.log(soakTable(result).replace(/^/gm, '# '));
	assert.deepEqual(result.problems, [], 'no action lost, doubled or decided against the rule');
	assert.equal(result.decidedOnce, result.actions);
	assert.equal(result.crashes, 2);
	assert.ok(Object.values(result.faultsFired).reduce((a, b) => a + b, 0) >= 20, `faults fired: ${JSON.stringify(result.faultsFired)}`);
});
