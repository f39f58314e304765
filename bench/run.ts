/**
 * `npm run bench [-- --smoke] [-- --out FILE]`: everything side by side in one run, ratios rather than absolute times.
 *
 * 1. Crypto micro-benchmarks (bench/crypto.ts), with AMCL C beside them when QREDO_AMCL_BENCH is set.
 * 2. Latency, feed frame sent → decision received by the sandbox, p50/p99, at a steady pace: the bare script
 *    (bench/bare.ts) and the package in a real n8n 2.41.1 (the example workflows), for v2 and v1.
 * 3. A burst: actions created while the approver is down, then the approver starts; decisions/s from its feed
 *    connecting to the last decision, exactly once, and (n8n) the main process's RSS before, at its peak and after.
 *
 * Writes bench/results.json (or --out) and prints a table. --smoke runs every part with a handful of actions so the
 * bench cannot rot (test/e2e/bench-smoke.test.ts); the full bench asserts nothing about times.
 */
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type N8nInstance, packPackage, waitFor } from '../test/e2e/harness/n8n';
import {
	assertDecidedOnceCorrectly,
	type AutoApprovalFund,
	type CreatedAction,
	createActions,
	credentialIds,
	demo,
	exampleWorkflows,
	frameToDecisionMs,
	mixedCases,
	prepareN8n,
	type Sandbox,
	startDemoSandbox,
	waitForDecisions,
} from '../test/e2e/support/governance';
import { loadFastPairing } from '../lib/crypto/pairing';
import { repoRoot } from '../test/support/paths';
import { startBareApprover } from './bare';
import { cryptoBench, type CryptoRow } from './crypto';
import { floorLatencies, floorThroughput, floorWorkflow } from './floor';

interface Sizes {
	iterations: number;
	latencyActions: number;
	paceMs: number;
	burstActions: number;
}

const FULL: Sizes = { iterations: 200, latencyActions: 30, paceMs: 400, burstActions: 1000 };
/** The trigger's default Max Executions In Flight. */
const FLOOR_CONCURRENCY = 10;
const SMOKE: Sizes = { iterations: 5, latencyActions: 3, paceMs: 300, burstActions: 20 };

interface Latency {
	p50Ms: number;
	p99Ms: number;
	n: number;
}

interface Burst {
	actions: number;
	decisionsPerSecond: number;
	exactlyOnce: boolean;
	rssMb?: { before: number; peak: number; after: number };
}

export interface BenchResults {
	mode: 'full' | 'smoke';
	at: string;
	machine: { cpus: number; model: string; node: string };
	crypto: CryptoRow[];
	latency: Record<'bare' | 'n8n', Record<'v2' | 'v1', Latency>>;
	/** n8n's own request → response for the rule's IF nodes behind a webhook, no Qredo work (bench/floor.ts) */
	n8nFloor: Latency & { executionsPerSecond: number; concurrency: number };
	burst: Record<'bare' | 'n8n', Burst>;
	ratios: {
		decisionsPerSecondN8nToBare: number;
		v2P50N8nToBare: number;
		v1P50N8nToBare: number;
		/** (n8n v2 p50 − n8n floor p50) / bare v2 p50: the package's own time inside n8n against the bare script's */
		v2P50AboveFloorToBare: number;
	};
}

function latencyOf(times: number[]): Latency {
	return { p50Ms: quantile(times, 0.5), p99Ms: quantile(times, 0.99), n: times.length };
}

