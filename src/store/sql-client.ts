import type { StoreDescription } from './store';

/**
 * The little the store needs from a PostgreSQL connection, so PGlite and node-postgres run the
 * very same SQL. Parameters are positional ($1, $2…).
 */
export interface SqlExecutor {
  query<R extends object>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface SqlClient extends SqlExecutor {
  readonly description: StoreDescription;
  /** Runs `work` in one transaction on one connection: COMMIT when it resolves, else ROLLBACK. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
