import { Pool } from 'pg';
import type { PoolClient } from 'pg';
import type { SqlClient, SqlExecutor } from './sql-client';

export interface PostgresClientOptions {
  /** Called for errors on idle pooled connections, which would otherwise crash the process. */
  readonly onIdleError: (error: Error) => void;
  readonly maxConnections?: number;
}

/** `host:port/database` of a connection string, never its user or password. */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'postgresql (unparsable DATABASE_URL)';
  }
}

function wrapExecutor(db: Pool | PoolClient): SqlExecutor {
  return {
    async query<R extends object>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await db.query(sql, [...params]);
      return result.rows as R[];
    },
    async exec(sql: string): Promise<void> {
      // Without parameters node-postgres uses the simple query protocol: several statements run.
      await db.query(sql);
    },
  };
}

/** Opens a node-postgres pool (shared by every replica pointing at the same DATABASE_URL). */
export async function openPostgresClient(
  databaseUrl: string,
  options: PostgresClientOptions,
): Promise<SqlClient> {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    // A hung database fails a query (logged; feedback answers 500, card writes retry) instead of
    // holding requests open forever.
    query_timeout: 10_000,
  });
  pool.on('error', options.onIdleError);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    description: { kind: 'postgresql', location: describeDatabaseUrl(databaseUrl) },
    ...wrapExecutor(pool),
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const connection = await pool.connect();
      let broken: Error | undefined;
      try {
        await connection.query('BEGIN');
        const result = await work(wrapExecutor(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        // The caller gets the original error; a connection that cannot even roll back is
        // destroyed rather than returned to the pool.
        await connection.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      } finally {
        connection.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
