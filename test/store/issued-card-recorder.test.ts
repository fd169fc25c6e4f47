import { createMetrics } from '../../src/metrics';
import { createIssuedCardRecorder } from '../../src/store/issued-card-recorder';
import type { IssuedCard } from '../../src/store/store';
import { captureLogger } from '../support/test-app';

/**
 * Issued cards are written off the hook path, in batches; a failing database is logged and
 * retried and never reaches the hook response.
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
    recorder.record(patientViewWithTwoCards);
    recorder.record({
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
        },
        {
          uuid: 'card-mmf',
          ruleCode: 'mycophenolate-dose-high',
          serviceId: 'ln-patient-view',
          hookInstance: patientViewWithTwoCards.hookInstance,
          issuedAt: ISSUED_AT,
        },
        {
          uuid: 'card-aza',
          ruleCode: 'azathioprine-dose-high',
          serviceId: 'ln-patient-view',
          hookInstance: patientViewWithTwoCards.hookInstance,
          issuedAt: ISSUED_AT,
        },
      ],
    ]);
    await recorder.close();
  });

  test('writes at once when a full batch is queued', async () => {
    const store = recordingStore();
    const { logger } = captureLogger();
    const recorder = createIssuedCardRecorder({ store, logger, flushIntervalMs: NEVER, maxBatch: 2 });
    recorder.record(patientViewWithTwoCards);
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
    recorder.record(patientViewWithTwoCards);
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
    expect(recorder.record(patientViewWithTwoCards)).toBeUndefined();
    expect(recorder.record(patientViewWithTwoCards)).toBeUndefined();
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
    recorder.record(patientViewWithTwoCards);
    recorder.record({
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
    recorder.record(patientViewWithTwoCards);
    await recorder.close();
    expect(store.batches.map((batch) => batch.length)).toEqual([2]);
  });
});
