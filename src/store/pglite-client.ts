import { PGlite } from '@electric-sql/pglite';
import type { Transaction } from '@electric-sql/pglite';
import { releaseDataDirLock, takeDataDirLock } from './data-dir-lock';
import type { SqlClient, SqlExecutor } from './sql-client';

/** `memory` keeps the database in RAM (tests); any other value is a directory on disk. */
export const PGLITE_IN_MEMORY = 'memory';

function wrapExecutor(db: PGlite | Transaction): SqlExecutor {
  return {
    async query<R extends object>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await db.query<R>(sql, [...params]);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
  };
}

/**
 * Opens embedded PostgreSQL (PGlite, WASM). PGlite serves ONE connection per data directory, so
 * a lock file next to the directory makes a second process (e.g. `npm run feedback-report`
 * while the service runs) fail with a clear error instead of corrupting the data.
 */
export async function openPgliteClient(dataDir: string): Promise<SqlClient> {
  const inMemory = dataDir === PGLITE_IN_MEMORY;
  const lockPath = inMemory ? undefined : takeDataDirLock(dataDir);
  const db = inMemory ? new PGlite() : new PGlite(dataDir);
  try {
    await db.waitReady;
  } catch (error) {
    if (lockPath !== undefined) releaseDataDirLock(lockPath);
    throw error;
  }
  return {
    description: { kind: 'pglite', location: inMemory ? 'memory' : dataDir },
    ...wrapExecutor(db),
    transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) => db.transaction((tx) => work(wrapExecutor(tx))),
    async close(): Promise<void> {
      try {
        if (!db.closed) await db.close();
      } finally {
        if (lockPath !== undefined) releaseDataDirLock(lockPath);
      }
    },
  };
}
