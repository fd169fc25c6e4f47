import type { Migration } from './migrations';
import type { SqlClient } from './sql-client';

/**
 * Arbitrary constant key for pg_advisory_xact_lock: replicas starting together against one
 * PostgreSQL serialise here instead of racing to create the same tables.
 */
const MIGRATION_LOCK_KEY = 6_150_006;

/** Applies, in one transaction, every migration whose version is not in schema_migrations. */
export async function applyMigrations(
  client: SqlClient,
  migrations: readonly Migration[],
  appliedAt: Date,
): Promise<readonly number[]> {
  return client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL
      )`);
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const pending = [...migrations]
      .filter((migration) => !applied.has(migration.version))
      .sort((a, b) => a.version - b.version);
    for (const migration of pending) {
      await tx.exec(migration.sql);
      await tx.query(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3::timestamptz)',
        [migration.version, migration.name, appliedAt.toISOString()],
      );
    }
    return pending.map((migration) => migration.version);
  });
}
