/**
 * Messages between the main thread (pglite-client.ts) and the PGlite worker (pglite-worker.ts).
 * Every request carries an id; its reply carries the same id. Reply id 0 says the database is
 * ready (or could not start).
 */
/** What the worker is started with. */
export interface PgliteWorkerData {
  /** The data directory, links resolved; absent: in memory. */
  readonly dataDir: string | undefined;
  /** Each COMMIT is on disk before it returns (fsync on, WAL written O_DSYNC). */
  readonly syncCommits: boolean;
  /** A new data directory is first seeded from this empty cluster (pglite-template.ts). */
  readonly template: string | undefined;
}

export type WorkerRequest =
  | {
      readonly id: number;
      readonly kind: 'query';
      readonly sql: string;
      readonly params: unknown[];
      readonly tx?: number;
    }
  | { readonly id: number; readonly kind: 'exec'; readonly sql: string; readonly tx?: number }
  /** Opens a transaction whose id is this request's id. */
  | { readonly id: number; readonly kind: 'begin' }
  | { readonly id: number; readonly kind: 'end'; readonly tx: number; readonly commit: boolean }
  | { readonly id: number; readonly kind: 'close' };

export interface WorkerError {
  readonly name: string;
  readonly message: string;
  /** PostgreSQL SQLSTATE, when the database gave one. */
  readonly code?: string;
}

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly rows?: unknown[] }
  | { readonly id: number; readonly ok: false; readonly error: WorkerError };
