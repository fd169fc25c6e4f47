import { createJtiDigester } from '../../src/auth/replay-cache';
import { BACKENDS, describeBackend, openTestStore } from './store-backends';
import type { TestStore } from './store-backends';
import { openStore } from '../../src/store/open-store';
import { PGLITE_IN_MEMORY } from '../../src/store/pglite-client';
import type { FeedbackRecord, IssuedCard } from '../../src/store/store';

// Clock fixed in the window of the recorded Sandbox traffic (see fixtures/sandbox-requests).
const NOW = new Date('2026-11-22T02:08:00Z');

const troughLowCard: IssuedCard = {
  uuid: '6f3b1c2e-0d1a-4c5e-9f7a-1b2c3d4e5f60',
  serviceId: 'ln-patient-view',
  ruleCode: 'tacrolimus-trough-low',
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  issuedAt: new Date('2026-11-22T02:06:44.701Z'),
  mode: 'active',
};

const mmfDoseHighCard: IssuedCard = {
  uuid: '0a9e2b8c-7f61-4d3a-8c2b-5e4f3a2b1c0d',
  serviceId: 'ln-order-sign',
  ruleCode: 'mycophenolate-dose-high',
  hookInstance: '2b7c9e1f-3a4d-4e5f-8a9b-0c1d2e3f4a5b',
  issuedAt: new Date('2026-11-22T02:07:01Z'),
  mode: 'active',
};

// The jti table holds what the JWT verifier's replay cache hands it: digests of iss and jti.
const digestJti = createJtiDigester();
const SANDBOX = 'https://sandbox.cds-hooks.org';
const NORTH_EHR = 'https://ehr.north.example.org';
const sandboxJti = (jti: string, expiresAt: Date) => digestJti(SANDBOX, jti, expiresAt);

const suggestionAccepted: FeedbackRecord = {
  serviceId: 'ln-patient-view',
  cardUuid: troughLowCard.uuid,
  outcome: 'accepted',
  outcomeTimestamp: new Date('2026-11-22T02:06:46.281Z'),
  acceptedSuggestionIds: ['sugg-1'],
  hasUserComment: false,
};

const overriddenForNephrologyTarget: FeedbackRecord = {
  serviceId: 'ln-order-sign',
  cardUuid: mmfDoseHighCard.uuid,
  outcome: 'overridden',
  outcomeTimestamp: new Date('2026-11-22T02:07:30Z'),
  acceptedSuggestionIds: [],
  overrideReason: {
    system: 'urn:ln-cds-hooks:override-reason',
    code: 'nephrology-target',
    display: 'Patient-specific target set by nephrology',
  },
  hasUserComment: true,
};

