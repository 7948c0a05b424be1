import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Db } from '../db/database';
import {
  markRecordingAttemptFailed,
  markRecordingStored,
  upsertPendingRecording,
} from '../db/queries/recordings';
import type { Recording } from '../db/schema';

export interface RecordingSource {
  provider: string;
  providerRecordingId: string;
  format: string;
  durationSeconds: number | null;
  /** Opens the provider's audio; called again on every attempt. */
  open: () => Promise<Readable>;
}

export interface RecordingStoreOptions {
  db: Db;
  /** The folder recordings are written under (DATA_DIR/recordings). */
  root: string;
  logger: Logger;
  /** Attempts before the recording is marked failed; waits double from `retryDelayMs`. */
  maxAttempts?: number;
  retryDelayMs?: number;
}

/**
 * Copies recordings from the provider into the CRM's own folder: streamed to a temporary file
 * while hashed, then renamed into place, so a half-written file never looks stored. Failed
 * downloads are retried with backoff; the last failure is kept on the row, never dropped.
 */
export class RecordingStore {
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: RecordingStoreOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
  }

  async store(callId: string, source: RecordingSource): Promise<Recording> {
    const row = await upsertPendingRecording(this.options.db, {
      callId,
      provider: source.provider,
      providerRecordingId: source.providerRecordingId,
      format: source.format,
      durationSeconds: source.durationSeconds,
    });
    if (row.status === 'stored') return row;

    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.copy(row, source);
      } catch (error) {
        const final = attempt >= this.maxAttempts;
        const message = error instanceof Error ? error.message : String(error);
        await markRecordingAttemptFailed(this.options.db, row.id, message, final);
        this.options.logger.warn(
          { err: error, callId, recordingId: row.id, attempt, final },
          'copying a recording failed',
        );
        if (final) throw error;
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  private async copy(row: Recording, source: RecordingSource): Promise<Recording> {
    const day = row.created_at.toISOString().slice(0, 10);
    const relative = path.join(day, `${row.call_id}-${row.id}.${source.format}`);
    const target = path.join(this.options.root, relative);
    const partial = `${target}.partial`;
    await fsp.mkdir(path.dirname(target), { recursive: true });

    const hash = crypto.createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(await source.open(), meter, fs.createWriteStream(partial));
    if (bytes === 0) throw new Error('the provider returned an empty recording');
    await fsp.rename(partial, target);

    return markRecordingStored(this.options.db, row.id, {
      path: relative,
      bytes,
      sha256: hash.digest('hex'),
    });
  }
}
