import { sql } from 'kysely';
import type { Db } from '../database';
import type { PublicUser } from './users';

/**
 * Claims the available operator of the team who has been idle longest, moving them to
 * `ringing` in the same statement. SKIP LOCKED lets concurrent calls on any node pick different
 * operators instead of waiting on one row. Away, offline, deactivated, wrap-up and endpoint-less
 * operators are never chosen.
 */
export async function claimIdlestOperator(
  db: Db,
  teamId: string | null,
): Promise<PublicUser | undefined> {
  const result = await sql<PublicUser>`
    UPDATE users SET status = 'ringing', status_changed_at = now()
     WHERE id = (
       SELECT id FROM users
        WHERE active AND role = 'operator' AND status = 'available' AND endpoint IS NOT NULL
          AND (${teamId}::uuid IS NULL OR team_id = ${teamId}::uuid)
        ORDER BY idle_since
        LIMIT 1
        FOR UPDATE SKIP LOCKED
     )
    RETURNING id, email, name, role, team_id, active, skills, endpoint, status,
              status_changed_at, idle_since, created_at, updated_at
  `.execute(db);
  return result.rows[0];
}

/** The team that takes calls nobody else claims: the oldest one. */
export async function defaultTeamId(db: Db): Promise<string | null> {
  const team = await db
    .selectFrom('teams')
    .select('id')
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return team?.id ?? null;
}
