import type { Logger } from '../logging/logger';
import { describeError } from '../logging/describe-error';
import type { Metrics } from '../metrics';
import { createBatchQueue } from '../batch-queue';
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

const ANSWERED = Promise.resolve();

/**
 * Records issued cards in batches (src/batch-queue.ts): in `batched` mode a batch is written every
 * `flushIntervalMs`, off the hook path; in `durable` mode a write starts as soon as cards arrive
 * and the hooks whose cards it carries answer when it commits, while the cards of the hooks that
 * arrive meanwhile make up the next batch (group commit). A failed batch is logged, counted and
 * retried with the next one; while the database stays down the queue is bounded and the oldest
 * records are dropped (feedback on those cards then reports as unattributed).
 */
export function createIssuedCardRecorder(options: IssuedCardRecorderOptions): IssuedCardRecorder {
  const mode = options.mode ?? 'batched';
  const durableWaitMs = options.durableWaitMs ?? 1000;
  const maxPending = options.maxPending ?? 50_000;
  let closed = false;
  /** `durable`: a hook's wait ran out; hooks answer at once until a write commits again. */
  let stalled = false;
  const queue = createBatchQueue<IssuedCard>({
    write: (batch) => options.store.recordIssuedCards(batch),
    flushIntervalMs: options.flushIntervalMs ?? 250,
    maxBatch: options.maxBatch ?? 500,
    maxPending,
    onWriteFailed: (error, count) => {
      options.metrics?.storeWriteFailed('issued-cards');
      options.logger.error('issued cards not recorded; will retry', { count, ...describeError(error) });
    },
    onDropped: (dropped) => {
      options.metrics?.issuedCardsDropped(dropped);
      options.logger.error('issued-card queue full: oldest records dropped', { dropped, maxPending });
    },
    onWritten: () => {
      stalled = false;
    },
  });

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
      void queue.nextWrite().then(() => {
        clearTimeout(timeout);
        resolve();
      });
    });
  }

  return {
    record(event: CardsIssued): Promise<void> {
      try {
        if (event.cards.length === 0) return ANSWERED;
        queue.add(event.cards.map((card) => issuedCardOf(event, card)));
        if (mode === 'durable' && !closed && !queue.failing && !stalled) {
          return untilCommitted(event.cards.length);
        }
      } catch (error) {
        options.logger.error('issued cards not queued', describeError(error));
      }
      return ANSWERED;
    },
    flush: () => queue.flush(),
    async close(): Promise<void> {
      const left = await queue.close();
      closed = true;
      if (left > 0) options.logger.error('issued cards not recorded at shutdown', { count: left });
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