for (const backend of BACKENDS) {
  describeBackend(backend, 'store', () => {
    let now = NOW;
    let testStore: TestStore;
    const clock = (): Date => now;

    beforeAll(async () => {
      testStore = await openTestStore(backend, clock);
    });
    afterAll(async () => {
      await testStore?.dispose();
    });
    beforeEach(async () => {
      now = NOW;
      await testStore.reset();
    });

    it('applies its migrations once: migrating an up-to-date database changes nothing', async () => {
      await testStore.store.migrate();
      await testStore.store.recordIssuedCards([troughLowCard]);
      await testStore.store.migrate();
      await expect(testStore.store.findIssuedCard(troughLowCard.uuid)).resolves.toEqual(troughLowCard);
    });

    it('answers a ping while open', async () => {
      await expect(testStore.store.ping()).resolves.toBeUndefined();
    });

    it('remembers which rule issued a tacrolimus-trough-low card, without PHI', async () => {
      await testStore.store.recordIssuedCards([troughLowCard, mmfDoseHighCard]);
      await expect(testStore.store.findIssuedCard(troughLowCard.uuid)).resolves.toEqual(troughLowCard);
      await expect(testStore.store.findIssuedCard('never-issued')).resolves.toBeUndefined();
    });

    it('keeps the first record when the same card uuid is recorded twice', async () => {
      await testStore.store.recordIssuedCards([troughLowCard]);
      await testStore.store.recordIssuedCards([{ ...troughLowCard, ruleCode: 'other-rule' }]);
      await expect(testStore.store.findIssuedCard(troughLowCard.uuid)).resolves.toEqual(troughLowCard);
    });

    it('records a batch larger than one INSERT', async () => {
      const cards = Array.from({ length: 1203 }, (_, index) => ({
        ...troughLowCard,
        uuid: `card-${index}`,
      }));
      await testStore.store.recordIssuedCards(cards);
      const report = await testStore.store.feedbackReport();
      expect(report.rules).toEqual([
        { ruleCode: 'tacrolimus-trough-low', issued: 1203, shadow: 0, accepted: 0, overridden: 0, overrideReasons: [] },
      ]);
    });

    it('counts a rule in shadow mode apart from the cards it showed, with its audit detail kept', async () => {
      const shadowFinding: IssuedCard = {
        ...troughLowCard,
        uuid: '9b1e2f3a-4c5d-4e6f-8a7b-9c0d1e2f3a4b',
        mode: 'shadow',
        audit: {
          hook: 'patient-view',
          tenant: 'north',
          userId: 'Practitioner/prac-1',
          patientId: 'p01',
          rulesetVersion: '0.1.0+0123456789ab',
          indicator: 'warning',
          resources: ['Observation/trough-1', 'MedicationRequest/tac-1'],
        },
      };
      await testStore.store.recordIssuedCards([troughLowCard, shadowFinding]);
      await expect(testStore.store.findIssuedCard(shadowFinding.uuid)).resolves.toMatchObject({ mode: 'shadow' });
      const report = await testStore.store.feedbackReport();
      expect(report.rules).toEqual([
        { ruleCode: 'tacrolimus-trough-low', issued: 1, shadow: 1, accepted: 0, overridden: 0, overrideReasons: [] },
      ]);
    });

    it('stores the same feedback sent twice only once', async () => {
      await testStore.store.recordIssuedCards([troughLowCard]);
      await expect(testStore.store.recordFeedback([suggestionAccepted])).resolves.toEqual({
        stored: 1,
        duplicates: 0,
        storedItems: [true],
      });
      await expect(
        testStore.store.recordFeedback([suggestionAccepted, overriddenForNephrologyTarget]),
      ).resolves.toEqual({
        stored: 1,
        duplicates: 1,
        storedItems: [false, true],
      });
      // The same instant written with another offset is the same feedback.
      await expect(
        testStore.store.recordFeedback([
          { ...suggestionAccepted, outcomeTimestamp: new Date('2026-11-22T03:06:46.281+01:00') },
        ]),
      ).resolves.toEqual({ stored: 0, duplicates: 1, storedItems: [false] });
    });

    it('stores feedback for the same card at another time, but counts the card once', async () => {
      await testStore.store.recordIssuedCards([troughLowCard]);
      await testStore.store.recordFeedback([
        suggestionAccepted,
        { ...suggestionAccepted, outcomeTimestamp: new Date('2026-11-22T02:07:00Z') },
      ]);
      const report = await testStore.store.feedbackReport();
      expect(report.rules).toEqual([
        { ruleCode: 'tacrolimus-trough-low', issued: 1, shadow: 0, accepted: 1, overridden: 0, overrideReasons: [] },
      ]);
    });

    it('reports per rule the cards issued, accepted and overridden with override reasons', async () => {
      const secondMmfCard = { ...mmfDoseHighCard, uuid: 'mmf-2' };
      const thirdMmfCard = { ...mmfDoseHighCard, uuid: 'mmf-3' };
      await testStore.store.recordIssuedCards([troughLowCard, mmfDoseHighCard, secondMmfCard, thirdMmfCard]);
      await testStore.store.recordFeedback([
        suggestionAccepted,
        overriddenForNephrologyTarget,
        { ...overriddenForNephrologyTarget, cardUuid: secondMmfCard.uuid },
        {
          ...overriddenForNephrologyTarget,
          cardUuid: thirdMmfCard.uuid,
          overrideReason: undefined,
          hasUserComment: false,
        },
      ]);
      await expect(testStore.store.feedbackReport()).resolves.toEqual({
        generatedAt: NOW.toISOString(),
        rules: [
          {
            ruleCode: 'mycophenolate-dose-high',
            issued: 3,
            shadow: 0,
            accepted: 0,
            overridden: 3,
            overrideReasons: [
              {
                system: 'urn:ln-cds-hooks:override-reason',
                code: 'nephrology-target',
                display: 'Patient-specific target set by nephrology',
                cards: 2,
              },
              { system: null, code: null, display: null, cards: 1 },
            ],
          },
          { ruleCode: 'tacrolimus-trough-low', issued: 1, shadow: 0, accepted: 1, overridden: 0, overrideReasons: [] },
        ],
        period: { since: null, until: null },
        tenant: null,
        tenants: [],
        days: ['2026-11-22'],
        daily: [
          { ruleCode: 'mycophenolate-dose-high', shown: [3], shadow: [0] },
          { ruleCode: 'tacrolimus-trough-low', shown: [1], shadow: [0] },
        ],
        // Cards recorded without audit detail carry no rule-set version.
        rulesetVersions: [],
      });
    });

    it('reports feedback about a card it never issued as unattributed', async () => {
      // The recorded Sandbox feedback names the stub's card, not one of ours.
      await testStore.store.recordFeedback([
        { ...suggestionAccepted, cardUuid: 'card-ln-patient-view-1795313204701' },
      ]);
      const report = await testStore.store.feedbackReport();
      expect(report.rules).toEqual([
        { ruleCode: null, issued: 0, shadow: 0, accepted: 1, overridden: 0, overrideReasons: [] },
      ]);
    });

    it('attributes feedback to its rule even when the card is recorded after the feedback', async () => {
      await testStore.store.recordFeedback([suggestionAccepted]);
      await testStore.store.recordIssuedCards([troughLowCard]);
      const report = await testStore.store.feedbackReport();
      expect(report.rules).toEqual([
        { ruleCode: 'tacrolimus-trough-low', issued: 1, shadow: 0, accepted: 1, overridden: 0, overrideReasons: [] },
      ]);
    });

    it('refuses a replayed JWT id until it expires', async () => {
      const expiresAt = new Date('2026-11-22T02:11:54Z');
      const jti = sandboxJti('20f88927-961e-4ce1-a4e3-ed30ab6b1c4e', expiresAt);
      await expect(testStore.store.claimJtis([jti])).resolves.toEqual([true]);
      await expect(testStore.store.claimJtis([jti])).resolves.toEqual([false]);
      now = new Date('2026-11-22T02:11:55Z');
      const later = { ...jti, expiresAt: new Date('2026-11-22T02:16:55Z') };
      await expect(testStore.store.claimJtis([later])).resolves.toEqual([true]);
      await expect(testStore.store.claimJtis([later])).resolves.toEqual([false]);
    });

    it('accepts exactly one of several simultaneous uses of the same JWT id', async () => {
      const jti = sandboxJti('same-jti', new Date('2026-11-22T02:11:54Z'));
      const answers = await Promise.all(Array.from({ length: 8 }, () => testStore.store.claimJtis([jti])));
      expect(answers.flat().filter((fresh) => fresh)).toHaveLength(1);
    });

    it('claims a batch of JWT ids in one go: the first use of a jti repeated in it wins, seen ones are refused', async () => {
      const expiresAt = new Date('2026-11-22T02:11:54Z');
      await testStore.store.claimJtis([sandboxJti('seen-before', expiresAt)]);
      const answers = await testStore.store.claimJtis([
        sandboxJti('call-1', expiresAt),
        sandboxJti('repeated', expiresAt),
        sandboxJti('seen-before', expiresAt),
        sandboxJti('repeated', expiresAt),
        sandboxJti('call-2', expiresAt),
      ]);
      expect(answers).toEqual([true, true, false, false, true]);
      await expect(testStore.store.claimJtis([sandboxJti('repeated', expiresAt)])).resolves.toEqual([false]);
    });

    it('gives back the live jtis written in batches, soonest expiry first, those lasting longest per client', async () => {
      const expiring = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);
      const north = createJtiDigester();
      await testStore.store.rememberJtis([
        sandboxJti('expired', expiring(-1)),
        sandboxJti('s-300', expiring(300)),
        north(NORTH_EHR, 'n-100', expiring(100)),
        north(NORTH_EHR, 'n-200', expiring(200)),
        north(NORTH_EHR, 'n-3600', expiring(3600)),
      ]);
      // The same jti again (a client reusing it) keeps the later expiry, whichever batch comes first.
      await testStore.store.rememberJtis([sandboxJti('s-300', expiring(30)), north(NORTH_EHR, 'n-100', expiring(150))]);
      const live = await testStore.store.liveJtis(2);
      expect(live).toEqual([
        north(NORTH_EHR, 'n-200', expiring(200)),
        sandboxJti('s-300', expiring(300)),
        north(NORTH_EHR, 'n-3600', expiring(3600)),
      ]);
      const all = await testStore.store.liveJtis(10);
      expect(all.map((jti) => jti.expiresAt)).toEqual([expiring(150), expiring(200), expiring(300), expiring(3600)]);
    });

    it('writes a batch larger than one INSERT, with a jti repeated inside it', async () => {
      const expiresAt = new Date(NOW.getTime() + 300_000);
      const batch = Array.from({ length: 1203 }, (_, index) => sandboxJti(`jti-${index % 1200}`, expiresAt));
      await testStore.store.rememberJtis(batch);
      await expect(testStore.store.liveJtis(5000)).resolves.toHaveLength(1200);
    });
  });
}

