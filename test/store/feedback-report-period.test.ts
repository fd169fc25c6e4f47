import { BACKENDS, describeBackend, openTestStore } from './store-backends';
import type { TestStore } from './store-backends';
import type { FeedbackRecord, IssuedCard } from '../../src/store/store';

/**
 * The CDS committee's June review: the report over a period and for one hospital (tenant) — what
 * each rule showed, what it found in shadow, how clinicians answered, day by day, and under which
 * rule-set versions.
 */
const NOW = new Date('2026-06-05T08:00:00Z');
const V1 = '0.1.0+111111111111';
const V2 = '0.1.0+222222222222';

const card = (uuid: string, ruleCode: string, issuedAt: string, mode: 'active' | 'shadow', tenant: string | undefined, version: string): IssuedCard => ({
  uuid,
  serviceId: 'ln-order-sign',
  ruleCode,
  hookInstance: `hook-${uuid}`,
  issuedAt: new Date(issuedAt),
  mode,
  audit: {
    hook: 'order-sign',
    ...(tenant === undefined ? {} : { tenant }),
    patientId: 'p1',
    rulesetVersion: version,
    indicator: 'warning',
    resources: ['MedicationRequest/mmf-1'],
  },
});

const CARDS: IssuedCard[] = [
  card('may-north', 'mycophenolate-dose-high', '2026-05-20T10:00:00Z', 'active', 'north', V1),
  card('jun1-north', 'mycophenolate-dose-high', '2026-06-01T09:00:00Z', 'active', 'north', V1),
  card('jun2-north-shadow', 'hydroxychloroquine-not-prescribed', '2026-06-02T23:59:59Z', 'shadow', 'north', V1),
  card('jun3-north', 'mycophenolate-dose-high', '2026-06-03T08:00:00Z', 'active', 'north', V2),
  card('jun3-north-shadow', 'hydroxychloroquine-not-prescribed', '2026-06-03T08:00:00Z', 'shadow', 'north', V2),
  card('jun3-south', 'mycophenolate-dose-high', '2026-06-03T11:00:00Z', 'active', 'south', V2),
  card('jun4-south', 'mycophenolate-dose-high', '2026-06-04T00:00:00Z', 'active', 'south', V2),
];

const NEPHROLOGY_TARGET = { system: 'urn:ln-cds-hooks:override-reason', code: 'nephrology-target', display: 'Patient-specific target set by nephrology' };
const feedback = (cardUuid: string, outcome: 'accepted' | 'overridden', at: string): FeedbackRecord => ({
  serviceId: 'ln-order-sign',
  cardUuid,
  outcome,
  outcomeTimestamp: new Date(at),
  acceptedSuggestionIds: [],
  ...(outcome === 'overridden' ? { overrideReason: NEPHROLOGY_TARGET } : {}),
  hasUserComment: false,
});

const FEEDBACK: FeedbackRecord[] = [
  feedback('may-north', 'overridden', '2026-05-20T10:01:00Z'),
  // Answered after the period ends: still counts with its card, issued in June.
  feedback('jun1-north', 'overridden', '2026-06-10T09:00:00Z'),
  feedback('jun3-south', 'accepted', '2026-06-03T11:01:00Z'),
  // A card this service never issued (the Sandbox's stub), answered in June.
  feedback('sandbox-stub-card', 'accepted', '2026-06-02T12:00:00Z'),
];

const JUNE_1_TO_3 = { since: new Date('2026-06-01T00:00:00Z'), until: new Date('2026-06-04T00:00:00Z') };

