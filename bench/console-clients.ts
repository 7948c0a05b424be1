/**
 * A worker thread holding the benchmark's operator consoles (real socket.io-clients), so their
 * parsing runs beside the server rather than on its event loop, as browsers would. It reports
 * each `call:card` with the wall-clock time it arrived.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { CallCard } from '../server/calls/call-card';
import type { ClientToServerEvents, ServerToClientEvents } from '../server/realtime/events';

export interface ClientsData {
  url: string;
  cookies: string[];
}

export type ClientsMessage =
  | { kind: 'ready' }
  | { kind: 'card'; from: string; providerCallId: string; at: number; probe?: number }
  | { kind: 'closed' };

/** Milliseconds since the epoch with sub-millisecond precision, comparable across threads. */
export const epochNow = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const { url, cookies } = workerData as ClientsData;

  const sockets = await Promise.all(
    cookies.map(async (cookie) => {
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
        transports: ['websocket'],
        extraHeaders: { cookie },
        reconnection: false,
        forceNew: true,
      });
      socket.on('call:card', (card: CallCard & { probe?: number }) => {
        const message: ClientsMessage = {
          kind: 'card',
          from: card.call?.from.raw ?? '',
          providerCallId: card.call?.providerCallId ?? '',
          at: epochNow(),
          probe: card.probe,
        };
        port.postMessage(message);
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return socket;
    }),
  );
  port.postMessage({ kind: 'ready' } satisfies ClientsMessage);

  port.on('message', (message: string) => {
    if (message !== 'close') return;
    for (const socket of sockets) socket.close();
    port.postMessage({ kind: 'closed' } satisfies ClientsMessage);
  });
}

void main();
