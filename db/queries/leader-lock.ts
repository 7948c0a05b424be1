import type postgres from 'postgres';

/**
 * A session-level advisory lock on a connection of its own: held while that connection lives,
 * released by PostgreSQL the moment the holder's connection or process dies.
 */
export class LeaderLock {
  private connection: postgres.ReservedSql | undefined;

  constructor(
    private readonly sql: postgres.Sql,
    private readonly name: string,
  ) {}

  /** Tries once; true when this process now holds the lock. */
  async tryAcquire(): Promise<boolean> {
    this.connection ??= await this.sql.reserve();
    const [row] = await this.connection<{ held: boolean }[]>`
      SELECT pg_try_advisory_lock(hashtext(${this.name})) AS held
    `;
    return row?.held === true;
  }

  /** Throws when the connection holding the lock is gone (and with it the lock). */
  async check(): Promise<void> {
    if (!this.connection) throw new Error('the leader lock is not held');
    await this.connection`SELECT 1`;
  }

  async release(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;

    await connection`SELECT pg_advisory_unlock_all()`.catch(() => undefined);
    connection.release();
  }
}
