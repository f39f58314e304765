/**
 * The local Qredo sandbox server: node:http plus a `ws` server for the feeds. One request pipeline for every
 * surface: admin check or faults → exact body bytes → expiry sweep → route match → the route's auth scheme →
 * handler → JSON reply or Qredo's error shape. Websocket upgrades go through the same match and auth before the
 * handshake completes, so an unauthenticated client never gets a socket.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { authenticate } from './auth';
import type { SignedParts } from './auth/common';
import type { SandboxContext } from './context';
import { type FaultRule, Faults } from './faults';
import { FeedHub } from './feeds';
import { forbidden, notFound, QredoHttpError, readRawBody, rejectUpgrade, Reply, sendError, sendJson } from './http';
import { resolveOptions, type SandboxOptions } from './options';
import { ADMIN_BASE, bodyHelpers, type HttpMatch, Router, type SandboxRequest, type WsMatch } from './router';
import { routeModules, type RouteModule } from './routes';
import { type SandboxCredentials, seedDemo } from './seed';
import { SandboxState } from './governance';
import { type SandboxUrls, sandboxUrls } from './urls';

export type { SandboxUrls } from './urls';
export type { SandboxCredentials } from './seed';
export type { SandboxOptions } from './options';
export { consoleLogger, silentLogger } from './options';

export interface StartSandboxOptions extends SandboxOptions {
	/** More route modules (register(router, ctx) functions), e.g. test-only routes. */
	extraRoutes?: RouteModule[];
	/** Serve https:// and wss:// with this certificate (PEM), as Qredo does; the URLs then use `tlsHostname` if given. */
	tls?: { key: string | Buffer; cert: string | Buffer; hostname?: string };
	/**
	 * Serve Qredo's surfaces only to these peer addresses (a firewall in front of Qredo, e.g. that lets in only the
	 * egress proxy's outgoing address); other peers' requests and upgrades get their connection closed, unanswered,
	 * and are counted in `refusedPeers`. The admin API stays open to loopback: it is the test's control channel.
	 */
	allowedPeers?: string[];
}

export interface RunningSandbox {
	/** Base URL, e.g. http://127.0.0.1:43210 */
	url: string;
	port: number;
	host: string;
	urls: SandboxUrls;
	state: SandboxState;
	context: SandboxContext;
	/** Everything a client needs to talk to the demo world; only with `seed: 'demo'`. */
	credentials?: SandboxCredentials;
	/** Requests and upgrades to Qredo's surfaces (not the admin API), by peer address. */
	servedPeers: Map<string, number>;
	/** Requests and upgrades refused because their peer is not in `allowedPeers`, by peer address. */
	refusedPeers: Map<string, number>;
	stop(): Promise<void>;
}