function quantile(values: number[], q: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const APPROVE_RULE = { limits: { ETH: 5_000_000_000, BTC: 10_000_000 }, allowlist: Object.values(demo.ALLOWLISTED) };

async function latency(sandbox: Sandbox, fund: AutoApprovalFund, sizes: Sizes): Promise<Latency> {
	const approvable = mixedCases(sandbox, 9).filter((c) => c.expect === 'approve');
	const cases = Array.from({ length: sizes.latencyActions }, (_, i) => approvable[i % approvable.length]);
	const actions = await createActions(sandbox, fund, cases, sizes.paceMs);
	const log = await waitForDecisions(sandbox, actions, 10 * 60_000);
	await assertDecidedOnceCorrectly(sandbox, actions, log);
	return latencyOf(frameToDecisionMs(sandbox, actions, log));
}

const feedConnections = async (sandbox: Sandbox) => (await sandbox.admin<{ feedConnections: number }>('GET', '/faults')).feedConnections;

/** Decisions per second from the feed connecting to the last decision, and whether each action was decided once. */
async function drain(sandbox: Sandbox, actions: CreatedAction[], feeds: number): Promise<Pick<Burst, 'decisionsPerSecond' | 'exactlyOnce'>> {
	await waitFor(async () => (await feedConnections(sandbox)) >= feeds || undefined, 'the approver feed connected', 240_000, 25);
	const connectedAt = Date.now();
	const log = await waitForDecisions(sandbox, actions, 30 * 60_000);
	const mine = new Set(actions.map((a) => a.actionId));
	const lastAt = Math.max(...log.filter((d) => mine.has(d.actionId)).map((d) => Date.parse(d.at)));
	let exactlyOnce = true;
	await assertDecidedOnceCorrectly(sandbox, actions, log).catch(() => (exactlyOnce = false));
	return { decisionsPerSecond: actions.length / Math.max(0.001, (lastAt - connectedAt) / 1000), exactlyOnce };
}

async function main(): Promise<void> {
	const smoke = process.argv.includes('--smoke');
	const outIndex = process.argv.indexOf('--out');
	const out = outIndex > 0 ? process.argv[outIndex + 1] : join(repoRoot, 'bench', 'results.json');
	const sizes = smoke ? SMOKE : FULL;
	const step = (text: string) => process.stderr.write(`[bench] ${text}\n`);

	step(`crypto micro-benchmarks (${sizes.iterations} runs each)`);
	// as in n8n, where the WebAssembly pairing has long loaded when the first decision comes
	await loadFastPairing();
	const crypto = cryptoBench(sizes.iterations);

	const sandbox = await startDemoSandbox();
	let n8n: N8nInstance | undefined;
	try {
		const creds = sandbox.creds;
		const funds = {
			v2: await demo.createAutoApprovalFund(creds, creds.qredoApiV2.apiKeyId, 'bench v2'),
			v1: await demo.createAutoApprovalFund(creds, creds.agent.id, 'bench v1'),
		};
		const latencies = {} as BenchResults['latency'];
		latencies.bare = {} as Record<'v2' | 'v1', Latency>;
		for (const protocol of ['v2', 'v1'] as const) {
			step(`bare script, ${protocol}: ${sizes.latencyActions} actions ${sizes.paceMs} ms apart`);
			const bare = startBareApprover(creds, protocol, APPROVE_RULE);
			await bare.ready;
			latencies.bare[protocol] = await latency(sandbox, funds[protocol], sizes);
			await bare.stop();
		}
		step(`bare script, burst of ${sizes.burstActions} v2 actions`);
		const bareBurstActions = await createActions(sandbox, funds.v2, mixedCases(sandbox, sizes.burstActions));
		const bare = startBareApprover(creds, 'v2', APPROVE_RULE);
		const bareBurst: Burst = { actions: sizes.burstActions, ...(await drain(sandbox, bareBurstActions, 1)) };
		await bare.stop();
		await waitFor(async () => (await feedConnections(sandbox)) === 0 || undefined, 'the bare feed closed', 30_000, 50);

		step('n8n: pack, install, import the example workflows, start');
		const ids = credentialIds('qredoBench');
		const credentials = demo.n8nCredentials(creds, ids);
		const workflows = exampleWorkflows(credentials, ids, { v2: 'qredoBenchV2', v1: 'qredoBenchV1' }, 'Bench');
		const floor = floorWorkflow('qredoBenchFloor');
		n8n = await prepareN8n(await packPackage(), credentials, [workflows.v2, workflows.v1, floor], [workflows.v2.id, workflows.v1.id, floor.id]);
		await n8n.start();
		await waitFor(async () => (await feedConnections(sandbox)) === 2 || undefined, 'both n8n feeds connected', 120_000);
		latencies.n8n = {} as Record<'v2' | 'v1', Latency>;
		for (const protocol of ['v2', 'v1'] as const) {
			step(`n8n, ${protocol}: ${sizes.latencyActions} actions ${sizes.paceMs} ms apart`);
			latencies.n8n[protocol] = await latency(sandbox, funds[protocol], sizes);
		}
		step(`n8n floor: the rule's IF nodes behind a webhook, ${sizes.latencyActions} requests ${sizes.paceMs} ms apart`);
		const approvable = { detailsStatus: 'available', asset: 'ETH', amount: 1_000_000_000, address: demo.ALLOWLISTED.ETH };
		const floorLatency = latencyOf(await floorLatencies(n8n.baseUrl, sizes.latencyActions, sizes.paceMs, approvable));
		// As many at a time as the trigger's default Max Executions In Flight.
		step(`n8n floor: ${sizes.burstActions} webhook requests, ${FLOOR_CONCURRENCY} at a time`);
		const n8nFloor = { ...floorLatency, concurrency: FLOOR_CONCURRENCY, executionsPerSecond: await floorThroughput(n8n.baseUrl, sizes.burstActions, FLOOR_CONCURRENCY, approvable) };
		step(`n8n, burst of ${sizes.burstActions} v2 actions`);
		await new Promise((resolve) => setTimeout(resolve, 2000));
		const before = n8n.rssMb() ?? 0;
		await n8n.stop();
		const n8nBurstActions = await createActions(sandbox, funds.v2, mixedCases(sandbox, sizes.burstActions));
		let peak = 0;
		const running = n8n;
		const sampler = setInterval(() => (peak = Math.max(peak, running.rssMb() ?? 0)), 250);
		await n8n.start();
		const drained = await drain(sandbox, n8nBurstActions, 2).finally(() => clearInterval(sampler));
		const n8nBurst: Burst = { actions: sizes.burstActions, ...drained, rssMb: { before, peak, after: n8n.rssMb() ?? 0 } };

		const results: BenchResults = {
			mode: smoke ? 'smoke' : 'full',
			at: new Date().toISOString(),
			machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
			crypto,
			latency: latencies,
			n8nFloor,
			burst: { bare: bareBurst, n8n: n8nBurst },
			ratios: {
				decisionsPerSecondN8nToBare: n8nBurst.decisionsPerSecond / bareBurst.decisionsPerSecond,
				v2P50N8nToBare: latencies.n8n.v2.p50Ms / latencies.bare.v2.p50Ms,
				v1P50N8nToBare: latencies.n8n.v1.p50Ms / latencies.bare.v1.p50Ms,
				v2P50AboveFloorToBare: (latencies.n8n.v2.p50Ms - n8nFloor.p50Ms) / latencies.bare.v2.p50Ms,
			},
		};
		writeFileSync(out, JSON.stringify(results, null, '\t') + '\n');
		console.log(table(results));
		console.log(`\nwritten: ${out}`);
	} finally {
		await n8n?.cleanup();
		await sandbox.stop();
	}
}

function table(r: BenchResults): string {
	const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
	const lines = [`## ${r.mode} bench, ${r.at}: ${r.machine.cpus} × ${r.machine.model}, Node ${r.machine.node} (n8n runs on Node 24)`, ''];
	lines.push('| crypto | median | p95 | AMCL C median | ratio |', '|---|---|---|---|---|');
	for (const row of r.crypto) lines.push(`| ${row.name} | ${ms(row.medianMs)} | ${ms(row.p95Ms)} | ${row.amclMedianMs === undefined ? '–' : ms(row.amclMedianMs)} | ${row.ratio === undefined ? '–' : `${row.ratio.toFixed(2)}×`} |`);
	lines.push('', '| frame → decision | bare p50 | bare p99 | n8n p50 | n8n p99 | n8n / bare (p50) |', '|---|---|---|---|---|---|');
	for (const protocol of ['v2', 'v1'] as const) {
		const bare = r.latency.bare[protocol];
		const n8n = r.latency.n8n[protocol];
		lines.push(`| ${protocol} (n=${bare.n}) | ${ms(bare.p50Ms)} | ${ms(bare.p99Ms)} | ${ms(n8n.p50Ms)} | ${ms(n8n.p99Ms)} | ${(n8n.p50Ms / bare.p50Ms).toFixed(2)}× |`);
	}
	const floor = r.n8nFloor;
	lines.push(`| n8n floor: the rule's IF nodes behind a webhook, no Qredo work (n=${floor.n}) | – | – | ${ms(floor.p50Ms)} | ${ms(floor.p99Ms)} | v2 above the floor: ${ms(r.latency.n8n.v2.p50Ms - floor.p50Ms)} = ${r.ratios.v2P50AboveFloorToBare.toFixed(2)}× bare |`);
	const { bare, n8n } = r.burst;
	lines.push('', `| burst of ${bare.actions} v2 actions | decisions/s | exactly once | n8n main RSS before / peak / after |`, '|---|---|---|---|');
	lines.push(`| bare script | ${bare.decisionsPerSecond.toFixed(1)} | ${bare.exactlyOnce ? 'yes' : 'NO'} | – |`);
	lines.push(`| n8n floor: ${bare.actions} webhook executions of the rule's IF nodes, ${r.n8nFloor.concurrency} at a time, no Qredo work | ${r.n8nFloor.executionsPerSecond.toFixed(1)} | – | – |`);
	lines.push(`| n8n | ${n8n.decisionsPerSecond.toFixed(1)} (${r.ratios.decisionsPerSecondN8nToBare.toFixed(2)}× bare, ${(n8n.decisionsPerSecond / r.n8nFloor.executionsPerSecond).toFixed(2)}× the floor) | ${n8n.exactlyOnce ? 'yes' : 'NO'} | ${n8n.rssMb ? `${n8n.rssMb.before.toFixed(0)} / ${n8n.rssMb.peak.toFixed(0)} / ${n8n.rssMb.after.toFixed(0)} MB` : '–'} |`);
	return lines.join('\n');
}

main().catch((error: Error) => {
	process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
	process.exit(1);
});
