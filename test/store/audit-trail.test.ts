import { startAuditRetention } from '../../src/store/audit-retention';
import type { FeedbackRecord, IssuedCard } from '../../src/store/store';
import { captureLogger } from '../support/test-app';
import { BACKENDS, describeBackend, openTestStore, type TestStore } from './store-backends';

/**
 * The audit trail in the store: what the export reads for a period (shown cards and shadow
 * findings alike, page by page), and what retention deletes once it is older than
 * CDS_AUDIT_RETENTION_DAYS — after which feedback on those cards reports as unattributed.
 */
const NOW = new Date('2026-06-01T09:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;

function card(uuid: string, issuedAt: string, extra: Partial<IssuedCard> = {}): IssuedCard {
  return {
    uuid,
    serviceId: 'ln-order-sign',
    ruleCode: 'mycophenolate-dose-high',
    hookInstance: `hook-${uuid}`,
    issuedAt: new Date(issuedAt),
    mode: 'active',
    audit: {
      hook: 'order-sign',
      tenant: 'north-hospital',
      userId: 'Practitioner/prac-1',
      patientId: 'p1',
      rulesetVersion: '0.1.0+3f2a9c1b7d04',
      indicator: 'warning',
      resources: ['MedicationRequest/mmf-1', 'Observation/egfr-7'],
    },
    ...extra,
  };
}

/** On 3 March: a shown card in the morning, a shadow finding in the afternoon; and one on 4 March. */
const morningCard = card('c-0303-a', '2026-03-03T08:15:00Z');
const afternoonShadow = card('c-0303-b', '2026-03-03T15:40:00Z', { ruleCode: 'cni-egfr-decline', mode: 'shadow' });
const nextDayCard = card('c-0304-a', '2026-03-04T00:00:00Z');
const MARCH_3 = { since: new Date('2026-03-03T00:00:00Z'), until: new Date('2026-03-04T00:00:00Z') };

for (const backend of BACKENDS) {
  describeBackend(backend, 'audit trail', () => {
    let now = NOW;
    let testStore: TestStore;

    beforeAll(async () => {
      testStore = await openTestStore(backend, () => now);
    });
    afterAll(async () => {
      await testStore?.dispose();
    });
    beforeEach(async () => {
      now = NOW;
      await testStore.reset();
    });

    it('reads the cards and shadow findings of [since, until), with every audit detail', async () => {
      await testStore.store.recordIssuedCards([nextDayCard, afternoonShadow, morningCard]);
      await expect(testStore.store.auditTrail({ ...MARCH_3, limit: 100 })).resolves.toEqual([morningCard, afternoonShadow]);
    });

    it('pages through cards of one hook, which share their instant, without skipping or repeating one', async () => {
      const sameHook = ['c-1', 'c-2', 'c-3'].map((uuid) => card(uuid, '2026-03-03T10:00:00Z'));
      await testStore.store.recordIssuedCards([...sameHook, morningCard]);
      const first = await testStore.store.auditTrail({ ...MARCH_3, limit: 2 });
      expect(first.map((row) => row.uuid)).toEqual(['c-0303-a', 'c-1']);
      const last = first[first.length - 1] as IssuedCard;
      const rest = await testStore.store.auditTrail({ since: last.issuedAt, until: MARCH_3.until, after: last.uuid, limit: 2 });
      expect(rest.map((row) => row.uuid)).toEqual(['c-2', 'c-3']);
    });

    it('reads a card recorded without audit detail (before the audit trail existed) as just its rule and time', async () => {
      const { audit: _audit, ...bare } = morningCard;
      await testStore.store.recordIssuedCards([bare]);
      await expect(testStore.store.auditTrail({ ...MARCH_3, limit: 10 })).resolves.toEqual([bare]);
    });

    it('retention deletes the cards older than the retention, and their feedback then reports as unattributed', async () => {
      // Six years (2190 days, two of them leap days) after midnight on 4 March 2026.
      now = new Date('2032-03-02T00:00:00Z');
      const feedback: FeedbackRecord = {
        serviceId: 'ln-order-sign',
        cardUuid: morningCard.uuid,
        outcome: 'overridden',
        outcomeTimestamp: new Date('2026-03-03T08:16:00Z'),
        acceptedSuggestionIds: [],
        hasUserComment: false,
      };
      await testStore.store.recordIssuedCards([morningCard, afternoonShadow, nextDayCard]);
      await testStore.store.recordFeedback([feedback]);
      const { logger, log } = captureLogger();

      const retention = startAuditRetention({ store: testStore.store, logger, retentionDays: 2190, now: () => now });
      await retention.close();
      expect(log.lines.filter((line) => line.message === 'audit retention: issued-card records deleted')).toEqual([
        expect.objectContaining({ level: 'info', deleted: 2, issuedBefore: '2026-03-04T00:00:00.000Z', retentionDays: 2190 }),
      ]);
      // The card issued at the cut-off instant itself is kept.
      await expect(testStore.store.auditTrail({ since: new Date(0), until: now, limit: 10 })).resolves.toEqual([nextDayCard]);
      const report = await testStore.store.feedbackReport();
      expect(report.rules).toEqual([
        { ruleCode: 'mycophenolate-dose-high', issued: 1, shadow: 0, accepted: 0, overridden: 0, overrideReasons: [] },
        { ruleCode: null, issued: 0, shadow: 0, accepted: 0, overridden: 1, overrideReasons: [{ system: null, code: null, display: null, cards: 1 }] },
      ]);
    });

    it('retention keeps what is younger than the retention', async () => {
      const recent = card('c-recent', new Date(NOW.getTime() - 2189 * DAY_MS).toISOString());
      const old = card('c-old', new Date(NOW.getTime() - 2191 * DAY_MS).toISOString());
      await testStore.store.recordIssuedCards([recent, old]);
      await expect(testStore.store.deleteIssuedCardsBefore(new Date(NOW.getTime() - 2190 * DAY_MS))).resolves.toBe(1);
      await expect(testStore.store.findIssuedCard('c-recent')).resolves.toBeDefined();
      await expect(testStore.store.findIssuedCard('c-old')).resolves.toBeUndefined();
    });
  });
}

describe('the retention schedule', () => {
  it('logs a failed delete as a warning, without throwing, and tries again at the next interval', async () => {
    const { logger, log } = captureLogger();
    let calls = 0;
    const retention = startAuditRetention({
      store: {
        deleteIssuedCardsBefore: () => {
          calls += 1;
          return calls === 1 ? Promise.reject(new Error('connection terminated')) : Promise.resolve(4);
        },
      },
      logger,
      retentionDays: 2190,
      now: () => NOW,
      intervalMs: 20,
    });
    await new Promise((elapsed) => setTimeout(elapsed, 70));
    await retention.close();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(log.lines[0]).toEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'audit retention: deleting old issued-card records failed; tried again at the next run',
        errorMessage: 'connection terminated',
      }),
    );
    expect(log.lines[1]).toEqual(expect.objectContaining({ level: 'info', deleted: 4 }));
  });
});
