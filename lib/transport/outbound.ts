/**
 * Every connection the package opens — Qredo HTTP calls, both WebSocket feeds, credential checks, the CLI — goes out
 * the way n8n's own requests do:
 * - through HTTP_PROXY / HTTPS_PROXY / ALL_PROXY unless NO_PROXY matches (either case; the rules of `proxy-from-env`,
 *   which n8n uses). ws:// counts as http, wss:// as https. https and WebSocket targets are tunnelled with CONNECT (TLS
 *   inside the tunnel, to the target); plain http requests go to the proxy in absolute form, as n8n's HttpProxyAgent does.
 * - trusting Node's CA store, which includes NODE_EXTRA_CA_CERTS (read by Node at start-up).
 * - subject to n8n's egress filter (SSRF protection) when running inside n8n: the target URL is checked before every
 *   connection and direct connections resolve names through the filter's lookup.
 * We do not rely on Node's global agent (which n8n replaces with its proxy agent): `ws` never uses it, and a decision
 * call needs a fresh socket, which a global agent would not give.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { QredoInputError } from '../errors';

/** What the package needs of n8n's `NodeEgressFilter` (n8n-workflow ≥ 2.41, `helpers.getSecureEgressFilter()`). */
export interface EgressFilter {
	validateUrl(url: string): Promise<{ ok: boolean; error?: unknown }>;
	createSecureLookup(): LookupFunction;
}

/** A connection refused by n8n's egress policy (N8N_SSRF_* settings); never retried. */
export class EgressBlockedError extends Error {
	constructor(url: string, reason: string) {
		super(`n8n's outbound network policy does not allow ${originOf(url)}: ${reason}`);
		this.name = 'EgressBlockedError';
	}
}

let egress: { filter: EgressFilter; lookup: LookupFunction } | undefined;

/**
 * Installs n8n's egress filter for this process (its policy is instance-wide, so one filter serves every node).
 * Nodes call it with `this.helpers.getSecureEgressFilter?.()`; undefined removes it (the CLI and tests have none).
 */
export function useEgressFilter(filter: EgressFilter | undefined): void {
	if (filter === egress?.filter) return;
	egress = filter ? { filter, lookup: filter.createSecureLookup() } : undefined;
}

/** Throws EgressBlockedError when n8n's egress policy refuses the URL; a no-op outside n8n. */
export async function checkEgress(url: string): Promise<void> {
	if (!egress) return;
	const result = await egress.filter.validateUrl(url);
	if (!result.ok) {
		const cause = result.error instanceof Error ? result.error.message : 'blocked';
		throw new EgressBlockedError(url, cause);
	}
}

function originOf(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return '(invalid URL)';
	}
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

function envValue(env: NodeJS.ProcessEnv, name: string): string {
	return env[name.toLowerCase()] || env[name.toUpperCase()] || '';
}

/** Whether NO_PROXY exempts host:port (entries: host, .suffix, *.suffix, host:port, or *). */
function exempt(hostname: string, port: number, env: NodeJS.ProcessEnv): boolean {
	const list = envValue(env, 'npm_config_no_proxy') || envValue(env, 'no_proxy');
	if (list === '') return false;
	if (list === '*') return true;
	return list.split(/[,\s]/).some((raw) => {
		const entry = raw.trim().toLowerCase();
		if (entry === '') return false;
		// host:port, [v6]:port, or a bare host (a bare IPv6 address has colons of its own)
		const match = /^\[(.+)\]:(\d+)$/.exec(entry) ?? (entry.split(':').length === 2 ? /^(.+):(\d+)$/.exec(entry) : null);
		let host = (match ? match[1] : entry).replace(/^\[(.*)\]$/, '$1');
		if (match && Number(match[2]) !== port) return false;
		if (!/^[.*]/.test(host)) return hostname === host;
		if (host.startsWith('*')) host = host.slice(1);
		return hostname.endsWith(host);
	});
}

