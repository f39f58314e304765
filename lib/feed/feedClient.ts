/**
 * A websocket feed connection that never dies silently (peers.md §1, §8.1): the Signing Agent redials every 5 s and
 * gives up after 300 s; this client reconnects forever with capped, jittered exponential backoff, watches the socket
 * with protocol ping/pong and an optional idle timeout, and stops only when the server rejects the credentials
 * (HTTP 401/403 on the upgrade, confirmed once with freshly dialled auth) or the caller's `isFatal` says so.
 *
 * `dial()` runs before every attempt, so every upgrade carries fresh auth (a new x-api-zkp, the current x-token).
 * Log lines and state details name URLs without credential query values and never include headers.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { QredoInputError } from '../errors';
import { adoptServerClock } from '../auth/serverClock';
import { checkEgress, EgressBlockedError, routeFor } from '../transport/outbound';
import { parseRetryAfter } from '../transport/request';
import { WebSocket, type RawData } from '../vendor/ws';
import { QredoApiError } from '../wire/errors';
import { redactUrl } from '../wire/redaction';

export type FeedState = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'failed';

/** What the client can say about itself without reading logs (the trigger's health view). Times in ms since the epoch. */
export interface FeedStatus {
	state: FeedState | 'idle';
	/** when the current state began */
	stateSince?: number;
	/** when the current connection opened; undefined while not connected */
	connectedSince?: number;
	/** when the feed was last lost, or first tried; undefined while connected */
	downSince?: number;
	/** the last frame, ping or pong from Qredo */
	lastTrafficAt?: number;
	/** text frames received since start() */
	frames: number;
	/** failed attempts and lost connections since start() */
	reconnects: number;
	/** why the last attempt or connection ended (no secrets: URLs are redacted, headers never included) */
	lastError?: string;
}

/** n8n's logger fits this shape, and so does `console`. */
export interface FeedLogger {
	info(message: string, meta?: Record<string, unknown>): void;
	warn(message: string, meta?: Record<string, unknown>): void;
	error(message: string, meta?: Record<string, unknown>): void;
	debug(message: string, meta?: Record<string, unknown>): void;
}

/** Where and how to connect; produced afresh for every attempt. */
export interface FeedDialTarget {
	/** ws:// or wss:// URL */
	url: string;
	headers?: Record<string, string>;
}

export interface FeedDialContext {
	/** 1 for the first attempt after start() or after a healthy connection ended, then 2, 3, … */
	attempt: number;
	/**
	 * The previous attempt was refused with 401/403. Drop any cached credential (e.g. `tokens.invalidate()`): if this
	 * attempt is refused too, the client stops and reports the credentials as rejected.
	 */
	afterAuthRejection: boolean;
}

export interface FeedBackoff {
	/** first reconnect delay; default 500 */
	initialMs?: number;
	/** cap on the delay; default 60 000 */
	maxMs?: number;
	/** growth per consecutive failure; default 2 */
	factor?: number;
	/** ± fraction of the delay chosen at random so many clients do not redial in step; default 0.2 */
	jitter?: number;
	/** a connection that stays open this long resets the backoff to initialMs; default 30 000 */
	resetAfterMs?: number;
}

export interface FeedClientOptions {
	dial: (context: FeedDialContext) => Promise<FeedDialTarget>;
	/** Every text frame. Exceptions and rejections are logged and never stop the feed. */
	onMessage: (text: string) => void | Promise<void>;
	onStateChange?: (state: FeedState, detail: string) => void;
	/** Called once when the client stops on a fatal error (state 'failed'). */
	onFatal?: (error: FeedFatalError) => void;
	/** Every failed attempt and lost connection, fatal or not, before the client decides what to do next. */
	onAttemptFailed?: (error: unknown) => void;
	/**
	 * Decides which errors stop the client for good; replaces `isFatalFeedError` (call it to extend the default).
	 * An HTTP 401/403 that it calls fatal is still retried once with a fresh dial before the client gives up.
	 */
	isFatal?: (error: unknown) => boolean;
	logger?: FeedLogger;
	/** label in log lines and errors; default 'Qredo feed' */
	name?: string;
	/** protocol ping interval; default 20 000 */
	pingIntervalMs?: number;
	/** a ping unanswered this long kills the socket; default 10 000 */
	pongTimeoutMs?: number;
	/** reconnect when no frame, ping or pong arrives for this long; off by default */
	idleTimeoutMs?: number;
	/** the opening handshake must complete within this; default 15 000 */
	handshakeTimeoutMs?: number;
	/** dial() must settle within this, or the attempt counts as failed; default 120 000 (a v2 login may retry) */
	dialTimeoutMs?: number;
	backoff?: FeedBackoff;
}

