/**
 * The two store back-ends every store suite runs against: embedded PGlite (in memory) and a
 * real PostgreSQL (TEST_DATABASE_URL, provided by test/postgres-global-setup.ts). Each opened
 * PostgreSQL store lives in a schema of its own, so suites in parallel workers never share rows.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { openPgliteClient, PGLITE_IN_MEMORY } from '../../src/store/pglite-client';
import { openPostgresClient } from '../../src/store/postgres-client';
import { createSqlStore } from '../../src/store/sql-store';
import type { SqlClient } from '../../src/store/sql-client';
import type { Store } from '../../src/store/store';

export type BackendKind = 'pglite' | 'postgresql';

export interface TestStore {
  readonly store: Store;
  /** The DATABASE_URL this store uses (PostgreSQL only), e.g. for a second replica. */
  readonly databaseUrl?: string;
  /** Empties every table (cheaper than a new PGlite, which takes seconds to initialise). */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}

const unavailable = process.env.TEST_POSTGRES_UNAVAILABLE;
const databaseUrl = process.env.TEST_DATABASE_URL;
const inCi = process.env.CI === 'true';

/**
 * `describe` for a back-end. PostgreSQL that could not be started FAILS the suite under CI=true
 * (every test reports why) and is skipped with a loud warning otherwise.
 */
export function describeBackend(kind: BackendKind, name: string, body: () => void): void {
  if (kind === 'pglite' || databaseUrl) {
    describe(`${name} (${kind})`, body);
    return;
  }
  const reason = unavailable ?? 'TEST_DATABASE_URL is not set';
  if (inCi) {
    describe(`${name} (${kind})`, () => {
      beforeAll(() => {
        throw new Error(`PostgreSQL is required under CI=true but unavailable: ${reason}`);
      });
      body();
    });
    return;
  }
  console.warn(`\n*** SKIPPING PostgreSQL suite "${name}": ${reason} ***\n`);
  describe.skip(`${name} (${kind})`, body);
}

export const BACKENDS: readonly BackendKind[] = ['pglite', 'postgresql'];

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

async function openMigrated(client: SqlClient, now: () => Date): Promise<Store> {
  const store = createSqlStore(client, { now });
  await store.migrate();
  return store;
}

const onIdleError = (error: Error): void => {
  throw error;
};

/** Opens a fresh, migrated store on `kind` with the given clock. */
export async function openTestStore(kind: BackendKind, now: () => Date): Promise<TestStore> {
  if (kind === 'pglite') {
    const client = await openPgliteClient(PGLITE_IN_MEMORY);
    const store = await openMigrated(client, now);
    return {
      store,
      reset: () => client.exec('TRUNCATE issued_cards, feedback, jwt_replay'),
      dispose: () => store.close(),
    };
  }
  if (!databaseUrl) throw new Error(unavailable ?? 'TEST_DATABASE_URL is not set');
  const schema = `test_${randomUUID().replace(/-/g, '')}`;
  const admin = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = withSearchPath(databaseUrl, schema);
    const client = await openPostgresClient(url, { onIdleError, maxConnections: 4 });
    const store = await openMigrated(client, now);
    return {
      store,
      databaseUrl: url,
      reset: () => client.exec('TRUNCATE issued_cards, feedback, jwt_replay'),
      async dispose(): Promise<void> {
        try {
          await store.close();
        } finally {
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
          await admin.end();
        }
      },
    };
  } catch (error) {
    await admin.end();
    throw error;
  }
}
