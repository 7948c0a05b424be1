import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../db/embedded/embedded-postgres';
import type { RunningPostgres } from '../../db/embedded/embedded-postgres';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** True when something listens on the port of the local host. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket.end() && true));
    socket.once('error', () => resolve(false));
  });
}

describe('the embedded PostgreSQL', () => {
  let folder: string;
  let dataDir: string;
  let running: RunningPostgres | undefined;
  let usedDir: string | undefined;

  beforeAll(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-embedded-test-'));
    // Run as root, PostgreSQL runs as the postgres user, who must be able to reach the folder.
    await fs.chmod(folder, 0o755);
    dataDir = path.join(folder, 'postgres');
  });

  afterAll(async () => {
    await running?.stop();
    await fs.rm(folder, { recursive: true, force: true });
    if (usedDir && usedDir !== dataDir) {
      await fs.rm(usedDir, { recursive: true, force: true });
      await fs.rm(`${usedDir}.password`, { force: true });
    }
  });

  async function query<T extends object>(server: RunningPostgres, text: string): Promise<T[]> {
    const client = postgres(server.url, { max: 1, onnotice: () => undefined });
    try {
      return await client.unsafe<T[]>(text);
    } finally {
      await client.end();
    }
  }

  it('initialises a fresh folder, starts, and answers SELECT 1', async () => {
    running = await startEmbeddedPostgres({ dataDir, logger });
    usedDir = running.dataDir;

    expect(running.dataDir).toBe(dataDir);
    expect(await exists(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(await query(running, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('folds the case of every script, so searches by Russian names ignore case', async () => {
    if (!running) throw new Error('not started');

    const sentence = "SELECT lower('ООО Ромашка, Ёлкин И.') AS folded";
    const [row] = await query<{ folded: string }>(running, sentence);

    expect(row?.folded).toBe('ооо ромашка, ёлкин и.');
  });

  it('stops cleanly: the port is freed and no stale postmaster.pid is left', async () => {
    if (!running) throw new Error('not started');
    await query(running, 'CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$survives$$)');
    const { port } = running;

    await running.stop();
    running = undefined;

    expect(await exists(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    expect(await listening(port)).toBe(false);
  });

  it('starts again on the same folder, with the data written before', async () => {
    running = await startEmbeddedPostgres({ dataDir, logger });

    expect(await query(running, 'SELECT note FROM kept')).toEqual([{ note: 'survives' }]);
  });
});