/** The client stopped for good; `cause` is the error that decided it. */
export class FeedFatalError extends Error {
	readonly cause: unknown;
	/** HTTP status of a refused upgrade, when that is the cause */
	readonly status?: number;

	constructor(message: string, cause: unknown) {
		super(message);
		this.name = 'FeedFatalError';
		this.cause = cause;
		if (cause instanceof QredoApiError) this.status = cause.status;
	}
}

/** The watchdog killed a socket that stopped answering. */
export class FeedWatchdogError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FeedWatchdogError';
	}
}

/** Credentials refused on the upgrade or by the login behind `dial()`. */
export function isAuthRejection(error: unknown): boolean {
	return error instanceof QredoApiError && (error.status === 401 || error.status === 403) && error.clockSkewSeconds === undefined;
}

/**
 * The default fatal classification: credentials rejected (401/403) and configuration errors (QredoInputError).
 * Network failures, timeouts, 5xx, 429, other 4xx and close codes are transient: the client keeps trying.
 */
export function isFatalFeedError(error: unknown): boolean {
	return isAuthRejection(error) || error instanceof QredoInputError || error instanceof EgressBlockedError;
}

const DEFAULT_BACKOFF: Required<FeedBackoff> = { initialMs: 500, maxMs: 60_000, factor: 2, jitter: 0.2, resetAfterMs: 30_000 };
/** A Retry-After beyond this is not honoured in full: the feed must come back eventually. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;
/** Qredo frames are small JSON documents; refuse anything absurd rather than buffer it. */
const MAX_FRAME_BYTES = 8 * 1024 * 1024;
const MAX_REFUSAL_BODY_BYTES = 4096;
const REFUSAL_BODY_TIMEOUT_MS = 5000;
const CLOSE_TIMEOUT_MS = 2000;

/**
 * The delay before reconnect attempt number `failures` (1 = first failure): initialMs·factor^(failures−1), capped at
 * maxMs, then spread by ±jitter and capped again.
 */
export function reconnectDelayMs(failures: number, backoff: FeedBackoff = {}, random: () => number = Math.random): number {
	const { initialMs, maxMs, factor, jitter } = { ...DEFAULT_BACKOFF, ...backoff };
	const base = Math.min(maxMs, initialMs * factor ** Math.max(0, failures - 1));
	const spread = base * jitter;
	return Math.max(0, Math.min(maxMs, Math.round(base - spread + random() * 2 * spread)));
}

function checkedNumber(value: number | undefined, fallback: number, field: string, min: number, max = Infinity): number {
	const number = value ?? fallback;
	if (typeof number !== 'number' || !Number.isFinite(number) || number < min || number > max) {
		throw new QredoInputError(field, `a number from ${min}${Number.isFinite(max) ? ` to ${max}` : ''}`);
	}
	return number;
}

function frameText(data: RawData): string {
	if (Buffer.isBuffer(data)) return data.toString('utf8');
	if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
	return Buffer.from(data).toString('utf8');
}

/** The http(s) form of a ws(s) URL, the way an upgrade request appears in an error. */
function upgradeUrl(url: string): string {
	return url.replace(/^ws/, 'http');
}

/** One line describing an error without secrets: our errors are scrubbed, system errors carry only codes and addresses. */
function describe(error: unknown): string {
	if (error instanceof Error) return error.message.split('\n')[0];
	return String(error);
}

const silentLogger: FeedLogger = { info() {}, warn() {}, error() {}, debug() {} };

export class FeedClient {
	private readonly options: FeedClientOptions;
	private readonly name: string;
	private readonly log: FeedLogger;
	private readonly pingIntervalMs: number;
	private readonly pongTimeoutMs: number;
	private readonly idleTimeoutMs: number | undefined;
	private readonly handshakeTimeoutMs: number;
	private readonly dialTimeoutMs: number;
	private readonly backoff: Required<FeedBackoff>;

