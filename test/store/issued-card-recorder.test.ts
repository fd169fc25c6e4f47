import { createMetrics } from '../../src/metrics';
import { createIssuedCardRecorder } from '../../src/store/issued-card-recorder';
import type { IssuedCard } from '../../src/store/store';
import { captureLogger } from '../support/test-app';

/**
 * Issued cards are written in batches; a failing database is logged and retried and never fails
 * a hook response. `batched` (the default) writes off the hook path; `durable` answers a hook once
 * its cards are committed, but never waits on a failing or stalled store.
 */
const ISSUED_AT = new Date('2026-11-22T02:06:44Z');

const patientViewWithTwoCards = {
  serviceId: 'ln-patient-view',
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  issuedAt: ISSUED_AT,
  cards: [
    { uuid: 'card-trough', ruleCode: 'tacrolimus-trough-low' },
    { uuid: 'card-mmf', ruleCode: 'mycophenolate-dose-high' },
  ],
};

function recordingStore() {
  const batches: IssuedCard[][] = [];
  let failuresLeft = 0;
  return {
    batches,
    failNext(times: number) {
      failuresLeft = times;
    },
    recordIssuedCards(cards: readonly IssuedCard[]): Promise<void> {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        return Promise.reject(new Error('connection refused'));
      }
      batches.push([...cards]);
      return Promise.resolve();
    },
  };
}

// A long interval: these tests flush explicitly and never wait on the timer.
const NEVER = 3_600_000;

