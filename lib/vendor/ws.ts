/**
 * The only module that imports `ws`. Bundled into dist like lib/vendor/noble.ts. We use `ws` rather than Node's
 * global WebSocket because the feed watchdog needs protocol-level ping/pong, which the WHATWG API hides,
 * and because the sandbox needs a WebSocket server.
 */
import WebSocket, { WebSocketServer } from 'ws';
export type { RawData, ClientOptions } from 'ws';
export { WebSocket, WebSocketServer };
