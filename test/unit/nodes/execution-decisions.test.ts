/** Decisions noted in the execution's custom data, as n8n stores it (≤ 255 characters, key rules). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DECISIONS_KEY, notedDecision, noteDecision } from '../../../nodes/shared/executionDecisions';
import { customDataStore } from '../../support/n8nExecuteContext';

test('each decision is noted; a repeated action keeps its latest outcome; the oldest go when the value would be too long', () => {
	const store = customDataStore();
	noteDecision(store, 'A1', 'approved');
	noteDecision(store, 'B2', 'rejected');
	noteDecision(store, 'A1', 'alreadyDecided');
	assert.equal(store.data[DECISIONS_KEY], 'B2=rejected A1=alreadyDecided');
	assert.equal(notedDecision(store.data, 'A1'), 'alreadyDecided');
	assert.equal(notedDecision(store.data, 'B2'), 'rejected');
	assert.equal(notedDecision(store.data, 'C3'), undefined);
	assert.equal(notedDecision(undefined, 'A1'), undefined);
	for (let i = 0; i < 20; i++) noteDecision(store, `2Ks9xWbQw${String(i).padStart(18, '0')}`, 'approved');
	const value = store.data[DECISIONS_KEY];
	assert.ok(value.length <= 255, `${value.length}`);
	assert.equal(notedDecision(store.data, `2Ks9xWbQw${String(19).padStart(18, '0')}`), 'approved', 'the newest is always kept');
	assert.equal(notedDecision(store.data, 'B2'), undefined);
});