for (const backend of BACKENDS) {
  describeBackend(backend, 'feedback report over a period and a tenant', () => {
    let testStore: TestStore;

    beforeAll(async () => {
      testStore = await openTestStore(backend, () => NOW);
      await testStore.store.recordIssuedCards(CARDS);
      await testStore.store.recordFeedback(FEEDBACK);
    });

    afterAll(async () => {
      await testStore.dispose();
    });

    test("north's 1–3 June: shown cards, shadow findings and overrides of its own calls only, day by day", async () => {
      const report = await testStore.store.feedbackReport({ ...JUNE_1_TO_3, tenant: 'north' });
      expect(report).toEqual({
        generatedAt: NOW.toISOString(),
        period: { since: '2026-06-01T00:00:00.000Z', until: '2026-06-04T00:00:00.000Z' },
        tenant: 'north',
        tenants: ['north', 'south'],
        rules: [
          { ruleCode: 'hydroxychloroquine-not-prescribed', issued: 0, shadow: 2, accepted: 0, overridden: 0, overrideReasons: [] },
          {
            ruleCode: 'mycophenolate-dose-high',
            issued: 2,
            shadow: 0,
            accepted: 0,
            overridden: 1,
            overrideReasons: [{ ...NEPHROLOGY_TARGET, cards: 1 }],
          },
        ],
        days: ['2026-06-01', '2026-06-02', '2026-06-03'],
        daily: [
          { ruleCode: 'hydroxychloroquine-not-prescribed', shown: [0, 0, 0], shadow: [0, 1, 1] },
          { ruleCode: 'mycophenolate-dose-high', shown: [1, 0, 1], shadow: [0, 0, 0] },
        ],
        rulesetVersions: [
          { version: V1, firstIssuedAt: '2026-06-01T09:00:00.000Z', lastIssuedAt: '2026-06-02T23:59:59.000Z', cards: 2 },
          { version: V2, firstIssuedAt: '2026-06-03T08:00:00.000Z', lastIssuedAt: '2026-06-03T08:00:00.000Z', cards: 2 },
        ],
      });
    });

    test('every tenant over the same days adds south and the feedback on cards never issued here', async () => {
      const report = await testStore.store.feedbackReport(JUNE_1_TO_3);
      expect(report.tenant).toBeNull();
      expect(report.rules).toEqual([
        { ruleCode: 'hydroxychloroquine-not-prescribed', issued: 0, shadow: 2, accepted: 0, overridden: 0, overrideReasons: [] },
        {
          ruleCode: 'mycophenolate-dose-high',
          issued: 3,
          shadow: 0,
          accepted: 1,
          overridden: 1,
          overrideReasons: [{ ...NEPHROLOGY_TARGET, cards: 1 }],
        },
        { ruleCode: null, issued: 0, shadow: 0, accepted: 1, overridden: 0, overrideReasons: [] },
      ]);
      expect(report.daily).toEqual([
        { ruleCode: 'hydroxychloroquine-not-prescribed', shown: [0, 0, 0], shadow: [0, 1, 1] },
        { ruleCode: 'mycophenolate-dose-high', shown: [1, 0, 2], shadow: [0, 0, 0] },
      ]);
      expect(report.rulesetVersions?.map((version) => [version.version, version.cards])).toEqual([
        [V1, 2],
        [V2, 3],
      ]);
    });

    test('the period ends before `until`: a card at midnight of 4 June belongs to the next period', async () => {
      const report = await testStore.store.feedbackReport({ since: JUNE_1_TO_3.until, tenant: 'south' });
      expect(report.rules).toEqual([
        { ruleCode: 'mycophenolate-dose-high', issued: 1, shadow: 0, accepted: 0, overridden: 0, overrideReasons: [] },
      ]);
      // Quiet days up to today are in the series as zeros.
      expect(report.days).toEqual(['2026-06-04', '2026-06-05']);
      expect(report.daily).toEqual([{ ruleCode: 'mycophenolate-dose-high', shown: [1, 0], shadow: [0, 0] }]);
    });

    test('without a period, everything recorded, the days running from the first firing to today', async () => {
      const report = await testStore.store.feedbackReport();
      expect(report.period).toEqual({ since: null, until: null });
      expect(report.rules.find((rule) => rule.ruleCode === 'mycophenolate-dose-high')).toMatchObject({ issued: 5, overridden: 2 });
      expect(report.days?.[0]).toBe('2026-05-20');
      expect(report.days?.at(-1)).toBe('2026-06-05');
      expect(report.days).toHaveLength(17);
    });

    test('a tenant with no calls in the period has an empty report, and the tenants seen are still offered', async () => {
      const report = await testStore.store.feedbackReport({ ...JUNE_1_TO_3, tenant: 'west' });
      expect(report.rules).toEqual([]);
      expect(report.daily).toEqual([]);
      expect(report.rulesetVersions).toEqual([]);
      expect(report.tenants).toEqual(['north', 'south']);
    });
  });
}
