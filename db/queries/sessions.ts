import { sql } from 'kysely';
import type { Db } from '../database';
import type { PublicUser } from './users';

export async function insertSession(
  db: Db,
  session: { id: string; userId: string; expiresAt: Date; userAgent?: string; ip?: string },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      expires_at: session.expiresAt,
      user_agent: session.userAgent ?? null,
      ip: session.ip ?? null,
    })
    .execute();
}

/**
 * The session's active user; expired sessions and deactivated users find nothing. The expiry
 * slides forward at most once a minute, so most requests only read: one statement, one round
 * trip, and no write on the hot path.
 */
export async function touchSession(
  db: Db,
  id: string,
  ttlMs: number,
): Promise<PublicUser | undefined> {
  const result = await sql<PublicUser>`
    WITH found AS (
      SELECT id, user_id, last_seen_at FROM sessions WHERE id = ${id} AND expires_at > now()
    ), touched AS (
      UPDATE sessions
         SET last_seen_at = now(),
             expires_at = now() + make_interval(secs => ${ttlMs / 1000})
        FROM found
       WHERE sessions.id = found.id AND found.last_seen_at < now() - interval '1 minute'
    )
    SELECT u.id, u.email, u.name, u.role, u.team_id, u.active, u.skills, u.endpoint, u.status,
           u.status_changed_at, u.idle_since, u.created_at, u.updated_at
      FROM found JOIN users u ON u.id = found.user_id
     WHERE u.active
  `.execute(db);

  return result.rows[0];
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteUserSessions(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function recordLoginFailure(db: Db, email: string, ip: string): Promise<void> {
  await db.insertInto('login_failures').values({ email: email.toLowerCase(), ip }).execute();
}

/** Failures in the window, by email and by address, for the login rate limit. */
export async function countLoginFailures(
  db: Db,
  email: string,
  ip: string,
  windowMs: number,
): Promise<{ byEmail: number; byIp: number }> {
  const since = new Date(Date.now() - windowMs);
  const row = await db
    .selectFrom('login_failures')
    .select([
      sql<number>`count(*) FILTER (WHERE lower(email) = ${email.toLowerCase()})::int`.as('byEmail'),
      sql<number>`count(*) FILTER (WHERE ip = ${ip})::int`.as('byIp'),
    ])
    .where('at', '>', since)
    .where((eb) => eb.or([eb(sql`lower(email)`, '=', email.toLowerCase()), eb('ip', '=', ip)]))
    .executeTakeFirstOrThrow();

  return row;
}

export async function clearLoginFailures(db: Db, email: string): Promise<void> {
  await db
    .deleteFrom('login_failures')
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .execute();
}
