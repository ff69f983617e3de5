/**
 * A fake PostgreSQL server that completes the login (AuthenticationOk, ReadyForQuery) and then never answers a
 * query: what a hung server, or a proxy holding the connection after the handshake, looks like to a client. A
 * silent TCP listener (which never completes the login) is the connect timeout's case; this is the one after it.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface StalledServer {
  readonly port: number;
  /** Queries received (simple or extended protocol messages after the login), to show the client got that far. */
  readonly queries: () => number;
  close(): Promise<void>;
}

/** AuthenticationOk ('R', length 8, 0), then ReadyForQuery ('Z', length 5, 'I'dle). */
const LOGIN_DONE = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49]);

export async function startStalledServer(): Promise<StalledServer> {
  let queries = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let loggedIn = false;
    socket.on('data', (chunk) => {
      if (!loggedIn) {
        // The startup message (length, protocol 3.0, parameters): no SSL request, as pg sends none without ssl.
        loggedIn = true;
        socket.write(LOGIN_DONE);
        return;
      }
      if (chunk.length > 0 && [0x51, 0x50].includes(chunk[0] ?? 0)) queries++; // 'Q' simple, 'P' parse
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    queries: () => queries,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
