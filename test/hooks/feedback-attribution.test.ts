import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startMemoryFhirServer, type MemoryFhirServer } from '../../dev/memory-fhir-server';
import { createMetrics } from '../../src/metrics';
import { createIssuedCardRecorder } from '../../src/store/issued-card-recorder';
import { loadAcceptanceCases, fixturesDir, type AcceptanceCase } from '../support/fixtures';
import { buildTestApp, captureLogger } from '../support/test-app';
import { openTestStore, type TestStore } from '../store/store-backends';

/**
 * The whole loop as the server wires it (src/server.ts): a hook answers with a card, the card is
 * recorded off the hook path, the clinician overrides it, and the feedback report attributes the
 * override to the rule that fired.
 */
const p01: AcceptanceCase | undefined = loadAcceptanceCases(fixturesDir('acceptance')).find(
  (c) => c.id.startsWith('p01') || c.context.patientId === 'p01',
);

let fhir: MemoryFhirServer | undefined;
let testStore: TestStore;

beforeAll(async () => {
  testStore = await openTestStore('pglite', () => new Date(p01?.now ?? 0));
  fhir = await startMemoryFhirServer();
});
afterAll(async () => {
  await fhir?.close();
  await testStore?.dispose();
});

test(
  "p01's low tacrolimus trough card, overridden for a nephrology target, is reported under tacrolimus-trough-low",
  async () => {
    if (!p01 || !fhir) throw new Error('p01 or the FHIR server is missing');
    await fhir.load(p01.fhir);
    const metrics = createMetrics();
    const { logger } = captureLogger();
    const recorder = createIssuedCardRecorder({
      store: testStore.store,
      logger,
      metrics,
      flushIntervalMs: 3_600_000,
    });
    const { app } = buildTestApp({
      now: p01.now,
      store: testStore.store,
      metrics,
      onCardsIssued: (event) => recorder.record(event),
    });

    const hook = await request(app)
      .post('/cds-services/ln-patient-view')
      .send({ hook: 'patient-view', hookInstance: randomUUID(), context: p01.context, fhirServer: fhir.url })
      .expect(200);
    const cards = hook.body.cards as { uuid: string; source: { topic: { code: string } } }[];
    expect(cards.map((card) => card.source.topic.code)).toEqual(['tacrolimus-trough-low']);
    await recorder.flush();

    await request(app)
      .post('/cds-services/ln-patient-view/feedback')
      .send({
        feedback: [
          {
            card: cards[0]?.uuid,
            outcome: 'overridden',
            overrideReason: {
              reason: { system: 'urn:ln-cds-hooks:override-reason', code: 'nephrology-target' },
            },
            outcomeTimestamp: '2026-06-01T09:01:30Z',
          },
        ],
      })
      .expect(200);

    const report = await testStore.store.feedbackReport();
    expect(report.rules).toEqual([
      {
        ruleCode: 'tacrolimus-trough-low',
        issued: 1,
        shadow: 0,
        accepted: 0,
        overridden: 1,
        overrideReasons: [
          { system: 'urn:ln-cds-hooks:override-reason', code: 'nephrology-target', display: null, cards: 1 },
        ],
      },
    ]);
    const text = await metrics.render();
    expect(text).toContain('cds_cards_issued_total{rule="tacrolimus-trough-low",mode="active"} 1');
    expect(text).toContain('cds_feedback_total{rule="tacrolimus-trough-low",outcome="overridden"} 1');
    await recorder.close();
  },
);
