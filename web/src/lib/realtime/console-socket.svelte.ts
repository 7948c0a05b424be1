import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '$shared/realtime/events';

export type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionState = 'connecting' | 'connected' | 'lost';

/**
 * The console's one Socket.IO connection (same origin, the session cookie authenticates it).
 * Socket.IO reconnects by itself; this only tracks the state for the banner.
 */
class Connection {
  state = $state<ConnectionState>('connecting');
  /** The server refused the session: the console must sign in again. */
  refused = $state(false);
  socket: ConsoleSocket | undefined;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  open(): ConsoleSocket {
    this.close();
    const socket: ConsoleSocket = io({
      path: '/socket.io',
      transports: ['websocket', 'polling'],
      withCredentials: true,
    });

    this.state = 'connecting';
    this.refused = false;
    socket.on('connect', () => (this.state = 'connected'));
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;

      this.state = 'lost';
      // Socket.IO leaves a connection the server closed for good; ours comes back anyway, and
      // the handshake decides whether the session still holds.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (error) => {
      if (error.message === 'UNAUTHENTICATED') {
        this.refused = true;
        return;
      }

      this.state = 'lost';
      // A refusal by the server's middleware (its database briefly away) stops Socket.IO's own
      // retries; the console keeps trying, a little slower each time.
      if (!socket.active) this.retryLater(socket);
    });
    socket.on('connect', () => (this.retries = 0));

    this.socket = socket;
    return socket;
  }

  private retryLater(socket: ConsoleSocket): void {
    const delay = Math.min(1000 * 2 ** this.retries, 10_000);
    this.retries += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.socket === socket && !socket.connected) socket.connect();
    }, delay);
  }

  close(): void {
    clearTimeout(this.retryTimer);
    this.socket?.disconnect();
    this.socket = undefined;
  }
}

export const connection = new Connection();