	private state: FeedState | undefined;
	private started = false;
	private stopped = false;
	/** bumped whenever the current attempt or socket is abandoned, so late events from it are ignored */
	private generation = 0;
	private socket: WebSocket | undefined;
	private socketUrl = '';
	private lastSocketError: unknown;
	/** consecutive failed attempts since the last healthy connection */
	private failures = 0;
	private previousWasAuthRejection = false;
	private fatalError: FeedFatalError | undefined;
	private stopping: Promise<void> | undefined;

	private reconnectTimer: NodeJS.Timeout | undefined;
	private pingTimer: NodeJS.Timeout | undefined;
	private pongTimer: NodeJS.Timeout | undefined;
	private idleTimer: NodeJS.Timeout | undefined;
	private healthyTimer: NodeJS.Timeout | undefined;

	private stateSince: number | undefined;
	private connectedSince: number | undefined;
	private downSince: number | undefined;
	private lastTrafficAt: number | undefined;
	private frames = 0;
	private reconnects = 0;
	private lastError: string | undefined;

	private readonly opened: Promise<void>;
	private resolveOpened!: () => void;
	private rejectOpened!: (error: Error) => void;
	private hasOpened = false;

	constructor(options: FeedClientOptions) {
		if (typeof options?.dial !== 'function') throw new QredoInputError('dial', 'a function returning the URL and headers to connect with');
		if (typeof options.onMessage !== 'function') throw new QredoInputError('onMessage', 'a function receiving each text frame');
		this.options = options;
		this.name = options.name ?? 'Qredo feed';
		this.log = options.logger ?? silentLogger;
		this.pingIntervalMs = checkedNumber(options.pingIntervalMs, 20_000, 'pingIntervalMs', 1);
		this.pongTimeoutMs = checkedNumber(options.pongTimeoutMs, 10_000, 'pongTimeoutMs', 1);
		this.idleTimeoutMs = options.idleTimeoutMs === undefined ? undefined : checkedNumber(options.idleTimeoutMs, 0, 'idleTimeoutMs', 1);
		this.handshakeTimeoutMs = checkedNumber(options.handshakeTimeoutMs, 15_000, 'handshakeTimeoutMs', 1);
		this.dialTimeoutMs = checkedNumber(options.dialTimeoutMs, 120_000, 'dialTimeoutMs', 1);
		const backoff = options.backoff ?? {};
		this.backoff = {
			initialMs: checkedNumber(backoff.initialMs, DEFAULT_BACKOFF.initialMs, 'backoff.initialMs', 0),
			maxMs: checkedNumber(backoff.maxMs, DEFAULT_BACKOFF.maxMs, 'backoff.maxMs', 1),
			factor: checkedNumber(backoff.factor, DEFAULT_BACKOFF.factor, 'backoff.factor', 1),
			jitter: checkedNumber(backoff.jitter, DEFAULT_BACKOFF.jitter, 'backoff.jitter', 0, 1),
			resetAfterMs: checkedNumber(backoff.resetAfterMs, DEFAULT_BACKOFF.resetAfterMs, 'backoff.resetAfterMs', 0),
		};
		this.opened = new Promise<void>((resolve, reject) => {
			this.resolveOpened = resolve;
			this.rejectOpened = reject;
		});
		// Nobody may be waiting on connectedOnce(); its rejection must not become an unhandled one.
		this.opened.catch(() => undefined);
	}

	/** Starts connecting; a second call while running does nothing. */
	start(): void {
		if (this.stopped || this.fatalError) throw new QredoInputError('FeedClient', 'a client that was not stopped', 'create a new FeedClient to connect again');
		if (this.started) return;
		this.started = true;
		void this.connect();
	}

	/** Resolves when the first connection opens; rejects if the client fails or is stopped before that. */
	connectedOnce(): Promise<void> {
		return this.opened;
	}

	/** The current state; undefined before start(). */
	getState(): FeedState | undefined {
		return this.state;
	}

	/** The health view: state, since when, traffic, reconnects and the last error. */
	status(): FeedStatus {
		return {
			state: this.state ?? 'idle',
			stateSince: this.stateSince,
			connectedSince: this.connectedSince,
			downSince: this.downSince,
			lastTrafficAt: this.lastTrafficAt,
			frames: this.frames,
			reconnects: this.reconnects,
			lastError: this.lastError,
		};
	}

