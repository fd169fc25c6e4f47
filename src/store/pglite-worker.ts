import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { Transaction } from '@electric-sql/pglite';
import { TransactionRolledBack } from '../errors';
import type { WorkerReply, WorkerRequest } from './pglite-protocol';

/**
 * The embedded PostgreSQL (PGlite, WASM) on its own thread (started by pglite-client.ts). PGlite
 * runs each statement as one synchronous block of WASM: on the main thread, a batch of a few
 * hundred issued cards would hold up every hook for 4–5 ms every 250 ms, and each card would cost
 * the hook path ~20–30 µs of CPU. Messages are handled as they arrive; PGlite itself makes a
 * statement outside a transaction wait until an open transaction ends.
 */
const port = parentPort;
if (port === null) throw new Error('pglite-worker.ts runs as a worker thread only');
const { dataDir } = workerData as { dataDir: string | undefined };

interface OpenTransaction {
  readonly tx: Transaction;
  readonly finish: (commit: boolean) => void;
  readonly done: Promise<unknown>;
}

const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
const open = new Map<number, OpenTransaction>();

function reply(message: WorkerReply): void {
  port?.postMessage(message);
}

function failure(id: number, error: unknown): WorkerReply {
  const { name, message, code } =
    error instanceof Error
      ? (error as Error & { code?: unknown })
      : { name: 'Error', message: String(error), code: undefined };
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