describe('issued-card recorder', () => {
  test('writes the cards of several hook responses in one batch, with their rule codes', async () => {
    const store = recordingStore();
    const { logger } = captureLogger();
    const recorder = createIssuedCardRecorder({ store, logger, flushIntervalMs: NEVER });
    void recorder.record(patientViewWithTwoCards);
    void recorder.record({
      ...patientViewWithTwoCards,
      cards: [{ uuid: 'card-aza', ruleCode: 'azathioprine-dose-high' }],
    });
    expect(store.batches).toEqual([]);
    await recorder.flush();
    expect(store.batches).toEqual([
      [
        {
          uuid: 'card-trough',
          ruleCode: 'tacrolimus-trough-low',
          serviceId: 'ln-patient-view',
          hookInstance: patientViewWithTwoCards.hookInstance,
          issuedAt: ISSUED_AT,
          mode: 'active',
        },
        {
          uuid: 'card-mmf',
          ruleCode: 'mycophenolate-dose-high',
          serviceId: 'ln-patient-view',
          hookInstance: patientViewWithTwoCards.hookInstance,
          issuedAt: ISSUED_AT,
          mode: 'active',
        },
        {
          uuid: 'card-aza',
          ruleCode: 'azathioprine-dose-high',
          serviceId: 'ln-patient-view',
          hookInstance: patientViewWithTwoCards.hookInstance,
          issuedAt: ISSUED_AT,
          mode: 'active',
        },
      ],
    ]);
    await recorder.close();
  });

  test('writes at once when a full batch is queued', async () => {
    const store = recordingStore();
    const { logger } = captureLogger();
    const recorder = createIssuedCardRecorder({ store, logger, flushIntervalMs: NEVER, maxBatch: 2 });
    void recorder.record(patientViewWithTwoCards);
    await recorder.flush(); // waits for the write the full batch started
    expect(store.batches.map((batch) => batch.length)).toEqual([2]);
    await recorder.close();
  });

  test('logs and counts a failed write, keeps the cards and writes them with the next batch', async () => {
    const store = recordingStore();
    const metrics = createMetrics();
    const { logger, log } = captureLogger();
    const recorder = createIssuedCardRecorder({ store, logger, metrics, flushIntervalMs: NEVER });
    store.failNext(1);
    void recorder.record(patientViewWithTwoCards);
    await recorder.flush();
    expect(store.batches).toEqual([]);
    expect(log.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'error',
          message: 'issued cards not recorded; will retry',
          count: 2,
          errorMessage: 'connection refused',
        }),
      ]),
    );
    expect(await metrics.render()).toContain('cds_store_write_failures_total{operation="issued-cards"} 1');
    await recorder.flush();
    expect(store.batches.map((batch) => batch.map((card) => card.uuid))).toEqual([
      ['card-trough', 'card-mmf'],
    ]);
    await recorder.close();
  });

  test('returns at once while the database hangs, so the hook response never waits for it', async () => {
    const { logger } = captureLogger();
    let answerDatabase: () => void = () => undefined;
    const database = new Promise<void>((resolve) => (answerDatabase = resolve));
    const hanging = {
      written: 0,
      recordIssuedCards: (cards: readonly IssuedCard[]) =>
        database.then(() => void (hanging.written += cards.length)),
    };
    const recorder = createIssuedCardRecorder({
      store: hanging,
      logger,
      flushIntervalMs: NEVER,
      maxBatch: 1,
    });
    // Settled while the database still hangs: the hook answers without waiting for it.
    await expect(recorder.record(patientViewWithTwoCards)).resolves.toBeUndefined();
    await expect(recorder.record(patientViewWithTwoCards)).resolves.toBeUndefined();
    expect(hanging.written).toBe(0);
    answerDatabase();
    await recorder.close();
    expect(hanging.written).toBe(4);
  });

  test('drops the oldest records, logged and counted, while the database stays down', async () => {
    const store = recordingStore();
    const metrics = createMetrics();
    const { logger, log } = captureLogger();
    const recorder = createIssuedCardRecorder({
      store,
      logger,
      metrics,
      flushIntervalMs: NEVER,
      maxPending: 3,
    });
    void recorder.record(patientViewWithTwoCards);
    void recorder.record({
      ...patientViewWithTwoCards,
      cards: [
        { uuid: 'card-3', ruleCode: 'overimmunosuppression' },
        { uuid: 'card-4', ruleCode: 'overimmunosuppression' },
      ],
    });
    await recorder.flush();
    expect(store.batches.map((batch) => batch.map((card) => card.uuid))).toEqual([
      ['card-mmf', 'card-3', 'card-4'],
    ]);
    expect(log.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: 'issued-card queue full: oldest records dropped', dropped: 1 }),
      ]),
    );
    expect(await metrics.render()).toContain('cds_issued_cards_dropped_total 1');
    await recorder.close();
  });

  test('writes what is queued when closed at shutdown', async () => {
    const store = recordingStore();
    const { logger } = captureLogger();
    const recorder = createIssuedCardRecorder({ store, logger, flushIntervalMs: NEVER });
    void recorder.record(patientViewWithTwoCards);
    await recorder.close();
    expect(store.batches.map((batch) => batch.length)).toEqual([2]);
  });

  describe('durable mode (CDS_ISSUED_CARDS=durable)', () => {
    /** A database whose writes each wait until the test answers them. */
    function gatedStore() {
      const batches: string[][] = [];
      const gates: (() => void)[] = [];
      return {
        batches,
        writesWaiting: () => gates.length,
        answerNextWrite() {
          gates.shift()?.();
        },
        recordIssuedCards(cards: readonly IssuedCard[]): Promise<void> {
          return new Promise<void>((resolve) => {
            gates.push(() => {
              batches.push(cards.map((card) => card.uuid));
              resolve();
            });
          });
        },
      };
    }

    const settled = async (promise: Promise<void>): Promise<boolean> => {
      let done = false;
      void promise.then(() => (done = true));
      await new Promise((resolve) => setImmediate(resolve));
      return done;
    };

    test('answers the hook only once its cards are committed', async () => {
      const store = gatedStore();
      const { logger } = captureLogger();
      const recorder = createIssuedCardRecorder({ store, logger, mode: 'durable', flushIntervalMs: NEVER });
      const answered = recorder.record(patientViewWithTwoCards);
      expect(await settled(answered)).toBe(false);
      expect(store.writesWaiting()).toBe(1); // written at once, not after the batch interval
      store.answerNextWrite();
      expect(await settled(answered)).toBe(true);
      expect(store.batches).toEqual([['card-trough', 'card-mmf']]);
      await recorder.close();
    });

    test('commits the cards of hooks that arrive during a write together, in the next write', async () => {
      const store = gatedStore();
      const { logger } = captureLogger();
      const recorder = createIssuedCardRecorder({ store, logger, mode: 'durable', flushIntervalMs: NEVER });
      const first = recorder.record(patientViewWithTwoCards);
      await settled(first);
      const second = recorder.record({
        ...patientViewWithTwoCards,
        cards: [{ uuid: 'card-aza', ruleCode: 'azathioprine-dose-high' }],
      });
      const third = recorder.record({
        ...patientViewWithTwoCards,
        cards: [{ uuid: 'card-gc', ruleCode: 'glucocorticoid-dose-high' }],
      });
      store.answerNextWrite();
      expect(await settled(first)).toBe(true);
      expect(await settled(second)).toBe(false);
      expect(store.writesWaiting()).toBe(1);
      store.answerNextWrite();
      expect(await settled(second)).toBe(true);
      expect(await settled(third)).toBe(true);
      expect(store.batches).toEqual([
        ['card-trough', 'card-mmf'],
        ['card-aza', 'card-gc'],
      ]);
      await recorder.close();
    });

    test('answers a hook without cards at once', async () => {
      const store = gatedStore();
      const { logger } = captureLogger();
      const recorder = createIssuedCardRecorder({ store, logger, mode: 'durable', flushIntervalMs: NEVER });
      expect(await settled(recorder.record({ ...patientViewWithTwoCards, cards: [] }))).toBe(true);
      expect(store.writesWaiting()).toBe(0);
      await recorder.close();
    });

    test('a failing database: the hook answers when the write fails, and the cards are retried', async () => {
      const store = recordingStore();
      const { logger, log } = captureLogger();
      const recorder = createIssuedCardRecorder({ store, logger, mode: 'durable', flushIntervalMs: NEVER });
      store.failNext(1);
      await recorder.record(patientViewWithTwoCards);
      expect(log.lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ message: 'issued cards not recorded; will retry', count: 2 }),
        ]),
      );
      // While it fails, hooks do not wait for it at all.
      const whileFailing = recorder.record({
        ...patientViewWithTwoCards,
        cards: [{ uuid: 'card-aza', ruleCode: 'azathioprine-dose-high' }],
      });
      expect(await settled(whileFailing)).toBe(true);
      await recorder.flush();
      expect(store.batches).toEqual([
        [
          expect.objectContaining({ uuid: 'card-trough' }),
          expect.objectContaining({ uuid: 'card-mmf' }),
          expect.objectContaining({ uuid: 'card-aza' }),
        ],
      ]);
      await recorder.close();
    });

    test('a stalled database holds a hook at most durableWaitMs, then hooks answer at once until a write commits', async () => {
      const store = gatedStore();
      const { logger, log } = captureLogger();
      const recorder = createIssuedCardRecorder({
        store,
        logger,
        mode: 'durable',
        flushIntervalMs: NEVER,
        durableWaitMs: 50,
      });
      const started = performance.now();
      await recorder.record(patientViewWithTwoCards);
      expect(performance.now() - started).toBeGreaterThanOrEqual(45);
      expect(log.lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            level: 'error',
            message: 'issued cards not yet recorded when the hook answered; still queued',
            count: 2,
          }),
        ]),
      );
      const next = recorder.record({
        ...patientViewWithTwoCards,
        cards: [{ uuid: 'card-aza', ruleCode: 'azathioprine-dose-high' }],
      });
      expect(await settled(next)).toBe(true);
      store.answerNextWrite();
      const flushed = recorder.flush();
      await settled(flushed);
      store.answerNextWrite();
      await flushed;
      expect(store.batches).toEqual([['card-trough', 'card-mmf'], ['card-aza']]);
      // Committing again: the next hook waits for its commit as before.
      const after = recorder.record({
        ...patientViewWithTwoCards,
        cards: [{ uuid: 'card-gc', ruleCode: 'glucocorticoid-dose-high' }],
      });
      expect(await settled(after)).toBe(false);
      store.answerNextWrite();
      expect(await settled(after)).toBe(true);
      await recorder.close();
    });
  });
});
