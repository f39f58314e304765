/**
 * Sandbox options and their defaults. Every protocol tolerance the real service does not publish
 * (qredo-protocol.md §7 item 11) is an option here, with a default strict enough to catch client bugs.
 */

export interface SandboxLogger {
	info(message: string, fields?: Record<string, unknown>): void;
	warn(message: string, fields?: Record<string, unknown>): void;
	error(message: string, fields?: Record<string, unknown>): void;
}

/** Injectable time source, in milliseconds since the epoch (like Date.now), so tests can expire tokens and actions. */
export interface SandboxClock {
	now(): number;
}

export interface SandboxOptions {
	/** TCP port; 0 (default) picks a free one. */
	port?: number;
	/** Interface to bind; default 127.0.0.1 (loopback). The admin API only answers loopback peers whatever this is. */
	host?: string;
	/** `'demo'` creates the demo company, fund, keys and agents (see sandbox/seed.ts); default: empty state. */
	seed?: 'demo' | 'none';
	/** Allowed |now − x-timestamp| (Partner API) and |now − qredo-api-ts| (Qredo API v1/v2), seconds. Default 30. */
	timestampSkewSeconds?: number;
	/** Allowed |now − ET| for x-api-zkp tokens, seconds. Default 30. */
	zkpTimeBoundSeconds?: number;
	/** Refuse an x-api-zkp token seen before (same ID and U) while it is inside the time bound. Default true. */
	zkpRejectReplay?: boolean;
	/** Lifetime of the v2 JWT (x-token), seconds. Default 900. */
	jwtTtlSeconds?: number;
	/** Lifetime of a v2 websocket token (?token=), seconds. Default 60. */
	wsTokenTtlSeconds?: number;
	/** At most one fund creation per company per this many milliseconds. Default 15000; 0 disables. */
	fundCreationIntervalMs?: number;
	/** Lifetime of an action when its transaction gives no expiry, seconds. Default 3600. */
	actionTtlSeconds?: number;
	/** Re-send every pending action to a feed client when it connects. Default true (clients must deduplicate). */
	feedReplayPending?: boolean;
	/** Interval of server websocket pings on the feeds, milliseconds. Default 15000; 0 disables. */
	feedPingIntervalMs?: number;
	/** How often expired transactions and actions are swept, milliseconds. Default 1000. */
	sweepIntervalMs?: number;
	/** Default silent. Pass `consoleLogger` (or your own) to see requests and decisions. */
	logger?: SandboxLogger;
	clock?: SandboxClock;
	/** M-Pin master secret s (1 ≤ s < r); default random. Fixed only for reproducible tests. */
	mpinMasterSecret?: bigint;
}

export type ResolvedOptions = Required<Omit<SandboxOptions, 'mpinMasterSecret'>> & { mpinMasterSecret?: bigint };

export const silentLogger: SandboxLogger = { info() {}, warn() {}, error() {} };

export const consoleLogger: SandboxLogger = {
	info: (message, fields) => console.log(`[sandbox] ${message}${fields ? ' ' + JSON.stringify(fields) : ''}`),
	warn: (message, fields) => console.warn(`[sandbox] ${message}${fields ? ' ' + JSON.stringify(fields) : ''}`),
	error: (message, fields) => console.error(`[sandbox] ${message}${fields ? ' ' + JSON.stringify(fields) : ''}`),
};

export const systemClock: SandboxClock = { now: () => Date.now() };

export function resolveOptions(options: SandboxOptions = {}): ResolvedOptions {
	const resolved: ResolvedOptions = {
		port: options.port ?? 0,
		host: options.host ?? '127.0.0.1',
		seed: options.seed ?? 'none',
		timestampSkewSeconds: options.timestampSkewSeconds ?? 30,
		zkpTimeBoundSeconds: options.zkpTimeBoundSeconds ?? 30,
		zkpRejectReplay: options.zkpRejectReplay ?? true,
		jwtTtlSeconds: options.jwtTtlSeconds ?? 900,
		wsTokenTtlSeconds: options.wsTokenTtlSeconds ?? 60,
		fundCreationIntervalMs: options.fundCreationIntervalMs ?? 15000,
		actionTtlSeconds: options.actionTtlSeconds ?? 3600,
		feedReplayPending: options.feedReplayPending ?? true,
		feedPingIntervalMs: options.feedPingIntervalMs ?? 15000,
		sweepIntervalMs: options.sweepIntervalMs ?? 1000,
		logger: options.logger ?? silentLogger,
		clock: options.clock ?? systemClock,
		mpinMasterSecret: options.mpinMasterSecret,
	};
	for (const key of ['timestampSkewSeconds', 'zkpTimeBoundSeconds', 'jwtTtlSeconds', 'wsTokenTtlSeconds', 'actionTtlSeconds'] as const) {
		if (!Number.isFinite(resolved[key]) || resolved[key] <= 0) throw new RangeError(`${key}: expected a positive number of seconds`);
	}
	for (const key of ['fundCreationIntervalMs', 'feedPingIntervalMs', 'sweepIntervalMs', 'port'] as const) {
		if (!Number.isFinite(resolved[key]) || resolved[key] < 0) throw new RangeError(`${key}: expected a number ≥ 0`);
	}
	if (resolved.seed !== 'demo' && resolved.seed !== 'none') throw new RangeError('seed: expected "demo" or "none"');
	return resolved;
}
