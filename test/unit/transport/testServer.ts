/** A real HTTP server on 127.0.0.1 that records every request byte for byte and answers with a scripted handler. */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	/** the request target as received (path + query) */
	target: string;
	headers: IncomingHttpHeaders;
	body: Buffer;
	receivedAt: number;
}

export type Handler = (request: RecordedRequest, response: ServerResponse, index: number) => void;

export interface TestServer {
	/** e.g. http://127.0.0.1:54321 */
	origin: string;
	requests: RecordedRequest[];
	close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
	const requests: RecordedRequest[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const recorded = { method: req.method ?? '', target: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), receivedAt: Date.now() };
			requests.push(recorded);
			handler(recorded, res, requests.length - 1);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		origin: `http://127.0.0.1:${port}`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

export function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = body === undefined ? '' : JSON.stringify(body);
	response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
	response.end(text);
}
