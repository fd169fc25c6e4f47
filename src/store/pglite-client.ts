import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PgliteError } from '../errors';
import { takeDataDirLock } from './data-dir-lock';
import type { PgliteWorkerData, WorkerReply, WorkerRequest } from './pglite-protocol';
import { availableTemplate } from './pglite-template';
import type { SqlClient, SqlExecutor } from './sql-client';

/** `memory` keeps the database in RAM (tests); any other value is a directory on disk. */
export const PGLITE_IN_MEMORY = 'memory';

type Pending = { resolve: (rows: unknown[]) => void; reject: (error: Error) => void };
/** A request before it is given its id (Omit applied to each member of the union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<WorkerRequest>;

/**
 * The worker's JavaScript allocates little beyond the messages it answers; V8's default young
 * generation (grown to 48 MB under load) is sized for busier threads. Measured, 30 000 hooks on
 * the bench machine: the service's resident set after them 242 → 210 MB, its peak 295 → 246 MB.
 */
const YOUNG_GENERATION_MB = 8;

/**
 * The worker runs compiled (dist/) or, under tsx and jest (this file is then .ts), from source
 * through tsx's CommonJS hook (a dev dependency, as tsx and ts-jest are).
 */
function startWorker(workerData: PgliteWorkerData): Worker {
  const options = { workerData, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } };
  if (!__filename.endsWith('.ts')) return new Worker(path.join(__dirname, 'pglite-worker.js'), options);
  const source = JSON.stringify(path.join(__dirname, 'pglite-worker.ts'));
  return new Worker(`require('tsx/cjs'); require(${source});`, { ...options, eval: true });
}

export interface PgliteClientOptions {
  /**
   * Each COMMIT reaches the disk before it returns (pglite-worker.ts), so that what was committed
   * survives a crash of the host, not only of the process. Off: PGlite's default (fsync off).
   */
  readonly syncCommits?: boolean;
  /**
   * The empty cluster a new data directory starts as (pglite-template.ts); default: the one the
   * build made, if any. Absent: initdb.
   */
  readonly template?: string;
}

/**
 * Opens embedded PostgreSQL (PGlite, WASM) on a worker thread (pglite-worker.ts): its statements
 * run beside the hooks instead of in their event loop. PGlite serves ONE process per data
 * directory, so an operating-system lock (data-dir-lock.ts) makes a second process (another
 * container on the same volume, `npm run feedback-report` while the service runs) fail with a
 * clear error instead of writing beside the first and losing data.
 */
export async function openPgliteClient(
  dataDir: string,
  options: PgliteClientOptions = {},
): Promise<SqlClient> {
  const inMemory = dataDir === PGLITE_IN_MEMORY;
  const lock = inMemory ? undefined : await takeDataDirLock(dataDir);
  let worker: Worker;
  try {
    worker = startWorker({
      dataDir: lock?.dataDir,
      syncCommits: options.syncCommits === true,
      template: inMemory ? undefined : (options.template ?? availableTemplate()),
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let broken: Error | undefined;

  const ready = new Promise<void>((resolve, reject) => {
    pending.set(0, { resolve: () => resolve(), reject });
  });
  worker.on('message', (reply: WorkerReply) => {
    const waiting = pending.get(reply.id);
    if (waiting === undefined) return;
    pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.rows ?? []);
    else waiting.reject(new PgliteError(reply.error));
  });
  // A crashed worker (a WASM abort) fails what is waiting and every later call; never the process.
  const fail = (error: Error): void => {
    broken ??= error;
    for (const waiting of pending.values()) waiting.reject(broken);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the PGlite worker stopped (exit code ${code})`)));

  const call = (request: Request, id = nextId++): Promise<unknown[]> => {
    if (broken !== undefined) return Promise.reject(broken);
    return new Promise<unknown[]>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  };
  const executor = (tx?: number): SqlExecutor => ({
    async query<R extends object>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      return (await call({
        kind: 'query',
        sql,
        params: [...params],
        ...(tx === undefined ? {} : { tx }),
      })) as R[];
    },
    async exec(sql: string): Promise<void> {
      await call({ kind: 'exec', sql, ...(tx === undefined ? {} : { tx }) });
    },
  });

  try {
    await ready;
  } catch (error) {
    await worker.terminate();
    lock?.release();
    throw error;
  }
  return {
    description: { kind: 'pglite', location: lock?.dataDir ?? 'memory' },
    ...executor(),
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const tx = nextId++; // a transaction is named by the id of its `begin` request
      await call({ kind: 'begin' }, tx);
      let result: T;
      try {
        result = await work(executor(tx));
      } catch (error) {
        await call({ kind: 'end', tx, commit: false }).catch(() => undefined); // the first error tells
        throw error;
      }
      await call({ kind: 'end', tx, commit: true });
      return result;
    },
    async close(): Promise<void> {
      try {
        if (broken === undefined) await call({ kind: 'close' });
      } finally {
        await worker.terminate();
        lock?.release();
      }
    },
  };
}
