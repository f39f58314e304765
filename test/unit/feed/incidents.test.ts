/** Incidents are reported once when they open and once when resolved; a short outage is never reported. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, IncidentMonitor, type IncidentReport } from '../../../lib/feed/incidents';

function monitor(feedDownAfterMs = 300_000) {
	let now = 1_000_000;
	const timers: Array<{ at: number; callback: () => void; cleared: boolean }> = [];
	const reports: IncidentReport[] = [];
	const incidents = new IncidentMonitor('Qredo Trigger "T"', (report) => reports.push(report), {
		feedDownAfterMs,
		now: () => now,
		setTimer: (callback, ms) => {
			const timer = { at: now + ms, callback, cleared: false };
			timers.push(timer);
			return timer;
		},
		clearTimer: (handle) => ((handle as { cleared: boolean }).cleared = true),
	});
	const advance = (ms: number) => {
		now += ms;
		for (const timer of timers.filter((t) => !t.cleared && t.at <= now)) {
			timer.cleared = true;
			timer.callback();
		}
	};
	return { incidents, reports, advance, pendingTimers: () => timers.filter((t) => !t.cleared).length };
}

describe('IncidentMonitor', () => {
	test('a feed down past the threshold: one report with the last cause, repeats counted, one resolution', () => {
		const { incidents, reports, advance } = monitor();
		incidents.feedDown('ECONNREFUSED');
		advance(100_000);
		incidents.feedDown('HTTP 503');
		advance(199_999);
		assert.equal(reports.length, 0, 'not before the threshold');
		advance(1);
		assert.equal(reports.length, 1);
		assert.equal(reports[0].kind, 'feedDown');
		assert.equal(reports[0].state, 'open');
		assert.match(reports[0].message, /down for 5 min.*last error: HTTP 503/);
		incidents.feedDown('HTTP 503');
		advance(600_000);
		assert.equal(reports.length, 1, 'reported once per outage');
		incidents.feedUp();
		assert.equal(reports.length, 2);
		assert.equal(reports[1].state, 'resolved');
		assert.match(reports[1].message, /resolved, the feed is connected again after 15 min \(3 failed attempts\)/);
		assert.equal(reports[1].resolvedAt! - reports[1].openedAt, 900_000);
		assert.deepEqual(incidents.open(), []);
	});

	test('an outage shorter than the threshold is never reported, and the next one starts afresh', () => {
		const { incidents, reports, advance, pendingTimers } = monitor(60_000);
		incidents.feedDown('lost');
		advance(59_000);
		incidents.feedUp();
		assert.equal(pendingTimers(), 0);
		advance(120_000);
		assert.equal(reports.length, 0);
		incidents.feedDown('lost again');
		advance(60_000);
		assert.equal(reports.length, 1);
		assert.equal(reports[0].cause, 'lost again');
	});

	test('0 turns the feed alert off; other incidents still report', () => {
		const { incidents, reports, advance } = monitor(0);
		incidents.feedDown('lost');
		advance(10_000_000);
		assert.equal(reports.length, 0);
		incidents.credentialsRefused('Qredo API 401');
		assert.equal(reports.length, 1);
	});

	test('refused credentials: reported at once, once; resolved when the feed connects', () => {
		const { incidents, reports } = monitor();
		incidents.credentialsRefused('Qredo API 401 invalid token');
		incidents.credentialsRefused('Qredo API 401 invalid token');
		assert.equal(reports.length, 1);
		assert.match(reports[0].message, /refuses the approver credentials \(Qredo API 401 invalid token\)/);
		incidents.feedUp();
		assert.equal(reports[1].kind, 'credentialsRefused');
		assert.equal(reports[1].state, 'resolved');
		assert.equal(reports[1].count, 2);
	});

	test('malformed frames and missing details: once each, resolved by the next good frame / lookup, counts in the resolution', () => {
		const { incidents, reports } = monitor();
		incidents.wellFormedFrame();
		incidents.detailsAvailable();
		assert.equal(reports.length, 0, 'nothing to resolve');
		incidents.malformedFrame('not JSON');
		incidents.malformedFrame('no id');
		incidents.detailsUnavailable('Qredo API 503');
		assert.deepEqual(
			reports.map((r) => [r.kind, r.state]),
			[
				['malformedFrames', 'open'],
				['detailsUnavailable', 'open'],
			],
		);
		assert.deepEqual(incidents.open().map((i) => [i.kind, i.count]), [
			['malformedFrames', 2],
			['detailsUnavailable', 1],
		]);
		incidents.wellFormedFrame();
		incidents.detailsAvailable();
		assert.match(reports[2].message, /readable frames again \(2 unreadable frames skipped\)/);
		assert.match(reports[3].message, /details can be read again \(1 action offered without them\)/);
	});

	test('close() stops the pending alert; a throwing reporter does not break the monitor', () => {
		const { incidents, reports, advance } = monitor(1000);
		incidents.feedDown('lost');
		incidents.close();
		advance(5000);
		assert.equal(reports.length, 0);
		const throwing = new IncidentMonitor('T', () => {
			throw new Error('n8n could not save');
		});
		assert.doesNotThrow(() => throwing.credentialsRefused('401'));
		throwing.close();
	});

	test('durations read like a person wrote them', () => {
		assert.equal(formatDuration(45_000), '45 s');
		assert.equal(formatDuration(432_000), '7 min 12 s');
		assert.equal(formatDuration(600_000), '10 min');
		assert.equal(formatDuration(7_380_000), '2 h 3 min');
	});
});

test('a feed kept down by refused credentials is reported once, as the refusal', () => {
	const { incidents, reports, advance } = monitor(1000);
	incidents.feedDown('Qredo API 401');
	incidents.credentialsRefused('Qredo API 401');
	advance(10_000);
	assert.deepEqual(reports.map((r) => r.kind), ['credentialsRefused']);
	incidents.feedUp();
	assert.deepEqual(reports.map((r) => `${r.kind} ${r.state}`), ['credentialsRefused open', 'credentialsRefused resolved']);
});
