/**
 * Incidents of a feed trigger that a custody team must hear of without reading logs: the feed down for longer than
 * allowed, credentials refused, malformed frames, detail lookups failing. Each is reported once when it opens (with
 * its cause) and once when it is resolved; repeats while it is open are only counted. The trigger turns reports into
 * failed executions, so the workflow's Error Workflow runs.
 */

export type IncidentKind = 'feedDown' | 'credentialsRefused' | 'malformedFrames' | 'detailsUnavailable';

export interface IncidentReport {
	kind: IncidentKind;
	state: 'open' | 'resolved';
	/** one line, for a notification */
	message: string;
	/** the last cause seen (no secrets: messages of our own errors, URLs redacted) */
	cause: string;
	/** Unix milliseconds */
	openedAt: number;
	resolvedAt?: number;
	/** occurrences while open (failed attempts, frames, lookups) */
	count: number;
}

export interface OpenIncident {
	kind: IncidentKind;
	openedAt: number;
	cause: string;
	count: number;
	/** whether the report went out (a feed outage is reported only after `feedDownAfterMs`) */
	reported: boolean;
}

export interface IncidentOptions {
	/** report a feed that has not been connected for this long; 0: never. Default 300 000 */
	feedDownAfterMs?: number;
	now?: () => number;
	setTimer?: (callback: () => void, ms: number) => unknown;
	clearTimer?: (handle: unknown) => void;
}

/** 7 min 12 s, 45 s, 2 h 3 min */
export function formatDuration(ms: number): string {
	const seconds = Math.max(0, Math.round(ms / 1000));
	if (seconds < 60) return `${seconds} s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
	return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

export class IncidentMonitor {
	private readonly incidents = new Map<IncidentKind, OpenIncident>();
	private readonly feedDownAfterMs: number;
	private readonly now: () => number;
	private readonly setTimer: (callback: () => void, ms: number) => unknown;
	private readonly clearTimer: (handle: unknown) => void;
	private feedDownTimer: unknown;
	private closed = false;

	constructor(
		private readonly label: string,
		private readonly report: (report: IncidentReport) => void,
		options: IncidentOptions = {},
	) {
		const after = options.feedDownAfterMs ?? 300_000;
		if (!Number.isFinite(after) || after < 0) throw new RangeError(`feedDownAfterMs: expected a number of milliseconds ≥ 0, got ${String(after)}`);
		this.feedDownAfterMs = after;
		this.now = options.now ?? Date.now;
		this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
		this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as NodeJS.Timeout));
	}

	/** The feed is not connected (an attempt failed or the connection was lost); `cause` is the latest reason. */
	feedDown(cause: string): void {
		if (this.closed) return;
		const incident = this.touch('feedDown', cause);
		if (incident.reported || this.feedDownTimer !== undefined || this.feedDownAfterMs === 0) return;
		const due = Math.max(0, incident.openedAt + this.feedDownAfterMs - this.now());
		this.feedDownTimer = this.setTimer(() => {
			this.feedDownTimer = undefined;
			const open = this.incidents.get('feedDown');
			// Refused credentials keep the feed down too; that incident already says so.
			if (this.incidents.get('credentialsRefused')?.reported) return;
			if (open && !open.reported && !this.closed) this.emitOpen(open, `${this.label}: the feed has been down for ${formatDuration(this.now() - open.openedAt)}, pending actions are not being offered (last error: ${open.cause})`);
		}, due);
	}

	/** The feed is connected: a feed outage and a credential refusal are over. */
	feedUp(): void {
		if (this.feedDownTimer !== undefined) this.clearTimer(this.feedDownTimer);
		this.feedDownTimer = undefined;
		this.resolve('feedDown', (incident) => `the feed is connected again after ${formatDuration(this.now() - incident.openedAt)} (${incident.count} failed attempts)`);
		this.resolve('credentialsRefused', () => 'Qredo accepts the credentials again; the feed is connected');
	}

	credentialsRefused(cause: string): void {
		const incident = this.touch('credentialsRefused', cause);
		if (!incident.reported) this.emitOpen(incident, `${this.label}: Qredo refuses the approver credentials (${cause}); no action is offered until they are accepted`);
	}

	malformedFrame(cause: string): void {
		const incident = this.touch('malformedFrames', cause);
		if (!incident.reported) this.emitOpen(incident, `${this.label}: the feed sent a frame that cannot be read (${cause}); such frames are skipped`);
	}

	wellFormedFrame(): void {
		this.resolve('malformedFrames', (incident) => `the feed sends readable frames again (${incident.count} unreadable frame${incident.count === 1 ? '' : 's'} skipped)`);
	}

	detailsUnavailable(cause: string): void {
		const incident = this.touch('detailsUnavailable', cause);
		if (!incident.reported) this.emitOpen(incident, `${this.label}: action details cannot be read (${cause}); actions are offered marked detailsStatus "unavailable"`);
	}

	detailsAvailable(): void {
		this.resolve('detailsUnavailable', (incident) => `action details can be read again (${incident.count} action${incident.count === 1 ? '' : 's'} offered without them)`);
	}

	/** What is open now, reported or not, for the health view. */
	open(): OpenIncident[] {
		return [...this.incidents.values()].map((incident) => ({ ...incident }));
	}

	close(): void {
		this.closed = true;
		if (this.feedDownTimer !== undefined) this.clearTimer(this.feedDownTimer);
		this.feedDownTimer = undefined;
	}

	private touch(kind: IncidentKind, cause: string): OpenIncident {
		let incident = this.incidents.get(kind);
		if (!incident) {
			incident = { kind, openedAt: this.now(), cause, count: 0, reported: false };
			this.incidents.set(kind, incident);
		}
		incident.count++;
		incident.cause = cause;
		return incident;
	}

	private emitOpen(incident: OpenIncident, message: string): void {
		if (this.closed) return;
		incident.reported = true;
		this.send({ kind: incident.kind, state: 'open', message, cause: incident.cause, openedAt: incident.openedAt, count: incident.count });
	}

	private resolve(kind: IncidentKind, describe: (incident: OpenIncident) => string): void {
		const incident = this.incidents.get(kind);
		if (!incident) return;
		this.incidents.delete(kind);
		// An outage shorter than the alert threshold was never reported: nothing to resolve for the team.
		if (!incident.reported || this.closed) return;
		const resolvedAt = this.now();
		this.send({
			kind,
			state: 'resolved',
			message: `${this.label}: resolved, ${describe(incident)}`,
			cause: incident.cause,
			openedAt: incident.openedAt,
			resolvedAt,
			count: incident.count,
		});
	}

	private send(report: IncidentReport): void {
		try {
			this.report(report);
		} catch {
			// a failing reporter must not stop the feed; the trigger logs what it could not record
		}
	}
}
