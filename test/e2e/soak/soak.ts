/**
 * The fault soak: a real n8n with the packed package runs both example workflows (v2 API key, v1 agent with Partner
 * API details) against the sandbox, while actions are created continuously and random faults fire from the
 * sandbox's admin API: feed drops, duplicate and malformed frames, 5xx/429/slow answers and dropped connections on
 * every surface (the decision calls, before and after Qredo applied them, included), details lookups that fail, and
 * n8n SIGKILLed and restarted. At the end every action must be decided exactly once, as the rule says.
 *
 * Used by test/e2e/soak.test.ts (a CI-sized run) and by `npm run soak -- --actions 10000` (test/e2e/soak/cli.ts).
 */
import { type N8nInstance, waitFor, type WorkflowJson } from '../harness/n8n';
import {
	type AutoApprovalFund,
	type CreatedAction,
	createActions,
	type Decision,
	demo,
	exampleWorkflows,
	mixedCases,
	prepareN8n,
	type Sandbox,
	startWorld,
	stopWorld,
} from '../support/governance';

export interface SoakOptions {
	/** actions in all, split between the v2 and the v1 feed */
	actions: number;
	/** actions created per second (both feeds together) */
	ratePerSecond?: number;
	/** n8n is SIGKILLed and restarted after every this many actions created (0: never) */
	crashEvery?: number;
	/** a random fault fires this often */
	faultIntervalMs?: number;
	/** how long to wait for the last decisions after the last action was created */
	drainTimeoutMs?: number;
	/** seed of the fault schedule, for a run that can be repeated */
	seed?: number;
	log?: (line: string) => void;
}

export interface SoakResult {
	actions: number;
	decidedOnce: number;
	lost: number;
	double: number;
	againstRule: number;
	faultsFired: Record<string, number>;
	crashes: number;
	rssMb: { start: number; peak: number; end: number };
	seconds: number;
	/** the actions that were lost, doubled or decided against the rule, for a report */
	problems: string[];
}

/** A small deterministic generator (mulberry32), so a failing schedule can be replayed with --seed. */
function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const V2_DECISION = '^/api/v2/actions/[^/]+$';
const V1_DECISION = '^/api/v1/p/coreclient/action/[^/]+$';
const V1_DETAILS = '^/api/v1/p/coreclient/[^/]+/action/[^/]+$';

/** The fault menu: each returns what it did, for the table. */
function faultMenu(sandbox: Sandbox): Array<{ name: string; fire: (pick: () => number) => Promise<unknown> }> {
	const rules = (list: unknown[]) => sandbox.admin('POST', '/faults', { rules: list });
	const one = <T>(pick: () => number, items: T[]) => items[Math.floor(pick() * items.length)];
	return [
		{ name: 'feed drop', fire: () => sandbox.admin('POST', '/faults/drop-feeds', { mode: 'terminate' }) },
		{ name: 'duplicate frames', fire: () => sandbox.admin('POST', '/faults', { duplicateFrames: 5 }) },
		{ name: 'malformed frames', fire: () => sandbox.admin('POST', '/faults', { malformedFrames: 3 }) },
		{ name: '5xx/429 on any call', fire: (pick) => sandbox.admin('POST', '/faults', { failNext: { count: 1 + Math.floor(pick() * 3), status: one(pick, [500, 502, 503, 429]), retryAfterSeconds: 1 } }) },
		{ name: 'slow answers', fire: () => sandbox.admin('POST', '/faults', { latencyMs: 1500, latencyScope: 'http' }).then(() => new Promise((r) => setTimeout(r, 3000))).then(() => sandbox.admin('POST', '/faults', { latencyMs: 0 })) },
		{
			name: 'decision call fails',
			fire: (pick) =>
				rules([
					{ method: 'POST', path: V2_DECISION, count: 1 + Math.floor(pick() * 2), when: one(pick, ['before', 'after']), effect: one(pick, [503, 502, 'drop']) },
					{ method: one(pick, ['PUT', 'DELETE']), path: V1_DECISION, count: 1, when: one(pick, ['before', 'after']), effect: one(pick, [503, 'drop']) },
				]),
		},
		{ name: 'details lookup fails', fire: (pick) => rules([{ method: 'GET', path: V1_DETAILS, count: 2 + Math.floor(pick() * 7), effect: one(pick, [503, 500, 'drop']) }]) },
	];
}

