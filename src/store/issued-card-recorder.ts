import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics';
import type { CardAudit, IssuedCard, Store } from './store';

/** The cards of one hook response (same shape as the hook handler's IssuedCardsEvent). */
export interface CardsIssued {
  readonly serviceId: string;
  readonly hookInstance: string;
  readonly issuedAt: Date;
  readonly cards: readonly IssuedCardOfHook[];
  /** What the audit trail keeps of the call (absent in callers that record no audit detail). */
  readonly audit?: Omit<CardAudit, 'indicator' | 'resources'>;
}

export interface IssuedCardOfHook {
  readonly uuid: string;
  readonly ruleCode: string;
  readonly mode?: 'active' | 'shadow';
  readonly indicator?: string;
  readonly resources?: readonly string[];
}

/**
 * CDS_ISSUED_CARDS. `batched`: the hook answers at once, its cards are written within
 * `flushIntervalMs` (a kill -9 loses the cards of that window). `durable`: the hook answers once
 * its cards are committed (docs/deploy.md "Durability").
 */
export type IssuedCardsMode = 'batched' | 'durable';

export interface IssuedCardRecorder {
  /**
   * Queues the cards; never throws nor rejects. `batched`: resolved at once. `durable`: resolves
   * once the cards are committed — or, so that the store never holds up prescribing, once their
   * write failed or `durableWaitMs` passed (they then stay queued and are retried as in
   * `batched`, logged), and at once while the store is failing or stalled.
   */
  record(event: CardsIssued): Promise<void>;
  /** Writes what is queued; never rejects (failures are logged and counted). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is queued. */
  close(): Promise<void>;
}

export interface IssuedCardRecorderOptions {
  readonly store: Pick<Store, 'recordIssuedCards'>;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  readonly mode?: IssuedCardsMode;
  /** `batched`: longest a card waits before being written. Both: the first retry delay. */
  readonly flushIntervalMs?: number;
  /** `batched`: queue length that triggers a write at once. */
  readonly maxBatch?: number;
  /** Queue bound while the store is failing; beyond it the oldest records are dropped (logged). */
  readonly maxPending?: number;
  /** `durable`: longest a hook waits for its cards' commit (a commit takes a few ms). */
  readonly durableWaitMs?: number;
}

const MAX_RETRY_DELAY_MS = 30_000;
const ANSWERED = Promise.resolve();

function describeError(error: unknown): { errorName: string; errorMessage?: string } {
  return error instanceof Error
    ? { errorName: error.name, errorMessage: error.message }
    : { errorName: typeof error };
}

/**
 * Records issued cards in batches: hundreds of hook calls per second cost one multi-row INSERT
 * per batch. In `batched` mode a batch is written every `flushIntervalMs`, off the hook path; in
 * `durable` mode a write starts as soon as cards arrive and the hooks whose cards it carries
 * answer when it commits, while the cards of the hooks that arrive meanwhile make up the next
 * batch (group commit). A failed batch is logged, counted and retried with the next one; while
 * the database stays down the queue is bounded and the oldest records are dropped (feedback on
 * those cards then reports as unattributed).
 */
export function createIssuedCardRecorder(options: IssuedCardRecorderOptions): IssuedCardRecorder {
  const mode = options.mode ?? 'batched';
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  const maxBatch = options.maxBatch ?? 500;
  const maxPending = options.maxPending ?? 50_000;
  const durableWaitMs = options.durableWaitMs ?? 1000;
  let pending: IssuedCard[] = [];
  /** `durable`: the hooks waiting for the cards in `pending`. */
  let waiting: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let writeQueued = false;
  let closed = false;
  let consecutiveFailures = 0;
  /** `durable`: a hook's wait ran out; hooks answer at once until a write commits again. */
  let stalled = false;

  async function writeBatch(): Promise<void> {
    writeQueued = false;
    const batch = pending;
    const hooks = waiting;
    pending = [];
    waiting = [];
    try {
      if (batch.length === 0) return;
      await options.store.recordIssuedCards(batch);
      consecutiveFailures = 0;
      stalled = false;
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
    } finally {
      for (const answer of hooks) answer();
    }
  }

  function flush(): Promise<void> {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    // Writes run one after another, so batches reach the database in order. At most one write
    // waits behind the running one: it takes everything queued when it starts.
    if (!writeQueued) {
      writeQueued = true;
      writing = writing.then(writeBatch, writeBatch);
    }
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

  /** `durable`: the commit of the batch these cards join, or the wait running out. */
  function untilCommitted(count: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timeout = setTimeout(() => {
        stalled = true;
        options.logger.error('issued cards not yet recorded when the hook answered; still queued', {
          count,
          durableWaitMs,
        });
        resolve();
      }, durableWaitMs);
      timeout.unref();
      waiting.push(() => {
        clearTimeout(timeout);
        resolve();
      });
      void flush();
    });
  }

  return {
    record(event: CardsIssued): Promise<void> {
      try {
        for (const card of event.cards) pending.push(issuedCardOf(event, card));
        trimToBound();
        if (event.cards.length === 0) return ANSWERED;
        if (mode === 'durable' && !closed && consecutiveFailures === 0 && !stalled) {
          return untilCommitted(event.cards.length);
        }
        if (pending.length >= maxBatch) void flush();
        else schedule();
      } catch (error) {
        options.logger.error('issued cards not queued', describeError(error));
      }
      return ANSWERED;
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

function issuedCardOf(event: CardsIssued, card: IssuedCardOfHook): IssuedCard {
  const { audit } = event;
  return {
    uuid: card.uuid,
    ruleCode: card.ruleCode,
    serviceId: event.serviceId,
    hookInstance: event.hookInstance,
    issuedAt: event.issuedAt,
    mode: card.mode ?? 'active',
    audit:
      audit === undefined
        ? undefined
        : { ...audit, indicator: card.indicator ?? 'info', resources: card.resources ?? [] },
  };
}
