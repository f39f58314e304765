/** What a human approver reads: exact unit conversion, short addresses, deadline and summary. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decimalsFromScale, formatUnits, humanView, shortAddress } from '../../../lib/feed/display';
import type { PendingAction } from '../../../lib/actions/action';

describe('formatUnits', () => {
	test('exact for amounts beyond 2^53, trims trailing zeros, keeps the sign', () => {
		assert.equal(formatUnits('1500000000', 9), '1.5');
		assert.equal(formatUnits(5_000_000, 8), '0.05');
		assert.equal(formatUnits('123456789012345678901234567890', 18), '123456789012.34567890123456789');
		assert.equal(formatUnits('1000000000000000000', 18), '1');
		assert.equal(formatUnits('7', 0), '7');
		assert.equal(formatUnits('-25', 2), '-0.25');
		assert.equal(formatUnits('0', 9), '0');
	});
	test('refuses what is not a whole number of base units', () => {
		assert.equal(formatUnits('1.5', 9), undefined);
		assert.equal(formatUnits(1.5, 9), undefined);
		assert.equal(formatUnits('12abc', 2), undefined);
		assert.equal(formatUnits(undefined, 2), undefined);
		assert.equal(formatUnits('1', -1), undefined);
	});
});

describe('decimalsFromScale, shortAddress', () => {
	test('powers of ten only', () => {
		assert.equal(decimalsFromScale(100_000_000), 8);
		assert.equal(decimalsFromScale(1), 0);
		assert.equal(decimalsFromScale(250), undefined);
		assert.equal(decimalsFromScale('100'), undefined);
	});
	test('addresses', () => {
		assert.equal(shortAddress('0x84ce2138e54b1852689132fd73ddc4d3973a44b8'), '0x84ce…44b8');
		assert.equal(shortAddress('wallet-1'), 'wallet-1');
	});
});

describe('humanView', () => {
	const now = Date.parse('2026-11-30T14:00:00Z');
	const action: PendingAction = {
		actionId: 'A',
		protocol: 'v2',
		status: 'pending',
		type: '26',
		expiresAt: Date.parse('2026-11-30T14:32:00Z') / 1000,
		details: { source: 'v2-payload', type: 'withdraw', amount: 1_500_000_000, fees: 420_000, asset: 'ETH', scale: 9, walletName: 'Treasury ETH', address: '0x84ce2138e54b1852689132fd73ddc4d3973a44b8', raw: {} },
		raw: {},
	};
	test('a withdrawal with its asset decimals', () => {
		const view = humanView(action, { nowMs: now, decisionMarginSeconds: 120 });
		assert.equal(view.summary, 'withdraw 1.5 ETH from Treasury ETH to 0x84ce…44b8, expires 14:32 UTC');
		assert.equal(view.amountDisplay, '1.5 ETH');
		assert.equal(view.feesDisplay, '0.00042 ETH');
		assert.equal(view.expiresAtIso, '2026-11-30T14:32:00.000Z');
		assert.equal(view.decisionDeadline, '2026-11-30T14:30:00.000Z');
		assert.equal(view.decisionDeadlineInSeconds, 1800);
		assert.equal(view.amountDisplayNote, null);
	});
	test('unknown decimals and missing details are said, never guessed', () => {
		const noScale = humanView({ ...action, details: { ...action.details!, scale: undefined } }, { nowMs: now });
		assert.equal(noScale.amountDisplay, null);
		assert.equal(noScale.amountDisplayNote, 'decimals of ETH unknown: the amount is in base units');
		assert.match(noScale.summary, /^withdraw 1500000000 base units of ETH/);
		const none = humanView({ ...action, details: undefined }, { nowMs: now });
		assert.equal(none.amountDisplayNote, 'no details: amount unknown');
		assert.equal(none.summary, '26 an unknown amount, expires 14:32 UTC');
	});
	test('the deadline is never before now; another day shows the date', () => {
		const late = humanView(action, { nowMs: Date.parse('2026-11-30T14:31:30Z'), decisionMarginSeconds: 60 });
		assert.equal(late.decisionDeadlineInSeconds, 0);
		assert.match(humanView(action, { nowMs: Date.parse('2026-11-29T10:00:00Z') }).summary, /expires 2026-11-30 14:32 UTC$/);
	});
});