/** Resident memory of the n8n main process, sampled. */
class RssSampler {
	peak = 0;
	private timer: NodeJS.Timeout;
	constructor(n8n: N8nInstance) {
		this.timer = setInterval(() => (this.peak = Math.max(this.peak, n8n.rssMb() ?? 0)), 500);
	}
	stop(): void {
		clearInterval(this.timer);
	}
}

/** Judges the whole decision log against what the rule says for every created action. */
export function judge(actions: CreatedAction[], log: Decision[]): Pick<SoakResult, 'decidedOnce' | 'lost' | 'double' | 'againstRule' | 'problems'> {
	const byAction = new Map<string, Decision[]>();
	for (const entry of log) byAction.set(entry.actionId, [...(byAction.get(entry.actionId) ?? []), entry]);
	let decidedOnce = 0;
	let lost = 0;
	let double = 0;
	let againstRule = 0;
	const problems: string[] = [];
	for (const action of actions) {
		const entries = byAction.get(action.actionId) ?? [];
		const accepted = entries.filter((e) => !e.error);
		const what = `${action.protocol} ${action.actionId} (${action.rule.label})`;
		// A refused attempt of the other decision would have been a flip had Qredo let it through.
		const decisions = new Set(entries.map((e) => e.decision));
		if (accepted.length === 0) {
			lost++;
			problems.push(`lost: ${what}`);
		} else if (accepted.length > 1 || decisions.size > 1) {
			double++;
			problems.push(`double: ${what}: ${entries.map((e) => `${e.decision}${e.error ? ' (refused)' : ''}`).join(', ')}`);
		} else if (accepted[0].decision !== action.rule.expect) {
			againstRule++;
			problems.push(`against the rule: ${what}: ${accepted[0].decision}`);
		} else {
			decidedOnce++;
		}
	}
	return { decidedOnce, lost, double, againstRule, problems };
}

