import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { Transaction } from '@electric-sql/pglite';
import { TransactionRolledBack } from '../errors';
import type { PgliteWorkerData, WorkerReply, WorkerRequest } from './pglite-protocol';
import { seedFromTemplate } from './pglite-template';

/**
 * The embedded PostgreSQL (PGlite, WASM) on its own thread (started by pglite-client.ts). PGlite
 * runs each statement as one synchronous block of WASM: on the main thread, a batch of a few
 * hundred issued cards would hold up every hook for 4–5 ms every 250 ms, and each card would cost
 * the hook path ~20–30 µs of CPU. Messages are handled as they arrive; PGlite itself makes a
 * statement outside a transaction wait until an open transaction ends.
 */
const port = parentPort;
if (port === null) throw new Error('pglite-worker.ts runs as a worker thread only');
const { dataDir, syncCommits, template } = workerData as PgliteWorkerData;

/**
 * PostgreSQL's memory settings sized for this store (a few small tables written in batches, read
 * by the reports), not PostgreSQL's defaults for a shared server: every page of PGlite's shared
 * buffers lives in the WASM heap and is touched at start, so initdb's `shared_buffers=128MB` alone
 * made ~150 MB of the service's resident set. Measured on an existing store (PGlite 0.5.16, RSS of
 * PGlite alone): 328 MB with the defaults, 190 MB with 16 MB, 176 MB with 8 MB (the whole service
 * after its first hook: 366, 223–228, 194–196). The hooks never read the store; the reports read
 * what does not fit from the operating system's page cache. One backend only (PGlite is
 * single-user): no connection slots or parallel workers to reserve memory for.
 */
const MEMORY_PARAMS = [
  '-c',
  'shared_buffers=8MB',
  '-c',
  'wal_buffers=512kB',
  '-c',
  'max_connections=4',
  '-c',
  'work_mem=2MB',
  '-c',
  'maintenance_work_mem=16MB',
  '-c',
  'temp_buffers=2MB',
];

/**
 * PGlite starts PostgreSQL with `-F` (fsync off): a commit is written to the operating system,
 * which keeps it through a killed process but not through a crash of the host. Turning fsync on
 * alone changes nothing on disk — PGlite's Node file system (Emscripten NODEFS) has no fsync and
 * fdatasync is a no-op there (measured with strace: no fsync call either way). What does reach the
 * disk is a file opened O_DSYNC, which NODEFS passes on to Node as O_SYNC: so the WAL is written
 * with `wal_sync_method=open_datasync`, and each COMMIT returns once its WAL record is on disk.
 * Data files are still never fsynced (docs/deploy.md "Durability" states what that leaves).
 */
function startParams(): string[] {
  const durability = syncCommits
    ? ['-c', 'fsync=on', '-c', 'wal_sync_method=open_datasync']
    : [];
  return [
    ...PGlite.defaultStartParams.filter((param) => !(syncCommits && param === '-F')),
    ...MEMORY_PARAMS,
    ...durability,
  ];
}

interface OpenTransaction {
  readonly tx: Transaction;
  readonly finish: (commit: boolean) => void;
  readonly done: Promise<unknown>;
}

if (dataDir !== undefined && template !== undefined) seedFromTemplate(dataDir, template);
/**
 * PostgreSQL's 9 MB of WASM compiled by V8's baseline compiler (Liftoff) only, never optimised
 * (TurboFan). Optimising it cost ~40 MB of resident memory and ~0.3 s of start-up on the bench
 * machine (PGlite alone: 164–187 MB against 126–132 MB), for a store that writes a batch every
 * 250 ms: batched inserts ran as fast or faster (no compiling while they run), a grouping query
 * over 25 000 rows 2–3× slower (0.25 → 0.55–0.73 s for 20), which only the reports run. V8's flags
 * are the process's: WASM compiled later in the service (undici's HTTP parser for FHIR queries) is
 * Liftoff-only too, at no measurable cost (pv-long-fallback: 5.18 ms of CPU per hook, 5.15 before).
 */
setFlagsFromString('--liftoff-only');
const db = new PGlite(dataDir, { startParams: startParams() });
const open = new Map<number, OpenTransaction>();

function reply(message: WorkerReply): void {
  port?.postMessage(message);
}

/**
 * PGlite's file system rejects with Emscripten `ErrnoError` objects that are not `Error`s
 * (`{ name: 'ErrnoError', errno: 44 }`, 44 being ENOENT): say what they hold instead of
 * "[object Object]".
 */
function describeNonError(error: unknown): { name: string; message: string } {
  if (typeof error !== 'object' || error === null) return { name: 'Error', message: String(error) };
  const { name, errno, message } = error as Record<string, unknown>;
  const label = typeof name === 'string' ? name : 'Error';
  if (typeof message === 'string' && message !== '') return { name: label, message };
  if (typeof errno === 'number')
    return { name: label, message: `PGlite file system error (Emscripten errno ${errno})` };
  return { name: label, message: `PGlite failed with ${label}` };
}

function failure(id: number, error: unknown): WorkerReply {
  const { name, message, code } =
    error instanceof Error
      ? (error as Error & { code?: unknown })
      : { ...describeNonError(error), code: undefined };
  return { id, ok: false, error: { name, message, ...(typeof code === 'string' ? { code } : {}) } };
}

function executor(tx: number | undefined): PGlite | Transaction {
  if (tx === undefined) return db;
  const transaction = open.get(tx);
  if (transaction === undefined) throw new Error(`no open transaction ${tx}`);
  return transaction.tx;
}

async function begin(id: number): Promise<void> {
  let started: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    started = resolve;
  });
  const done = db.transaction(
    (tx) =>
      new Promise<void>((resolve, reject) => {
        open.set(id, {
          tx,
          finish: (commit) => (commit ? resolve() : reject(new TransactionRolledBack())),
          done,
        });
        started();
      }),
  );
  // BEGIN itself may fail: then `ready` never comes and `done` rejects.
  await Promise.race([ready, done]);
}

async function end(tx: number, commit: boolean): Promise<void> {
  const transaction = open.get(tx);
  if (transaction === undefined) throw new Error(`no open transaction ${tx}`);
  open.delete(tx);
  transaction.finish(commit);
  try {
    await transaction.done;
  } catch (error) {
    if (!(error instanceof TransactionRolledBack)) throw error;
  }
}

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  switch (request.kind) {
    case 'query': {
      const result = await executor(request.tx).query(request.sql, request.params);
      return { id: request.id, ok: true, rows: result.rows };
    }
    case 'exec':
      await executor(request.tx).exec(request.sql);
      return { id: request.id, ok: true };
    case 'begin':
      await begin(request.id);
      return { id: request.id, ok: true };
    case 'end':
      await end(request.tx, request.commit);
      return { id: request.id, ok: true };
    case 'close':
      if (!db.closed) await db.close();
      return { id: request.id, ok: true };
  }
}

port.on('message', (request: WorkerRequest) => {
  handle(request).then(reply, (error: unknown) => reply(failure(request.id, error)));
});

db.waitReady.then(
  () => reply({ id: 0, ok: true }),
  (error: unknown) => reply(failure(0, error)),
);