describeBackend('postgresql', 'store shared by two replicas', () => {
  let first: TestStore;
  let second: TestStore['store'];
  const clock = (): Date => NOW;

  beforeAll(async () => {
    first = await openTestStore('postgresql', clock);
    second = await openStore({
      databaseUrl: first.databaseUrl,
      pgliteDataDir: PGLITE_IN_MEMORY,
      now: clock,
      onBackgroundError: (error) => {
        throw error;
      },
    });
  });
  afterAll(async () => {
    await second?.close();
    await first?.dispose();
  });

  it('refuses on one replica a JWT id first used on the other', async () => {
    const jti = sandboxJti('jti-on-a', new Date('2026-11-22T02:11:54Z'));
    await expect(first.store.claimJtis([jti])).resolves.toEqual([true]);
    await expect(second.claimJtis([jti])).resolves.toEqual([false]);
  });

  it('accepts each JWT id once when both replicas claim the same ids at once, in opposite orders', async () => {
    const expiresAt = new Date('2026-11-22T02:11:54Z');
    for (let round = 0; round < 20; round += 1) {
      const jtis = Array.from({ length: 20 }, (_, index) => sandboxJti(`replayed-${round}-${index}`, expiresAt));
      // Neither statement fails (a deadlock would fail one, and its jtis would be checked by memory only).
      const [onFirst, onSecond] = await Promise.all([first.store.claimJtis(jtis), second.claimJtis([...jtis].reverse())]);
      const accepted = onFirst.map((fresh, index) => Number(fresh) + Number(onSecond[jtis.length - 1 - index]));
      expect(accepted).toEqual(jtis.map(() => 1));
    }
  });

  it('attributes feedback received by one replica to a card issued by the other', async () => {
    await first.store.recordIssuedCards([troughLowCard]);
    await second.recordFeedback([suggestionAccepted]);
    const report = await first.store.feedbackReport();
    expect(report.rules).toEqual([
      { ruleCode: 'tacrolimus-trough-low', issued: 1, shadow: 0, accepted: 1, overridden: 0, overrideReasons: [] },
    ]);
  });

  it('lets replicas starting together migrate the same database', async () => {
    await expect(Promise.all([first.store.migrate(), second.migrate()])).resolves.toEqual([
      undefined,
      undefined,
    ]);
  });
});
