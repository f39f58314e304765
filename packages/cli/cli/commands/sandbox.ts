import { runSandboxCommand, SANDBOX_USAGE } from '../../sandbox/cli';
import type { Command } from '../cli';

/** `qredo sandbox`: the local Qredo emulator; its flags and messages live with the sandbox (sandbox/cli.ts). */
export const sandbox: Command = {
	path: ['sandbox'],
	summary: 'Run the local, wire-faithful Qredo sandbox (Partner API, agent feed, API v1/v2, admin API)',
	usage: SANDBOX_USAGE,
	run: (argv, io) => runSandboxCommand(argv, io),
};
