import { once } from 'node:events';
import http from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { InvalidInput } from '../errors/index.js';
import { DEFAULT_RELAY_HOST, isLoopbackHost } from './inspect-addresses.js';
import { relayPageHtml } from './inspect-relay-page.js';

/** How many events the relay keeps for a viewer that connects late (as `@statelyai/inspect/server` does). */
const KEPT_EVENTS = 200;

/** A host as it goes in a URL: IPv6 in brackets. */
export function urlHostOf(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * Whether a WebSocket client may connect, by its `Origin`. A client without one is not a browser (a CLI, a script):
 * the listening address is its boundary. A browser must come from the relay's own page (same origin), and, when the
 * relay listens on loopback, by a loopback name: otherwise any web page open in the operator's browser could read
 * the stream and send into it (directly, or through a DNS name rebound to 127.0.0.1).
 */
export function acceptsOrigin(origin: string | undefined, hostHeader: string | undefined, loopbackOnly: boolean): boolean {
  if (origin === undefined || origin === '') return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || hostHeader === undefined || url.host !== hostHeader.toLowerCase()) return false;
  return !loopbackOnly || isLoopbackHost(url.hostname);
}

/** A running relay. */
export interface InspectorRelay {
  /** Where it listens, as the operating system says. */
  readonly address: AddressInfo;
  /** The WebSocket address senders (`--inspect`) and viewers connect to. */
  readonly socketUrl: string;
  /** The page that frames the Stately viewer. */
  readonly pageUrl: string;
  /** Closes every connection and stops listening. */
  stop(): Promise<void>;
}

/**
 * Starts the relay `--inspect` streams to: an HTTP server for the viewer's page and a WebSocket server on the same
 * port that passes each message a client sends to every other client, keeping the last 200 for late viewers.
 *
 * Why not `createInspectorServer` from `@statelyai/inspect/server`: it listens on every interface (it takes no host),
 * so anyone who can reach the machine gets the stream and can inject into it. This one listens on `host` only
 * (default 127.0.0.1) and refuses browser connections from other pages.
 */
export async function startInspectorRelay(options: { readonly host?: string; readonly port: number }): Promise<InspectorRelay> {
  const host = options.host ?? DEFAULT_RELAY_HOST;
  const loopbackOnly = isLoopbackHost(host);
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(relayPageHtml());
  });
  const relay = new WebSocketServer({
    server,
    verifyClient: (info: { origin?: string; req: http.IncomingMessage }) => acceptsOrigin(info.origin, info.req.headers.host, loopbackOnly),
  });
  // The WebSocket server re-emits the HTTP server's errors; a listen error is handled below, not thrown from here.
  relay.on('error', () => undefined);
  const kept: string[] = [];
  relay.on('connection', (socket: WebSocket) => {
    socket.on('error', () => undefined);
    for (const message of kept) socket.send(message);
    socket.on('message', (data: Buffer) => {
      const message = data.toString();
      kept.push(message);
      if (kept.length > KEPT_EVENTS) kept.shift();
      for (const client of relay.clients) if (client !== socket && client.readyState === WebSocket.OPEN) client.send(message);
    });
  });

  try {
    server.listen(options.port, host);
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => { throw error; })]);
  } catch (error) {
    relay.close();
    throw listenError(error, host, options.port);
  }
  const address = server.address() as AddressInfo;
  const where = `${urlHostOf(host)}:${address.port}`;
  return {
    address,
    socketUrl: `ws://${where}`,
    pageUrl: `http://${where}`,
    async stop() {
      for (const client of relay.clients) client.terminate();
      await new Promise<void>((resolve) => { relay.close(() => { resolve(); }); });
      server.closeAllConnections();
      await new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
    },
  };
}

/** What the operator can fix: a port in use, or a host that is not an address of this machine. */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') return new InvalidInput('port', `${port} is in use on ${host}; choose another with --port`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new InvalidInput('host', `cannot listen on ${host}: not an address of this machine`);
  if (code === 'EACCES') return new InvalidInput('port', `not allowed to listen on port ${port}; choose one above 1023`);
  return error;
}