function isLoopback(address: string | undefined): boolean {
	return !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function hostOf(req: IncomingMessage): string {
	const host = req.headers.host;
	if (!host) throw new QredoHttpError(400, 'Host: expected the Host header (the full URL, host included, is signed)');
	return host;
}

export async function startSandbox(input: StartSandboxOptions = {}): Promise<RunningSandbox> {
	const { extraRoutes, tls, allowedPeers, ...sandboxOptions } = input;
	const options = resolveOptions(sandboxOptions);
	const scheme = tls ? 'https' : 'http';
	const log = options.logger;
	// The admin API can put the sandbox's clock ahead or behind (POST /sandbox/admin/clock): what a client with a
	// drifted clock meets. Everything, the Date header included, reads this one clock.
	const clock = { offsetMs: 0 };
	const now = () => options.clock.now() + clock.offsetMs;
	const state = new SandboxState({ now, actionTtlSeconds: options.actionTtlSeconds, mpinMasterSecret: options.mpinMasterSecret });
	state.onEvent((event) => {
		if (event.kind === 'action' && event.action.status !== 'pending') {
			const { id, member, memberKind, status, closedReason, txId } = event.action;
			log.info('action decided', { actionId: id, txId, member, memberKind, status, ...(closedReason ? { closedReason } : {}) });
		} else if (event.kind === 'transaction') {
			log.info('transaction', { txId: event.transaction.id, status: event.transaction.status });
		}
	});
	const faults = new Faults();
	const feeds = new FeedHub(state, faults, options, log);
	const ctx: SandboxContext = {
		options,
		state,
		log,
		faults,
		feeds,
		jwtKey: randomBytes(32),
		now,
		nowSeconds: () => Math.floor(now() / 1000),
		setClockOffset: (ms: number) => {
			clock.offsetMs = ms;
		},
		clockOffsetMs: () => clock.offsetMs,
		zkpSeen: new Map(),
	};
	const router = new Router();
	for (const register of [...routeModules, ...(extraRoutes ?? [])]) register(router, ctx);

	const wss = new WebSocketServer({ noServer: true });
	const servedPeers = new Map<string, number>();
	const refusedPeers = new Map<string, number>();
	const allowed = allowedPeers === undefined ? undefined : new Set(allowedPeers.map((peer) => peer.replace(/^::ffff:/, '')));
	/** The firewall: false (and the connection closed) for a peer that may not reach Qredo's surfaces. */
	function admitted(socket: Socket): boolean {
		const peer = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
		const tally = allowed && !allowed.has(peer) ? refusedPeers : servedPeers;
		tally.set(peer, (tally.get(peer) ?? 0) + 1);
		if (tally === servedPeers) return true;
		socket.destroy();
		return false;
	}
	const sockets = new Set<Socket>();

	/** Checks the request against the route's auth scheme (throws Qredo's 401 shape) and builds what the route receives. */
	function authenticatedRequest(req: IncomingMessage, url: URL, match: HttpMatch | WsMatch, parts: SignedParts, contentType: string | undefined): SandboxRequest {
		const principal = authenticate(ctx, match.auth, parts);
		return { ...parts, url, path: url.pathname, params: match.params, remoteAddress: req.socket.remoteAddress ?? '', principal, ...bodyHelpers(parts.rawBody, contentType) };
	}

	/** A fault rule that fired: its delay, then a forced error (thrown) or a dropped socket (true: send nothing). */
	async function applyRule(rule: FaultRule | undefined, req: IncomingMessage): Promise<boolean> {
		if (!rule) return false;
		if (rule.delayMs) await sleep(rule.delayMs);
		if (rule.effect === 'drop') {
			req.socket.destroy();
			return true;
		}
		if (rule.effect !== 'pass') throw faults.ruleError(rule);
		return false;
	}

	async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const started = performance.now();
		const method = req.method ?? 'GET';
		let status = 500;
		try {
			const host = hostOf(req);
			const url = new URL(`${scheme}://${host}${req.url ?? '/'}`);
			const isAdmin = url.pathname === ADMIN_BASE || url.pathname.startsWith(ADMIN_BASE + '/');
			if (isAdmin && !isLoopback(req.socket.remoteAddress)) throw forbidden('admin API: expected a request from the loopback interface');
			if (!isAdmin && !admitted(req.socket)) {
				status = 0;
				return;
			}
			// The whole request is in before any fault applies: a client that dies while its request is held (delayMs)
			// leaves a request the server still handles, as a real one would.
			const rawBody = await readRawBody(req);
			if (!isAdmin) {
				const latency = faults.latencyFor('http');
				if (latency > 0) await sleep(latency);
				const failure = faults.takeFailure('http');
				if (failure) throw failure;
				if (await applyRule(faults.takeRule(method, url.pathname, 'before'), req)) {
					status = 0;
					return;
				}
			}
			state.sweep();
			const match = router.match(method, url.pathname, false);
			if (!match) throw notFound(`path: no ${method} route for ${url.pathname}`);
			if (match.kind === 'method') {
				if (match.allowed.includes('GET (websocket)') && method === 'GET') throw new QredoHttpError(426, 'Upgrade: expected a websocket upgrade request', 'Upgrade Required');
				throw new QredoHttpError(405, `method: expected ${match.allowed.join(' or ')} for ${url.pathname}`, undefined, { Allow: match.allowed.join(', ') });
			}
			if (match.kind !== 'http') throw notFound(`path: no ${method} route for ${url.pathname}`);
			const fullUrl = `${scheme}://${host}${req.url ?? '/'}`;
			const request = authenticatedRequest(req, url, match, { method, fullUrl, headers: req.headers, rawBody, query: url.searchParams }, req.headers['content-type']);
			const result = await match.handler(request);
			if (!isAdmin && (await applyRule(faults.takeRule(method, url.pathname, 'after'), req))) {
				status = 0;
				return;
			}
			if (result instanceof Reply) {
				status = result.status;
				sendJson(res, result.status, result.body, result.headers);
			} else {
				status = 200;
				sendJson(res, 200, result === undefined ? { code: 200, msg: 'OK' } : result);
			}
		} catch (error) {
			const httpError = error instanceof QredoHttpError ? error : new QredoHttpError(500, 'internal sandbox error');
			if (!(error instanceof QredoHttpError)) log.error('handler failed', { method, url: req.url, error: String((error as Error)?.stack ?? error) });
			status = httpError.status;
			if (!res.headersSent) sendError(res, httpError);
		} finally {
			log.info('request', { method, path: req.url?.split('?')[0], status, ms: Math.round(performance.now() - started) });
		}
	}

	async function handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
		try {
			const host = hostOf(req);
			const url = new URL(`${scheme}://${host}${req.url ?? '/'}`);
			if (!admitted(socket)) return;
			const match = router.match('GET', url.pathname, true);
			if (!match || match.kind !== 'ws') throw notFound(`path: no websocket endpoint at ${url.pathname}`);
			const refusedMs = faults.feedsRefusedFor();
			if (refusedMs > 0) {
				if (faults.refuseMode === 'reset') {
					socket.destroy();
					return;
				}
				throw new QredoHttpError(503, 'sandbox fault injection: feed connections are refused for now', undefined, { 'Retry-After': String(Math.ceil(refusedMs / 1000)) });
			}
			const latency = faults.latencyFor('feeds');
			if (latency > 0) await sleep(latency);
			const failure = faults.takeFailure('feeds');
			if (failure) throw failure;
			state.sweep();
			const rawBody = Buffer.alloc(0);
			// Signed websocket URLs use the ws scheme (§1.3: "the wss:// URL").
			const request = authenticatedRequest(req, url, match, { method: 'GET', fullUrl: `${tls ? 'wss' : 'ws'}://${host}${req.url ?? '/'}`, headers: req.headers, rawBody, query: url.searchParams }, undefined);
			wss.handleUpgrade(req, socket, head, (ws) => match.handler(ws, request));
			log.info('upgrade', { path: url.pathname, status: 101 });
		} catch (error) {
			const httpError = error instanceof QredoHttpError ? error : new QredoHttpError(500, 'internal sandbox error');
			if (!(error instanceof QredoHttpError)) log.error('upgrade failed', { url: req.url, error: String((error as Error)?.stack ?? error) });
			log.info('upgrade', { path: req.url?.split('?')[0], status: httpError.status });
			rejectUpgrade(socket, httpError, new Date(now()).toUTCString());
		}
	}

	const onRequest = (req: IncomingMessage, res: ServerResponse) => {
		res.setHeader('Date', new Date(now()).toUTCString());
		void handleHttp(req, res);
	};
	const server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, onRequest) : createServer(onRequest);
	server.on('upgrade', (req, socket: Socket, head) => void handleUpgrade(req, socket, head));
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('clientError', (_error, socket) => socket.destroy());

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address() as AddressInfo;
	// Bound to every interface: local clients reach it on loopback.
	const reachable = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
	const shownHost = tls?.hostname ?? (reachable.includes(':') ? `[${reachable}]` : reachable);
	const url = `${scheme}://${shownHost}:${address.port}`;

	const sweepTimer = setInterval(() => state.sweep(), options.sweepIntervalMs || 1000);
	sweepTimer.unref();

	const credentials = options.seed === 'demo' ? seedDemo(ctx, url) : undefined;
	state.markBaseline();

	let stopped: Promise<void> | undefined;
	const stop = () =>
		(stopped ??= new Promise<void>((resolve) => {
			clearInterval(sweepTimer);
			feeds.close();
			wss.close();
			server.close(() => resolve());
			for (const socket of sockets) socket.destroy();
		}));

	log.info('sandbox listening', { url });
	return { url, port: address.port, host: address.address, urls: sandboxUrls(url), state, context: ctx, credentials, servedPeers, refusedPeers, stop };
}