	/** Stops for good: cancels timers and closes the socket. Idempotent; resolves once the socket is closed. */
	stop(): Promise<void> {
		if (this.stopping) return this.stopping;
		this.stopped = true;
		this.generation++;
		this.clearTimers();
		const socket = this.socket;
		this.socket = undefined;
		if (!this.hasOpened) this.rejectOpened(new Error(`${this.name}: stopped before the first connection opened`));
		if (this.state !== 'failed' && this.state !== 'closed') this.setState('closed', 'stopped by the caller');
		this.stopping = closeSocket(socket);
		return this.stopping;
	}

	private setState(state: FeedState, detail: string): void {
		const now = Date.now();
		if (state !== this.state) this.stateSince = now;
		if (state === 'open') {
			this.connectedSince = now;
			this.downSince = undefined;
		} else if (this.state === 'open' || this.state === undefined) {
			this.connectedSince = undefined;
			this.downSince = now;
		}
		this.state = state;
		const line = `${this.name}: ${state} (${detail})`;
		if (state === 'failed') this.log.error(line);
		else if (state === 'reconnecting') this.log.warn(line);
		else this.log.info(line);
		try {
			this.options.onStateChange?.(state, detail);
		} catch (error) {
			this.log.error(`${this.name}: onStateChange failed: ${describe(error)}`);
		}
	}

	private async connect(): Promise<void> {
		const generation = ++this.generation;
		const attempt = this.failures + 1;
		const afterAuthRejection = this.previousWasAuthRejection;
		this.setState('connecting', attempt === 1 ? 'dialling' : `attempt ${attempt}`);
		let target: FeedDialTarget;
		let dialTimer: NodeJS.Timeout | undefined;
		try {
			// A dial that never settles must not freeze the client in 'connecting'.
			const timeout = new Promise<never>((_, reject) => {
				dialTimer = setTimeout(() => reject(new Error(`dial() did not finish within ${this.dialTimeoutMs} ms`)), this.dialTimeoutMs);
			});
			target = await Promise.race([Promise.resolve().then(() => this.options.dial({ attempt, afterAuthRejection })), timeout]);
			await checkEgress(target?.url);
		} catch (error) {
			if (generation === this.generation) this.attemptFailed(error);
			return;
		} finally {
			clearTimeout(dialTimer);
		}
		if (generation !== this.generation) return;

		let socket: WebSocket;
		try {
			socket = this.openSocket(target);
		} catch (error) {
			this.attemptFailed(error);
			return;
		}
		this.socket = socket;
		this.lastSocketError = undefined;
		// Set while a refused upgrade's answer is read: the socket events that follow it are not the cause.
		let refused = false;
		const current = () => this.socket === socket && generation === this.generation && !refused;
		// ws emits 'error' for failures and always 'close' afterwards; an unhandled 'error' would crash the process.
		socket.on('error', (error) => {
			if (current()) this.lastSocketError = error;
		});
		socket.on('unexpected-response', (request: ClientRequest, response: IncomingMessage) => {
			if (!current()) return;
			refused = true;
			void this.readRefusal(socket, target, request, response).then((error) => {
				if (this.socket !== socket || generation !== this.generation) return;
				this.socket = undefined;
				socket.terminate();
				this.attemptFailed(error);
			});
		});
		socket.on('open', () => {
			if (current()) this.onOpen(socket);
		});
		socket.on('message', (data: RawData) => {
			if (!current()) return;
			this.sawTraffic(socket);
			this.deliver(frameText(data));
		});
		socket.on('ping', () => {
			if (current()) this.sawTraffic(socket);
		});
		socket.on('pong', () => {
			if (!current()) return;
			clearTimeout(this.pongTimer);
			this.pongTimer = undefined;
			this.sawTraffic(socket);
		});
		socket.on('close', (code: number, reason: Buffer) => {
			if (!current()) return;
			this.socket = undefined;
			this.clearConnectionTimers();
			const cause = this.lastSocketError ?? new Error(closeDescription(code, reason));
			this.attemptFailed(cause);
		});
	}