export function soakTable(result: SoakResult): string {
	const rows: Array<[string, string]> = [
		['actions', String(result.actions)],
		['decided once, as the rule says', String(result.decidedOnce)],
		['lost', String(result.lost)],
		['double', String(result.double)],
		['against the rule', String(result.againstRule)],
		['n8n SIGKILL + restart', String(result.crashes)],
		...Object.entries(result.faultsFired).map(([name, count]): [string, string] => [`fault: ${name}`, String(count)]),
		['n8n main RSS (MB) start / peak / end', `${result.rssMb.start.toFixed(0)} / ${result.rssMb.peak.toFixed(0)} / ${result.rssMb.end.toFixed(0)}`],
		['duration', `${result.seconds.toFixed(0)} s`],
	];
	const width = Math.max(...rows.map(([k]) => k.length));
	return rows.map(([k, v]) => `| ${k.padEnd(width)} | ${v.padStart(10)} |`).join('\n');
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
	const log = options.log ?? (() => undefined);
	const rate = options.ratePerSecond ?? 4;
	const crashEvery = options.crashEvery ?? Math.max(100, Math.floor(options.actions / 3));
	const faultIntervalMs = options.faultIntervalMs ?? 3000;
	const pick = random(options.seed ?? 1);
	const started = Date.now();

	const world = await startWorld('qredoSoak');
	const { sandbox } = world;
	let sampler: RssSampler | undefined;
	try {
		const funds: Record<'v1' | 'v2', AutoApprovalFund> = {
			v2: await demo.createAutoApprovalFund(sandbox.creds, sandbox.creds.qredoApiV2.apiKeyId, 'soak v2'),
			v1: await demo.createAutoApprovalFund(sandbox.creds, sandbox.creds.agent.id, 'soak v1'),
		};
		const workflows: { v2: WorkflowJson; v1: WorkflowJson } = exampleWorkflows(world.credentials, world.ids, { v2: 'qredoSoakV2', v1: 'qredoSoakV1' }, 'Soak');
		const n8n = (world.n8n = await prepareN8n(world.tarball, world.credentials, [workflows.v2, workflows.v1], [workflows.v2.id, workflows.v1.id]));
		await n8n.start();
		const running = n8n;
		await waitFor(async () => (await sandbox.admin<{ feedConnections: number }>('GET', '/faults')).feedConnections === 2 || undefined, 'both feeds connected', 90_000);
		const rssStart = n8n.rssMb() ?? 0;
		sampler = new RssSampler(n8n);
		log(`# soak: n8n ready (${rssStart.toFixed(0)} MB); creating ${options.actions} actions at ${rate}/s with a fault every ${faultIntervalMs} ms`);

		const menu = faultMenu(sandbox);
		const faultsFired: Record<string, number> = Object.fromEntries(menu.map((f) => [f.name, 0]));
		let stopFaults = false;
		const faults = (async () => {
			while (!stopFaults) {
				await new Promise((resolve) => setTimeout(resolve, faultIntervalMs * (0.5 + pick())));
				if (stopFaults) break;
				const fault = menu[Math.floor(pick() * menu.length)];
				faultsFired[fault.name]++;
				await fault.fire(pick).catch((error: Error) => log(`# fault ${fault.name} could not be set: ${error.message}`));
			}
		})();

		const created: CreatedAction[] = [];
		let crashes = 0;
		const cases = mixedCases(sandbox, options.actions);
		for (let i = 0; i < cases.length; i++) {
			const protocol = i % 2 === 0 ? 'v2' : 'v1';
			created.push(...(await createActions(sandbox, funds[protocol], [cases[i]])));
			await new Promise((resolve) => setTimeout(resolve, 1000 / rate));
			if (crashEvery > 0 && (i + 1) % crashEvery === 0 && i + 1 < cases.length) {
				log(`# soak: ${i + 1} created; SIGKILL n8n`);
				await running.kill();
				crashes++;
				// Actions keep arriving while n8n is down.
				for (let j = 0; j < 10 && i + 1 < cases.length; j++) {
					i++;
					created.push(...(await createActions(sandbox, funds[i % 2 === 0 ? 'v2' : 'v1'], [cases[i]])));
				}
				await running.start();
				log(`# soak: n8n restarted`);
			}
			if ((i + 1) % 100 === 0) log(`# soak: ${i + 1} created, ${new Set((await sandbox.decisions()).map((d) => d.actionId)).size} decided`);
		}
		stopFaults = true;
		await faults;
		await sandbox.admin('DELETE', '/faults');
		log(`# soak: all ${created.length} created; faults off; waiting for the last decisions`);

		const wanted = new Set(created.map((a) => a.actionId));
		await waitFor(
			async () => {
				const decided = new Set((await sandbox.decisions()).filter((d) => !d.error).map((d) => d.actionId));
				return [...wanted].every((id) => decided.has(id)) || undefined;
			},
			'every action decided',
			options.drainTimeoutMs ?? 10 * 60_000,
			1000,
		).catch(() => log('# soak: not every action was decided in time'));
		// A second decision, if the design let one through, would arrive now.
		await new Promise((resolve) => setTimeout(resolve, 5000));
		sampler.stop();
		const verdict = judge(created, await sandbox.decisions());
		return {
			actions: created.length,
			...verdict,
			faultsFired,
			crashes,
			rssMb: { start: rssStart, peak: sampler.peak, end: n8n.rssMb() ?? 0 },
			seconds: (Date.now() - started) / 1000,
		};
	} finally {
		sampler?.stop();
		await stopWorld(world, 'soak');
	}
}
