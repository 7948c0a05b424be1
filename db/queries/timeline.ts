import type { Db } from '../database';
import type { Callback, Lead, Note } from '../schema';

export interface TimelineCall {
  id: string;
  direction: 'inbound' | 'outbound';
  state: string;
  from_raw: string;
  from_e164: string | null;
  to_raw: string;
  operator_id: string | null;
  operator_name: string | null;
  offered_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  end_cause: string | null;
  missed: boolean;
  outcome: string | null;
  outcome_reason: string | null;
  outcome_note: string | null;
}

export interface Timeline {
  calls: TimelineCall[];
  leads: Lead[];
  callbacks: Callback[];
  notes: Note[];
}

/** Everything that happened with a customer, each kind newest first, fetched in parallel. */
export async function customerTimeline(db: Db, customerId: string, limit = 50): Promise<Timeline> {
  const [calls, leads, callbacks, notes] = await Promise.all([
    recentCalls(db, customerId, limit),
    db
      .selectFrom('leads')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('callbacks')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('due_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('notes')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute(),
  ]);

  return { calls, leads, callbacks, notes };
}

export async function recentCalls(
  db: Db,
  customerId: string,
  limit: number,
): Promise<TimelineCall[]> {
  return db
    .selectFrom('calls')
    .leftJoin('users', 'users.id', 'calls.operator_id')
    .select([
      'calls.id',
      'calls.direction',
      'calls.state',
      'calls.from_raw',
      'calls.from_e164',
      'calls.to_raw',
      'calls.operator_id',
      'users.name as operator_name',
      'calls.offered_at',
      'calls.answered_at',
      'calls.ended_at',
      'calls.end_cause',
      'calls.missed',
      'calls.outcome',
      'calls.outcome_reason',
      'calls.outcome_note',
    ])
    .where('calls.customer_id', '=', customerId)
    .orderBy('calls.offered_at', 'desc')
    .limit(limit)
    .execute();
}

export async function insertNote(
  db: Db,
  note: { customerId: string; authorId: string; body: string; callId?: string | null },
): Promise<Note> {
  return db
    .insertInto('notes')
    .values({
      customer_id: note.customerId,
      author_id: note.authorId,
      body: note.body,
      call_id: note.callId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
