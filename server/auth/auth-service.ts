import type { Db } from '../../db/database';
import { appendAudit } from '../../db/queries/audit';
import {
  clearLoginFailures,
  countLoginFailures,
  deleteSession,
  insertSession,
  recordLoginFailure,
  touchSession,
} from '../../db/queries/sessions';
import { findUserByEmail } from '../../db/queries/users';
import type { PublicUser } from '../../db/queries/users';
import { AppError } from '../errors/app-error';
import { decoyHash, verifyPassword } from './passwords';
import { newSessionToken, sessionIdOf } from './session-token';

/** Failed logins tolerated per account and per address within the window. */
export const LOGIN_LIMIT = { perEmail: 5, perIp: 30, windowMs: 15 * 60_000 };

export interface AuthServiceOptions {
  db: Db;
  secret: string;
  sessionTtlMs: number;
}

export interface LoginResult {
  token: string;
  user: PublicUser;
  expiresAt: Date;
}

/** Logins, sessions and their expiry, kept in PostgreSQL so any node can check a cookie. */
export class AuthService {
  constructor(private readonly options: AuthServiceOptions) {}

  async login(
    email: string,
    password: string,
    client: { ip: string; userAgent?: string },
  ): Promise<LoginResult> {
    const { db } = this.options;
    const failures = await countLoginFailures(db, email, client.ip, LOGIN_LIMIT.windowMs);
    if (failures.byEmail >= LOGIN_LIMIT.perEmail || failures.byIp >= LOGIN_LIMIT.perIp) {
      throw new AppError('RATE_LIMITED');
    }

    const user = await findUserByEmail(db, email);
    const ok = await verifyPassword(user?.password_hash ?? (await decoyHash()), password);
    if (!user || !ok || !user.active) {
      await recordLoginFailure(db, email, client.ip);
      throw new AppError('BAD_CREDENTIALS');
    }

    await clearLoginFailures(db, email);
    const token = newSessionToken();
    const expiresAt = new Date(Date.now() + this.options.sessionTtlMs);
    await insertSession(db, {
      id: sessionIdOf(token, this.options.secret),
      userId: user.id,
      expiresAt,
      userAgent: client.userAgent,
      ip: client.ip,
    });
    await appendAudit(db, { actorId: user.id, action: 'login', entity: 'user', entityId: user.id });

    const { password_hash: _hash, ...publicUser } = user;
    return { token, user: publicUser, expiresAt };
  }

  /** The active user of a session token, sliding its expiry; undefined when it is not valid. */
  async authenticate(token: string | undefined): Promise<PublicUser | undefined> {
    if (!token) return undefined;

    const id = sessionIdOf(token, this.options.secret);
    return touchSession(this.options.db, id, this.options.sessionTtlMs);
  }

  async logout(token: string | undefined): Promise<void> {
    if (!token) return;

    await deleteSession(this.options.db, sessionIdOf(token, this.options.secret));
  }
}
