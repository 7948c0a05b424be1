import { sql } from 'kysely';
import type { Db } from '../database';
import type { Recording } from '../schema';

/** Registers a recording the provider reported; a repeated report returns the same row. */
export async function upsertPendingRecording(
  db: Db,
  recording: {
    callId: string;
    provider: string;
    providerRecordingId: string;
    format: string;
    durationSeconds: number | null;
  },
): Promise<Recording> {
  await db
    .insertInto('recordings')
    .values({
      call_id: recording.callId,
      provider: recording.provider,
      provider_recording_id: recording.providerRecordingId,
      format: recording.format,
      duration_seconds:
        recording.durationSeconds === null ? null : String(recording.durationSeconds),
    })
    .onConflict((oc) => oc.columns(['provider', 'provider_recording_id']).doNothing())
    .execute();

  return db
    .selectFrom('recordings')
    .selectAll()
    .where('provider', '=', recording.provider)
    .where('provider_recording_id', '=', recording.providerRecordingId)
    .executeTakeFirstOrThrow();
}

export async function markRecordingStored(
  db: Db,
  id: string,
  stored: { path: string; bytes: number; sha256: string },
): Promise<Recording> {
  return db
    .updateTable('recordings')
    .set({
      status: 'stored',
      path: stored.path,
      bytes: String(stored.bytes),
      sha256: stored.sha256,
      stored_at: sql`now()`,
      attempts: sql`attempts + 1`,
      last_error: null,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function markRecordingAttemptFailed(
  db: Db,
  id: string,
  error: string,
  final: boolean,
): Promise<void> {
  await db
    .updateTable('recordings')
    .set({
      attempts: sql`attempts + 1`,
      last_error: error,
      ...(final ? { status: 'failed' as const } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function recordingsOfCall(db: Db, callId: string): Promise<Recording[]> {
  return db
    .selectFrom('recordings')
    .selectAll()
    .where('call_id', '=', callId)
    .orderBy('created_at')
    .execute();
}