/** The proxy for a target URL, or undefined for a direct connection. */
export function proxyFor(target: string | URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
	const url = typeof target === 'string' ? new URL(target) : target;
	const family = url.protocol === 'https:' || url.protocol === 'wss:' ? 'https' : url.protocol === 'http:' || url.protocol === 'ws:' ? 'http' : undefined;
	if (family === undefined) return undefined;
	const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
	const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
	if (exempt(hostname, port, env)) return undefined;
	let proxy = envValue(env, `npm_config_${family}_proxy`) || envValue(env, `${family}_proxy`) || envValue(env, 'npm_config_proxy') || envValue(env, 'all_proxy');
	if (proxy === '') return undefined;
	if (!proxy.includes('://')) proxy = `http://${proxy}`;
	let parsed: URL;
	try {
		parsed = new URL(proxy);
	} catch {
		throw new QredoInputError(`${family.toUpperCase()}_PROXY`, 'a proxy URL such as http://proxy.internal:3128');
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new QredoInputError(`${family.toUpperCase()}_PROXY`, 'an http:// or https:// proxy URL', `got ${parsed.protocol}`);
	}
	return parsed;
}

/** The proxy as it may appear in a message: scheme, host and port, never its user or password. */
export function describeProxy(proxy: URL): string {
	return `${proxy.protocol}//${proxy.host}`;
}

function proxyPort(proxy: URL): number {
	return proxy.port === '' ? (proxy.protocol === 'https:' ? 443 : 80) : Number(proxy.port);
}

