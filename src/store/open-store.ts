import { openPgliteClient } from './pglite-client';
import { openPostgresClient } from './postgres-client';
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

/** Opens PostgreSQL when a DATABASE_URL is configured, else embedded PGlite; then migrates. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const client =
    options.databaseUrl !== undefined && options.databaseUrl !== ''
      ? await openPostgresClient(options.databaseUrl, { onIdleError: options.onBackgroundError })
      : await openPgliteClient(options.pgliteDataDir, { syncCommits: options.syncCommits === true });
  const store = createSqlStore(client, { now: options.now });
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
