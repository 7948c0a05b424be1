import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/realtime/events';
import type { TestServer } from './test-server';

type Events = ServerToClientEvents;
type EventName = keyof Events;
type Payload<E extends EventName> = Parameters<Events[E]>[0];

/**
 * A real socket.io-client connected as a signed-in user, which remembers every event it got so
 * a test can wait for one that matches, whether it came before or after the wait began.
 */
export class ConsoleSocket {
  readonly socket: Socket<Events, ClientToServerEvents>;
  private readonly seen: { name: EventName; payload: unknown }[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(server: TestServer, cookie: string) {
    this.socket = io(server.url, {
      transports: ['websocket'],
      extraHeaders: { cookie },
      reconnection: false,
      forceNew: true,
    });
    this.socket.onAny((name: EventName, payload: unknown) => {
      this.seen.push({ name, payload });
      for (const wake of this.waiters) wake();
    });
  }

  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  /** The first event of that name (not yet taken) that satisfies the predicate. */
  next<E extends EventName>(
    name: E,
    match: (payload: Payload<E>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Payload<E>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.seen.findIndex(
          (entry) => entry.name === name && match(entry.payload as Payload<E>),
        );
        if (index < 0) return false;
        const [entry] = this.seen.splice(index, 1);
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(entry?.payload as Payload<E>);
        return true;
      };
      // A guard against a hung test, not a timing assumption: events normally come in ms.
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${name} event arrived`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  received(name: EventName): unknown[] {
    return this.seen.filter((entry) => entry.name === name).map((entry) => entry.payload);
  }

  close(): void {
    this.socket.close();
  }
}
