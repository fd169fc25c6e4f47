/**
 * Items written to the store in batches, in order, one write at a time: hundreds of hooks a
 * second cost one multi-row INSERT per batch. What the issued-card recorder and the embedded
 * store's JWT replay cache share. A batch is written every `flushIntervalMs`, or at once when
 * `maxBatch` items wait. A failed batch goes back to the head of the queue and is retried with
 * the next, less and less often while the store stays down (up to every 30 s, not 4 times a
 * second); meanwhile the queue is bounded and the oldest items are dropped.
 */
export interface BatchQueueOptions<T> {
  readonly write: (batch: T[]) => Promise<void>;
  /** The items still worth writing when a batch starts (default: all). */
  readonly stillWanted?: (items: T[]) => T[];
  readonly flushIntervalMs: number;
  readonly maxBatch: number;
  readonly maxPending: number;
  /** A batch was not written (it stays queued); log and count it. */
  readonly onWriteFailed: (error: unknown, count: number) => void;
  /** The queue was full: `dropped` oldest items are gone. */
  readonly onDropped: (dropped: number) => void;
  /** A batch was written. */
  readonly onWritten?: () => void;
}

export interface BatchQueue<T> {
  /** Queues items; a write starts at once when `maxBatch` wait, else within `flushIntervalMs`. */
  add(items: readonly T[]): void;
  /** Resolves when the batch that takes what is queued now has been written or has failed. */
  nextWrite(): Promise<void>;
  /** Writes what is queued; never rejects. */
  flush(): Promise<void>;
  /** Stops the timer after writing what is queued; resolves to the number of items left unwritten. */
  close(): Promise<number>;
  /** The last write failed (and nothing has been written since). */
  readonly failing: boolean;
}

const MAX_RETRY_DELAY_MS = 30_000;

export function createBatchQueue<T>(options: BatchQueueOptions<T>): BatchQueue<T> {
  const { flushIntervalMs, maxBatch, maxPending } = options;
  let pending: T[] = [];
  /** Callers waiting for the batch that takes `pending`. */
  let waiting: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let writeQueued = false;
  let closed = false;
  let consecutiveFailures = 0;

  async function writeBatch(): Promise<void> {
    writeQueued = false;
    const batch = options.stillWanted ? options.stillWanted(pending) : pending;
    const answers = waiting;
    pending = [];
    waiting = [];
    try {
      if (batch.length === 0) return;
      await options.write(batch);
      consecutiveFailures = 0;
      options.onWritten?.();
    } catch (error) {
      consecutiveFailures += 1;
      options.onWriteFailed(error, batch.length);
      pending = batch.concat(pending);
      trimToBound();
      schedule();
    } finally {
      for (const answer of answers) answer();
    }
  }

  function flush(): Promise<void> {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    // At most one write waits behind the running one: it takes everything queued when it starts.
    if (!writeQueued) {
      writeQueued = true;
      writing = writing.then(writeBatch, writeBatch);
    }
    return writing;
  }

  function schedule(): void {
    if (closed || timer !== undefined || pending.length === 0) return;
    const delay = Math.min(
      flushIntervalMs * 2 ** Math.min(consecutiveFailures, 10),
      Math.max(flushIntervalMs, MAX_RETRY_DELAY_MS),
    );
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, delay);
    timer.unref();
  }

  function trimToBound(): void {
    const excess = pending.length - maxPending;
    if (excess <= 0) return;
    pending = pending.slice(excess);
    options.onDropped(excess);
  }

  return {
    add(items) {
      pending.push(...items);
      trimToBound();
      if (pending.length >= maxBatch) void flush();
      else schedule();
    },
    nextWrite() {
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        void flush();
      });
    },
    flush,
    async close() {
      await flush();
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      return pending.length;
    },
    get failing() {
      return consecutiveFailures > 0;
    },
  };
}
