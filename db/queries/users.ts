import { sql } from 'kysely';
import type { Db } from '../database';
import type { NewUser, Presence, User, UserUpdate } from '../schema';

/** A user without the password hash: what every query but login returns. */
export type PublicUser = Omit<User, 'password_hash'>;

/** Every column but the password hash. */
export const publicColumns = [
  'id',
  'email',
  'name',
  'role',
  'team_id',
  'active',
  'skills',
  'endpoint',
  'status',
  'status_changed_at',
  'idle_since',
  'created_at',
  'updated_at',
] as const;

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<PublicUser | undefined> {
  return db.selectFrom('users').select(publicColumns).where('id', '=', id).executeTakeFirst();
}

export async function listUsers(db: Db, filter: { teamId?: string }): Promise<PublicUser[]> {
  let query = db.selectFrom('users').select(publicColumns).orderBy('name');
  if (filter.teamId) query = query.where('team_id', '=', filter.teamId);

  return query.execute();
}

export async function insertUser(db: Db, user: NewUser): Promise<PublicUser> {
  return db.insertInto('users').values(user).returning(publicColumns).executeTakeFirstOrThrow();
}

export async function updateUser(
  db: Db,
  id: string,
  changes: UserUpdate,
): Promise<PublicUser | undefined> {
  return db
    .updateTable('users')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .returning(publicColumns)
    .executeTakeFirst();
}

/**
 * Moves a user's presence. `from` makes it conditional (returns undefined when the user was not
 * in one of those states), which is how a node claims a transition without a race.
 */
export async function setPresence(
  db: Db,
  id: string,
  status: Presence,
  from?: readonly Presence[],
): Promise<PublicUser | undefined> {
  let query = db
    .updateTable('users')
    .set({
      status,
      status_changed_at: sql`now()`,
      // Idle time counts from the moment an operator becomes free again.
      idle_since: sql`CASE WHEN ${status} = 'available' AND status <> 'available'
        THEN now() ELSE idle_since END`,
    })
    .where('id', '=', id);
  if (from) query = query.where('status', 'in', from);

  return query.returning(publicColumns).executeTakeFirst();
}
