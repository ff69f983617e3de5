import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import WebSocket from 'ws';
import type { InspectionEvent, Observer } from 'xstate';
import { DEFAULT_INSPECT_PORT } from './inspect-addresses.js';

/** How long to wait for the relay's WebSocket handshake and for its answer to our close. */
const HANDSHAKE_MS = 5_000;
const CLOSE_MS = 2_000;

/** What the stream did, for the operator. */
export interface InspectReport {
  readonly url: string;
  readonly connected: boolean;
  readonly sent: number;
  readonly error: string | null;
}

/** A Stately inspector streaming to a local WebSocket relay. */
export interface SocketInspector {
  readonly url: string;
  /** Hand this to a run's `inspect` option (the run sanitises what it passes on). */
  readonly inspect: Observer<InspectionEvent>;
  /** The Stately inspector itself, for callers that send snapshots without a running actor (replay). */
  readonly inspector: ReturnType<typeof createInspector>;
  /** Sends what is still queued, closes the socket, and reports. Nothing is left open to keep the process alive. */
  close(): Promise<InspectReport>;
}

/**
 * Opens a WebSocket to an inspector relay on this machine (`cutter inspector`, or `createInspectorServer` from
 * `@statelyai/inspect/server`, which serves the viewer at http://localhost:<port>) and returns a Stately inspector
 * writing to it.
 *
 * Why not `createWebSocketInspector`: after a connection error it reconnects every 5 s forever, and `stop()` does
 * not cancel that timer, so a CLI command would never exit when no relay listens. This adapter connects once, queues
 * events until the socket opens, and on failure drops them and says so.
 */
export function openSocketInspector(port: number = DEFAULT_INSPECT_PORT, host = '127.0.0.1'): SocketInspector {
  const url = `ws://${host}:${port}`;
  const queue: string[] = [];
  const pending = new Set<Promise<void>>();
  let sent = 0;
  let error: string | null = null;
  let connected = false;
  const socket = new WebSocket(url, { handshakeTimeout: HANDSHAKE_MS });

  const write = (message: string): void => {
    const delivered = new Promise<void>((resolve) => {
      socket.send(message, (failure) => {
        if (failure !== undefined && failure !== null) error ??= failure.message;
        else sent += 1;
        resolve();
      });
    });
    pending.add(delivered);
    void delivered.then(() => pending.delete(delivered));
  };
  // Settles once the socket is open, or can never open.
  const ready = new Promise<void>((resolve) => {
    socket.once('open', () => {
      connected = true;
      for (const message of queue.splice(0)) write(message);
      resolve();
    });
    socket.on('error', (failure: Error) => {
      error ??= failure.message;
      resolve();
    });
    socket.once('close', () => { resolve(); });
  });

  const inspector = createInspector({
    send(event: StatelyInspectionEvent) {
      const message = JSON.stringify(event);
      if (socket.readyState === WebSocket.OPEN) write(message);
      else if (socket.readyState === WebSocket.CONNECTING) queue.push(message);
    },
  });

  return {
    url,
    inspect: inspector.inspect,
    inspector,
    async close() {
      // The inspector converts each event on a zero-delay timer; this one fires after every one already scheduled.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await ready;
      await Promise.all(pending);
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
        const closed = new Promise<void>((resolve) => socket.once('close', () => { resolve(); }));
        socket.close(1000, 'run reported');
        // A relay that never answers the close must not keep the process alive.
        const force = setTimeout(() => { socket.terminate(); }, CLOSE_MS);
        force.unref();
        await closed;
        clearTimeout(force);
      }
      return { url, connected, sent, error };
    },
  };
}
