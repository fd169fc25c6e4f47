import { createSqlStore } from './sql-store';
import type { Store } from './store';

export interface OpenStoreOptions {
  /** PostgreSQL connection string (config DATABASE_URL); absent → embedded PGlite. */
  readonly databaseUrl?: string;
  /** PGlite data directory, or `memory` (tests). */
  readonly pgliteDataDir: string;
  readonly now: () => Date;
  /**
   * PGlite: each COMMIT reaches the disk before it returns (CDS_ISSUED_CARDS=durable), so that it
   * survives a crash of the host. PostgreSQL: as the server is configured (synchronous_commit).
   */
  readonly syncCommits?: boolean;
  /** Errors on idle PostgreSQL connections: logged, never thrown. */
  readonly onBackgroundError: (error: Error) => void;
}

/**
 * Opens PostgreSQL when a DATABASE_URL is configured, else embedded PGlite; then migrates. Each
 * client's code is loaded only when it is the one used: a service on PostgreSQL never loads the
 * PGlite side, nor one on PGlite node-postgres.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const client =
    options.databaseUrl !== undefined && options.databaseUrl !== ''
      ? await (await import('./postgres-client')).openPostgresClient(options.databaseUrl, { onIdleError: options.onBackgroundError })
      : await (await import('./pglite-client')).openPgliteClient(options.pgliteDataDir, { syncCommits: options.syncCommits === true });
  const store = createSqlStore(client, { now: options.now });
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