	private openSocket(target: FeedDialTarget): WebSocket {
		let url: URL;
		try {
			url = new URL(target?.url);
		} catch {
			throw new QredoInputError('dial().url', 'an absolute ws:// or wss:// URL');
		}
		if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new QredoInputError('dial().url', 'a ws:// or wss:// URL', `got ${url.protocol}`);
		this.socketUrl = url.href;
		// HTTP(S)_PROXY / NO_PROXY as n8n applies them (a CONNECT tunnel), or a direct socket through n8n's secure lookup
		const route = routeFor(url, { upgrade: true, fresh: true });
		try {
			return new WebSocket(url.href, {
				agent: route.agent,
				...(route.lookup ? { lookup: route.lookup } : {}),
				headers: target.headers,
				handshakeTimeout: this.handshakeTimeoutMs,
				maxPayload: MAX_FRAME_BYTES,
				perMessageDeflate: false,
				followRedirects: false,
			});
		} catch (error) {
			// e.g. a header value with a control character; Node names the header, never its value
			throw new QredoInputError('dial().headers', 'header names and values without control characters', (error as NodeJS.ErrnoException).code);
		}
	}

	/** Turns a non-101 answer to the upgrade into a QredoApiError (server text scrubbed of the header values we sent). */
	private readRefusal(socket: WebSocket, target: FeedDialTarget, request: ClientRequest, response: IncomingMessage): Promise<QredoApiError> {
		return new Promise((resolve) => {
			const chunks: Buffer[] = [];
			let size = 0;
			let done = false;
			const finish = () => {
				if (done) return;
				done = true;
				clearTimeout(timer);
				request.destroy();
				const header = response.headers['retry-after'];
				const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header);
				const status = response.statusCode ?? 0;
				// A refusal caused by our clock: adopt Qredo's, and the next dial signs with it (not a credential failure).
				const skew = status === 401 || status === 403 ? adoptServerClock(response.headers.date) : undefined;
				resolve(
					new QredoApiError({
						clockSkewSeconds: skew,
						status: response.statusCode ?? 0,
						method: 'GET',
						url: upgradeUrl(target.url),
						bodyText: Buffer.concat(chunks).toString('utf8'),
						retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
						secrets: Object.values(target.headers ?? {}),
					}),
				);
			};
			const timer = setTimeout(finish, REFUSAL_BODY_TIMEOUT_MS);
			response.on('data', (chunk: Buffer) => {
				if (size < MAX_REFUSAL_BODY_BYTES) chunks.push(chunk.subarray(0, MAX_REFUSAL_BODY_BYTES - size));
				size += chunk.length;
			});
			response.on('end', finish);
			response.on('error', finish);
			response.on('close', finish);
			socket.once('close', finish);
		});
	}

	private onOpen(socket: WebSocket): void {
		this.previousWasAuthRejection = false;
		const wasReconnect = this.hasOpened;
		this.setState('open', `${wasReconnect ? 'reconnected to' : 'connected to'} ${redactUrl(this.socketUrl)}`);
		if (!this.hasOpened) {
			this.hasOpened = true;
			this.resolveOpened();
		}
		this.pingTimer = setInterval(() => this.ping(socket), this.pingIntervalMs);
		this.sawTraffic(socket);
		this.healthyTimer = setTimeout(() => {
			this.failures = 0;
		}, this.backoff.resetAfterMs);
	}

	private ping(socket: WebSocket): void {
		if (this.pongTimer !== undefined || socket.readyState !== WebSocket.OPEN) return;
		this.pongTimer = setTimeout(() => this.kill(socket, `no pong within ${this.pongTimeoutMs} ms of a ping`), this.pongTimeoutMs);
		socket.ping();
	}

	private sawTraffic(socket: WebSocket): void {
		this.lastTrafficAt = Date.now();
		if (this.idleTimeoutMs === undefined) return;
		clearTimeout(this.idleTimer);
		this.idleTimer = setTimeout(() => this.kill(socket, `no frame, ping or pong for ${this.idleTimeoutMs} ms`), this.idleTimeoutMs);
	}

	/** The watchdog's verdict: drop the socket without a closing handshake (a dead peer would never answer it). */
	private kill(socket: WebSocket, why: string): void {
		if (this.socket !== socket) return;
		this.lastSocketError = new FeedWatchdogError(`watchdog: ${why}`);
		socket.terminate();
	}

	private deliver(text: string): void {
		this.frames++;
		let result: void | Promise<void>;
		try {
			result = this.options.onMessage(text);
		} catch (error) {
			this.log.error(`${this.name}: onMessage failed: ${describe(error)}`);
			return;
		}
		if (result instanceof Promise) result.catch((error) => this.log.error(`${this.name}: onMessage failed: ${describe(error)}`));
	}

	/** One attempt or connection ended: stop on a fatal error, otherwise schedule the next attempt. */
	private attemptFailed(error: unknown): void {
		if (this.stopped || this.fatalError) return;
		this.lastError = describe(error);
		try {
			this.options.onAttemptFailed?.(error);
		} catch (callbackError) {
			this.log.error(`${this.name}: onAttemptFailed failed: ${describe(callbackError)}`);
		}
		this.clearTimers();
		let fatal: boolean;
		try {
			fatal = (this.options.isFatal ?? isFatalFeedError)(error);
		} catch {
			fatal = false;
		}
		const authRejected = isAuthRejection(error);
		if (fatal && !(authRejected && !this.previousWasAuthRejection)) {
			this.fail(error, authRejected);
			return;
		}
		this.previousWasAuthRejection = authRejected;
		this.failures++;
		this.reconnects++;
		let delay = reconnectDelayMs(this.failures, this.backoff);
		if (fatal) delay = 0; // an auth refusal is confirmed at once, with freshly dialled credentials
		else if (error instanceof QredoApiError && error.retryAfterSeconds !== undefined) {
			delay = Math.max(delay, Math.min(error.retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS));
		}
		const why = fatal ? `${describe(error)}; retrying once with freshly dialled credentials before giving up` : describe(error);
		this.setState('reconnecting', `retry ${this.failures} in ${(delay / 1000).toFixed(1)} s after: ${why}`);
		this.reconnectTimer = setTimeout(() => {
			this.reconnectTimer = undefined;
			void this.connect();
		}, delay);
	}

	private fail(error: unknown, credentialsRejected: boolean): void {
		const message = credentialsRejected
			? `${this.name} stopped: the server rejected the credentials twice in a row (${describe(error)}); check the credentials, then restart`
			: `${this.name} stopped on a permanent error: ${describe(error)}`;
		this.fatalError = new FeedFatalError(message, error);
		this.lastError = describe(error);
		this.generation++;
		this.clearTimers();
		const socket = this.socket;
		this.socket = undefined;
		socket?.terminate();
		this.setState('failed', describe(error));
		if (!this.hasOpened) this.rejectOpened(this.fatalError);
		try {
			this.options.onFatal?.(this.fatalError);
		} catch (callbackError) {
			this.log.error(`${this.name}: onFatal failed: ${describe(callbackError)}`);
		}
	}

	private clearConnectionTimers(): void {
		clearInterval(this.pingTimer);
		clearTimeout(this.pongTimer);
		clearTimeout(this.idleTimer);
		clearTimeout(this.healthyTimer);
		this.pingTimer = this.pongTimer = this.idleTimer = this.healthyTimer = undefined;
	}

	private clearTimers(): void {
		this.clearConnectionTimers();
		clearTimeout(this.reconnectTimer);
		this.reconnectTimer = undefined;
	}
}

/** 1006 means no close frame arrived: the connection was cut (peer crash, proxy, network), not closed by Qredo. */
function closeDescription(code: number, reason: Buffer): string {
	if (code === 1006) return 'connection lost without a close frame (code 1006)';
	const text = reason.length > 0 ? `, "${reason.toString('utf8').replace(/[\x00-\x1f\x7f]/g, ' ').slice(0, 120)}"` : '';
	return `closed by the server (code ${code}${text})`;
}

/** Closes politely, terminates if the peer does not complete the closing handshake in time; resolves on 'close'. */
function closeSocket(socket: WebSocket | undefined): Promise<void> {
	if (socket === undefined || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => socket.terminate(), CLOSE_TIMEOUT_MS);
		socket.once('close', () => {
			clearTimeout(timer);
			resolve();
		});
		socket.on('error', () => undefined);
		if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'client stopping');
		else socket.terminate();
	});
}