/** Proxy-Authorization for a proxy URL with user:password, else nothing. */
export function proxyAuthHeaders(proxy: URL): Record<string, string> {
	if (proxy.username === '' && proxy.password === '') return {};
	const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
	return { 'proxy-authorization': `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}

/** A CONNECT answer larger than this is not a proxy talking. */
const MAX_CONNECT_RESPONSE_BYTES = 16 * 1024;

/** Opens a raw TCP tunnel to host:port through the proxy's CONNECT method. */
function openTunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
	return new Promise((resolve, reject) => {
		const proxyHost = proxy.hostname.replace(/^\[(.*)\]$/, '$1');
		const socket: net.Socket =
			proxy.protocol === 'https:'
				? tls.connect({ host: proxyHost, port: proxyPort(proxy), servername: net.isIP(proxyHost) ? undefined : proxyHost })
				: net.connect({ host: proxyHost, port: proxyPort(proxy) });
		const authority = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
		let received = Buffer.alloc(0);
		const fail = (message: string, code?: string) => {
			cleanup();
			socket.destroy();
			const error: NodeJS.ErrnoException = new Error(`proxy ${describeProxy(proxy)}: ${message}`);
			error.code = code ?? 'EPROXY';
			reject(error);
		};
		const timer = setTimeout(() => fail(`no answer to CONNECT ${authority} within ${timeoutMs} ms`, 'ETIMEDOUT'), timeoutMs);
		const onError = (error: NodeJS.ErrnoException) => fail(`connection failed (${error.code ?? error.message})`, error.code);
		const onClose = () => fail(`closed the connection during CONNECT ${authority}`, 'ECONNRESET');
		const onData = (chunk: Buffer) => {
			received = Buffer.concat([received, chunk]);
			const end = received.indexOf('\r\n\r\n');
			if (end < 0) {
				if (received.length > MAX_CONNECT_RESPONSE_BYTES) fail('sent an oversized answer to CONNECT');
				return;
			}
			const statusLine = received.subarray(0, received.indexOf('\r\n')).toString('latin1');
			const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
			if (status !== 200) {
				fail(`refused CONNECT ${authority} (${Number.isFinite(status) ? `HTTP ${status}` : 'not an HTTP answer'})`, status === 407 ? 'EPROXYAUTH' : 'EPROXYREFUSED');
				return;
			}
			cleanup();
			const rest = received.subarray(end + 4);
			if (rest.length > 0) socket.unshift(rest);
			resolve(socket);
		};
		const cleanup = () => {
			clearTimeout(timer);
			socket.off('error', onError);
			socket.off('close', onClose);
			socket.off('data', onData);
		};
		socket.on('error', onError);
		socket.on('close', onClose);
		socket.on('data', onData);
		const headers = { host: authority, ...proxyAuthHeaders(proxy) };
		socket.write(`CONNECT ${authority} HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`);
	});
}

type ConnectionCallback = (error: Error | null, stream: Duplex) => void;
type ConnectionOptions = http.ClientRequestArgs & tls.ConnectionOptions;

/** Node's Agent always passes a callback when it creates a socket; a tunnel can only answer through it. */
function needCallback(callback: ConnectionCallback | undefined): ConnectionCallback {
	if (callback === undefined) throw new Error('a proxy tunnel is opened asynchronously: createConnection needs its callback');
	return callback;
}

const TUNNEL_TIMEOUT_MS = 30_000;

/**
 * The socket for one request through a CONNECT tunnel; for https/wss, TLS to the target inside it, with Node's CAs
 * (NODE_EXTRA_CA_CERTS included) and the target's name for SNI and verification.
 */
function tunnelledConnection(proxy: URL, secure: boolean, options: ConnectionOptions, callback: ConnectionCallback | undefined): undefined {
	const done = needCallback(callback);
	const host = (options.host ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
	const port = Number(options.port ?? (secure ? 443 : 80));
	openTunnel(proxy, host, port, TUNNEL_TIMEOUT_MS).then(
		(raw) => done(null, secure ? tls.connect({ ...options, host, port, socket: raw, servername: options.servername ?? (net.isIP(host) ? undefined : host) } as tls.ConnectionOptions) : raw),
		(error: Error) => done(error, undefined as unknown as Duplex),
	);
	return undefined;
}

class TunnellingHttpsAgent extends https.Agent {
	constructor(
		private readonly proxy: URL,
		options: https.AgentOptions,
	) {
		super(options);
	}

	createConnection(options: ConnectionOptions, callback?: ConnectionCallback): undefined {
		return tunnelledConnection(this.proxy, true, options, callback);
	}
}

/** ws:// through a CONNECT tunnel (an upgrade cannot go through a proxy in absolute form). */
class TunnellingHttpAgent extends http.Agent {
	constructor(
		private readonly proxy: URL,
		options: http.AgentOptions,
	) {
		super(options);
	}

	createConnection(options: ConnectionOptions, callback?: ConnectionCallback): undefined {
		return tunnelledConnection(this.proxy, false, options, callback);
	}
}

/** Direct connections: our own agents, so n8n's global proxy agent never proxies a request a second time. */
const directAgents = {
	http: { keepAlive: new http.Agent({ keepAlive: true }), fresh: new http.Agent({ keepAlive: false }) },
	https: { keepAlive: new https.Agent({ keepAlive: true }), fresh: new https.Agent({ keepAlive: false }) },
};
/** Tunnelling agents per proxy and target family; keep-alive ones pool tunnels per target. */
const tunnelAgents = new Map<string, http.Agent>();

export interface Route {
	/** the agent to pass to http(s).request / ws */
	agent: http.Agent;
	/** set when an http:// request goes to the proxy in absolute form: connect here, send the full URL as the path */
	absoluteForm?: { protocol: 'http:' | 'https:'; hostname: string; port: number; headers: Record<string, string> };
	/** n8n's secure lookup for direct connections, when an egress filter is installed */
	lookup?: LookupFunction;
	proxy?: URL;
}

/**
 * How to reach a URL: the agent and, for plain http through a proxy, the proxy's address. `fresh` asks for a new
 * connection (no keep-alive), which a call that must not be retried blindly needs.
 */
export function routeFor(target: string | URL, options: { fresh?: boolean; upgrade?: boolean; env?: NodeJS.ProcessEnv } = {}): Route {
	const url = typeof target === 'string' ? new URL(target) : target;
	const secure = url.protocol === 'https:' || url.protocol === 'wss:';
	const proxy = proxyFor(url, options.env);
	const fresh = options.fresh === true;
	if (proxy === undefined) {
		const agents = secure ? directAgents.https : directAgents.http;
		return { agent: fresh ? agents.fresh : agents.keepAlive, lookup: egress?.lookup };
	}
	if (!secure && !options.upgrade) {
		const agents = proxy.protocol === 'https:' ? directAgents.https : directAgents.http;
		return {
			agent: fresh ? agents.fresh : agents.keepAlive,
			proxy,
			absoluteForm: {
				protocol: proxy.protocol as 'http:' | 'https:',
				hostname: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
				port: proxyPort(proxy),
				headers: proxyAuthHeaders(proxy),
			},
		};
	}
	const key = `${proxy.href} ${secure ? 'tls' : 'tcp'} ${fresh ? 'fresh' : 'keepAlive'}`;
	let agent = tunnelAgents.get(key);
	if (agent === undefined) {
		agent = secure ? new TunnellingHttpsAgent(proxy, { keepAlive: !fresh }) : new TunnellingHttpAgent(proxy, { keepAlive: !fresh });
		tunnelAgents.set(key, agent);
	}
	return { agent, proxy };
}
