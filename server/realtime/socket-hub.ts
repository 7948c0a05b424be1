import type http from 'node:http';
import { Server } from 'socket.io';
import type { Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { PublicUser } from '../../db/queries/users';
import type { Actor } from '../auth/access';
import type { AuthService } from '../auth/auth-service';
import { sessionTokenOf } from '../http/middleware';
import type { ClientToServerEvents, PresencePayload, ServerToClientEvents } from './events';
import { supervisorsRoom, teamRoom, userRoom } from './events';

interface SocketData {
  actor: Actor;
}

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, object, SocketData>;
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, SocketData>;

type ConnectListener = (socket: HubSocket) => Promise<void> | void;
type GoneListener = (userId: string) => Promise<void> | void;

/** How long a user may be without a console before they count as gone (a reload, a blip). */
const GONE_AFTER_MS = 30_000;

/**
 * The Socket.IO hub: authenticates each connection with the session cookie and puts it in its
 * rooms (the user's own, the team's, and the supervisors' of the team). Emitting goes through
 * rooms only, so a cluster adapter can carry it to other nodes.
 */
export class SocketHub {
  readonly io: HubServer;
  private readonly connectListeners: ConnectListener[] = [];
  private readonly goneListeners: GoneListener[] = [];
  private readonly goneTimers = new Set<NodeJS.Timeout>();

  constructor(
    httpServer: http.Server,
    private readonly auth: AuthService,
    private readonly logger: Logger,
  ) {
    this.io = new Server(httpServer, {
      path: '/socket.io',
      serveClient: false,
      // Long polling first would make every pop wait on a poll; consoles support WebSocket.
      transports: ['websocket', 'polling'],
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
    });

    this.io.use(async (socket, next) => {
      try {
        const actor = await this.auth.authenticate(sessionTokenOf(socket.handshake.headers.cookie));
        if (!actor) return next(new Error('UNAUTHENTICATED'));

        socket.data.actor = actor;
        next();
      } catch (error) {
        this.logger.error({ err: error }, 'socket authentication failed');
        next(new Error('UNAVAILABLE'));
      }
    });

    this.io.on('connection', (socket) => this.onConnection(socket));
  }

  /** Runs after a socket joined its rooms: used to send the current cards again. */
  onConnect(listener: ConnectListener): void {
    this.connectListeners.push(listener);
  }

  /**
   * Runs when a user has had no console connected, on any node, for a grace period: an
   * operator who closed the browser should not be offered calls.
   */
  onUserGone(listener: GoneListener): void {
    this.goneListeners.push(listener);
  }

  private async onConnection(socket: HubSocket): Promise<void> {
    const { actor } = socket.data;
    await socket.join(roomsOf(actor));
    socket.on('disconnect', () => this.watchGone(actor.id));
    this.logger.debug({ userId: actor.id, socketId: socket.id }, 'console connected');

    const replay = async () => {
      for (const listener of this.connectListeners) {
        try {
          await listener(socket);
        } catch (error) {
          this.logger.error({ err: error, userId: actor.id }, 'socket connect listener failed');
        }
      }
    };
    socket.on('cards:resync', replay);
    await replay();
  }

  private watchGone(userId: string): void {
    const timer = setTimeout(async () => {
      this.goneTimers.delete(timer);
      try {
        const sockets = await this.io.in(userRoom(userId)).fetchSockets();
        if (sockets.length > 0) return;
        for (const listener of this.goneListeners) await listener(userId);
      } catch (error) {
        this.logger.error({ err: error, userId }, 'checking a gone console failed');
      }
    }, GONE_AFTER_MS);
    timer.unref();
    this.goneTimers.add(timer);
  }

  toUser(userId: string) {
    return this.io.to(userRoom(userId));
  }

  /** The supervisors of a team and the admins. */
  toSupervisors(teamId: string | null) {
    const rooms = [supervisorsRoom('all')];
    if (teamId) rooms.push(supervisorsRoom(teamId));

    return this.io.to(rooms);
  }

  /** The operator of a call (when there is one) and the supervisors of its team, once each. */
  toCallAudience(operatorId: string | null, teamId: string | null) {
    const rooms = [supervisorsRoom('all')];
    if (teamId) rooms.push(supervisorsRoom(teamId));
    if (operatorId) rooms.push(userRoom(operatorId));

    return this.io.to(rooms);
  }

  toTeam(teamId: string) {
    return this.io.to(teamRoom(teamId));
  }

  /**
   * Tells the user, the team's supervisors and the admins about a presence change. Not the whole
   * team: with hundreds of operators that would be hundreds of messages per change.
   */
  announcePresence(user: PublicUser): void {
    const payload: PresencePayload = {
      userId: user.id,
      name: user.name,
      teamId: user.team_id,
      status: user.status,
      since: user.status_changed_at.toISOString(),
    };
    const rooms = [supervisorsRoom('all'), userRoom(user.id)];
    if (user.team_id) rooms.push(supervisorsRoom(user.team_id));

    this.io.to(rooms).emit('presence:changed', payload);
  }

  async close(): Promise<void> {
    for (const timer of this.goneTimers) clearTimeout(timer);
    await new Promise<void>((resolve) => {
      this.io.close(() => resolve());
    });
  }
}

function roomsOf(actor: Actor): string[] {
  const rooms = [userRoom(actor.id)];
  if (actor.team_id) rooms.push(teamRoom(actor.team_id));
  if (actor.role === 'supervisor' && actor.team_id) rooms.push(supervisorsRoom(actor.team_id));
  if (actor.role === 'admin') rooms.push(supervisorsRoom('all'));

  return rooms;
}
