import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics';
import type { IssuedCard, Store } from './store';

/** The cards of one hook response (same shape as the hook handler's IssuedCardsEvent). */
export interface CardsIssued {
  readonly serviceId: string;
  readonly hookInstance: string;
  readonly issuedAt: Date;
  readonly cards: readonly { readonly uuid: string; readonly ruleCode: string }[];
}

export interface IssuedCardRecorder {
  /** Queues the cards; returns at once and never throws (the hook response must not wait). */
  record(event: CardsIssued): void;
  /** Writes what is queued; never rejects (failures are logged and counted). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is queued. */
  close(): Promise<void>;
}

export interface IssuedCardRecorderOptions {
  readonly store: Pick<Store, 'recordIssuedCards'>;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Longest a card waits before being written. */
  readonly flushIntervalMs?: number;
  /** Queue length that triggers a write at once. */
  readonly maxBatch?: number;
  /** Queue bound while the store is failing; beyond it the oldest records are dropped (logged). */
  readonly maxPending?: number;
}

const MAX_RETRY_DELAY_MS = 30_000;

function describeError(error: unknown): { errorName: string; errorMessage?: string } {
  return error instanceof Error
    ? { errorName: error.name, errorMessage: error.message }
    : { errorName: typeof error };
}

/**
 * Records issued cards off the hook path, in batches: hundreds of hook calls per second cost one
 * multi-row INSERT every `flushIntervalMs`, and a slow or failing database never delays or fails a
 * hook response. A failed batch is logged, counted and retried with the next one; while the
 * database stays down the queue is bounded and the oldest records are dropped (feedback on those
 * cards then reports as unattributed).
 */
export function createIssuedCardRecorder(options: IssuedCardRecorderOptions): IssuedCardRecorder {
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  const maxBatch = options.maxBatch ?? 500;
  const maxPending = options.maxPending ?? 50_000;
  let pending: IssuedCard[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;
  let consecutiveFailures = 0;

  async function writeBatch(): Promise<void> {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      await options.store.recordIssuedCards(batch);
      consecutiveFailures = 0;
    } catch (error) {
      consecutiveFailures += 1;
      options.metrics?.storeWriteFailed('issued-cards');
      options.logger.error('issued cards not recorded; will retry', {
        count: batch.length,
        ...describeError(error),
      });
      pending = batch.concat(pending);
      trimToBound();
      schedule();
    }
  }

  function flush(): Promise<void> {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    // Writes run one after another, so batches reach the database in order.
    writing = writing.then(writeBatch, writeBatch);
    return writing;
  }

  function schedule(): void {
    if (closed || timer !== undefined || pending.length === 0) return;
    // While the database is down, retry less and less often (up to every 30 s), not 4 times a second.
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
    options.metrics?.issuedCardsDropped(excess);
    options.logger.error('issued-card queue full: oldest records dropped', { dropped: excess, maxPending });
  }

  return {
    record(event: CardsIssued): void {
      try {
        for (const card of event.cards) {
          pending.push({
            uuid: card.uuid,
            ruleCode: card.ruleCode,
            serviceId: event.serviceId,
            hookInstance: event.hookInstance,
            issuedAt: event.issuedAt,
          });
        }
        trimToBound();
        if (pending.length >= maxBatch) void flush();
        else schedule();
      } catch (error) {
        options.logger.error('issued cards not queued', describeError(error));
      }
    },
    flush,
    async close(): Promise<void> {
      await flush();
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (pending.length > 0) {
        options.logger.error('issued cards not recorded at shutdown', { count: pending.length });
      }
    },
  };
}
