import { sql } from 'kysely';
import type { Db } from '../database';
import type { Callback, CallbackReason, Lead, LeadSource, LeadStatus } from '../schema';

export async function insertLead(
  db: Db,
  lead: {
    customerId: string;
    teamId: string | null;
    ownerId?: string | null;
    callId?: string | null;
    source: LeadSource;
    hotness?: number;
    title?: string | null;
  },
): Promise<Lead> {
  return db
    .insertInto('leads')
    .values({
      customer_id: lead.customerId,
      team_id: lead.teamId,
      owner_id: lead.ownerId ?? null,
      call_id: lead.callId ?? null,
      source: lead.source,
      hotness: lead.hotness ?? 50,
      title: lead.title ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setLeadStatus(db: Db, id: string, status: LeadStatus): Promise<void> {
  const closed = status === 'won' || status === 'lost';
  await db
    .updateTable('leads')
    .set({
      status,
      updated_at: sql`now()`,
      closed_at: closed ? sql`now()` : null,
    })
    .where('id', '=', id)
    .execute();
}

export async function updateLead(
  db: Db,
  id: string,
  changes: {
    hotness?: number;
    status?: LeadStatus;
    title?: string | null;
    owner_id?: string | null;
  },
): Promise<Lead | undefined> {
  return db
    .updateTable('leads')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function findLead(db: Db, id: string): Promise<Lead | undefined> {
  return db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A callback task; a second one for the same call and reason is ignored. */
export async function insertCallback(
  db: Db,
  callback: {
    customerId: string;
    callId: string | null;
    teamId: string | null;
    ownerId: string | null;
    reason: CallbackReason;
    dueAt: Date;
    note?: string | null;
  },
): Promise<Callback | undefined> {
  return db
    .insertInto('callbacks')
    .values({
      customer_id: callback.customerId,
      call_id: callback.callId,
      team_id: callback.teamId,
      owner_id: callback.ownerId,
      reason: callback.reason,
      due_at: callback.dueAt,
      note: callback.note ?? null,
    })
    .onConflict((oc) => oc.columns(['call_id', 'reason']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export interface CallbackRow extends Callback {
  customer_name: string;
}

/** Open callbacks of an owner or a team, overdue first (earliest due first). */
export async function listOpenCallbacks(
  db: Db,
  filter: { ownerId?: string; teamId?: string | null; until?: Date; limit: number },
): Promise<CallbackRow[]> {
  let query = db
    .selectFrom('callbacks')
    .innerJoin('customers', 'customers.id', 'callbacks.customer_id')
    .selectAll('callbacks')
    .select('customers.name as customer_name')
    .where('callbacks.done_at', 'is', null);
  if (filter.ownerId) query = query.where('callbacks.owner_id', '=', filter.ownerId);
  if (filter.teamId !== undefined) {
    query = query.where('callbacks.team_id', 'is not distinct from', filter.teamId);
  }
  if (filter.until) query = query.where('callbacks.due_at', '<=', filter.until);

  return query.orderBy('callbacks.due_at').limit(filter.limit).execute();
}

export async function findCallback(db: Db, id: string): Promise<Callback | undefined> {
  return db.selectFrom('callbacks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function completeCallback(
  db: Db,
  id: string,
  userId: string,
): Promise<Callback | undefined> {
  return db
    .updateTable('callbacks')
    .set({ done_at: sql`now()`, done_by: userId })
    .where('id', '=', id)
    .where('done_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Claims the callbacks that fell due and were not announced yet, marking them announced in the
 * same statement: on several nodes each is announced once.
 */
export async function claimDueCallbacks(db: Db, limit: number): Promise<CallbackRow[]> {
  const result = await sql<CallbackRow>`
    UPDATE callbacks SET notified_at = now()
      FROM customers
     WHERE callbacks.id IN (
             SELECT id FROM callbacks
              WHERE done_at IS NULL AND notified_at IS NULL AND due_at <= now()
              ORDER BY due_at
              LIMIT ${limit}
              FOR UPDATE SKIP LOCKED)
       AND customers.id = callbacks.customer_id
    RETURNING callbacks.*, customers.name AS customer_name
  `.execute(db);
  return result.rows;
}
