import { sql } from 'kysely';
import type { Expression, SqlBool } from 'kysely';
import type { Db } from '../database';
import type { Call } from '../schema';
import { publicColumns } from './users';
import type { PublicUser } from './users';

export interface Assignment {
  call: Call;
  /** The operator now ringing, or undefined when the call was queued. */
  operator: PublicUser | undefined;
}

/**
 * Routes an offered call in one statement: claims the team's longest-idle available operator
 *  and moves the call to `ringing` with them, or to `queued` when
 * nobody is free, recording the customer, lead and reason. An operator is only claimed while
 * the call is still offered, so a caller who left never takes an operator with them.
 */
export async function assignCall(
  db: Db,
  assignment: {
    callId: string;
    teamId: string | null;
    customerId: string | null;
    leadId: string | null;
    reason: string;
  },
): Promise<Assignment | undefined> {
  const { callId, teamId } = assignment;
  const result = await sql<Call & { operator: Record<string, unknown> | null }>`
    WITH chosen AS (
      ${claimOperator(
        sql`${teamId}::uuid`,
        sql`EXISTS (SELECT 1 FROM calls WHERE id = ${callId} AND state = 'offered')`,
      )}
    )
    UPDATE calls
       SET customer_id = ${assignment.customerId}, lead_id = ${assignment.leadId},
           team_id = ${teamId},
           state = CASE WHEN EXISTS (SELECT 1 FROM chosen) THEN 'ringing' ELSE 'queued' END,
           operator_id = (SELECT id FROM chosen),
           routing_reason = CASE WHEN EXISTS (SELECT 1 FROM chosen) THEN ${assignment.reason} END,
           ringing_at = CASE WHEN EXISTS (SELECT 1 FROM chosen) THEN now() END,
           updated_at = now()
     WHERE id = ${callId} AND state = 'offered'
    RETURNING calls.*, (SELECT to_jsonb(chosen) - 'password_hash' FROM chosen) AS operator
  `.execute(db);

  const row = result.rows[0];
  if (!row) return undefined;
  const { operator, ...call } = row;
  return { call, operator: operator ? userFromJson(operator) : undefined };
}

/** Why `claimOperator` chose whom it chose, stored with the call. */
export const ROUTING_REASON = 'longest idle available operator of the team';

/**
 * The routing rule as one UPDATE for a CTE: claims the team's longest-idle available operator
 * (never away, offline, deactivated, in wrap-up or without an endpoint), moving them to
 * `ringing`, only when `guard` holds. SKIP LOCKED lets concurrent calls on any node pick
 * different operators instead of waiting on one row. RETURNING users.* (with the hash).
 */
export function claimOperator(teamId: Expression<string | null>, guard: Expression<SqlBool>) {
  return sql`
    UPDATE users SET status = 'ringing', status_changed_at = now()
     WHERE ${guard}
       AND id = (
         SELECT u.id FROM users u
          WHERE u.active AND u.role = 'operator' AND u.status = 'available'
            AND u.endpoint IS NOT NULL
            AND (${teamId} IS NULL OR u.team_id = ${teamId})
          ORDER BY u.idle_since
          LIMIT 1
          FOR UPDATE SKIP LOCKED
       )
    RETURNING users.*`;
}

/** An operator row as `to_jsonb` gives it back, with its timestamps as Dates. */
export function userFromJson(json: Record<string, unknown>): PublicUser {
  const user = json as unknown as PublicUser & Record<string, string>;
  return {
    ...user,
    status_changed_at: new Date(user.status_changed_at),
    idle_since: new Date(user.idle_since),
    created_at: new Date(user.created_at),
    updated_at: new Date(user.updated_at),
  };
}

/** Available operators who can take a call, longest idle first. */
export async function availableOperators(db: Db): Promise<PublicUser[]> {
  return db
    .selectFrom('users')
    .select(publicColumns)
    .where('active', '=', true)
    .where('role', '=', 'operator')
    .where('status', '=', 'available')
    .where('endpoint', 'is not', null)
    .orderBy('idle_since')
    .execute();
}
