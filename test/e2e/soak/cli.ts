/**
 * `npm run soak [-- --actions 10000 --rate 4 --seed 7 --crash-every 1000 --fault-interval-ms 3000]`: the fault soak
 * of soak.ts at any size, printing its table. Exit code 1 when any action was lost, doubled or decided against the rule.
 */
import { parseArgs } from 'node:util';
import { runSoak, soakTable } from './soak';

const { values } = parseArgs({
	options: {
		actions: { type: 'string', default: '1000' },
		rate: { type: 'string', default: '4' },
		seed: { type: 'string', default: String(Date.now() % 100_000) },
		'crash-every': { type: 'string' },
		'fault-interval-ms': { type: 'string', default: '3000' },
	},
	strict: true,
});

function whole(name: string, value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const number = Number(value);
	if (!Number.isFinite(number) || number < 0) {
		process.stderr.write(`soak: --${name}: expected a non-negative number, got ${JSON.stringify(value)}\n`);
		process.exit(2);
	}
	return number;
}

const actions = whole('actions', values.actions) as number;
const seed = whole('seed', values.seed) as number;
process.stdout.write(`# soak: ${actions} actions, seed ${seed} (repeat a run with --seed ${seed})\n`);
runSoak({
	actions,
	ratePerSecond: whole('rate', values.rate),
	seed,
	crashEvery: whole('crash-every', values['crash-every']),
	faultIntervalMs: whole('fault-interval-ms', values['fault-interval-ms']),
	drainTimeoutMs: Math.max(10 * 60_000, actions * 600),
	log: (line) => process.stdout.write(`${line}\n`),
}).then(
	(result) => {
		process.stdout.write(`\n${soakTable(result)}\n`);
		for (const problem of result.problems.slice(0, 50)) process.stdout.write(`  ${problem}\n`);
		process.exit(result.lost + result.double + result.againstRule === 0 ? 0 : 1);
	},
	(error: Error) => {
		process.stderr.write(`soak failed: ${error.stack ?? error.message}\n`);
		process.exit(1);
	},
);
