import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadClientsFile } from '../../src/config/clients-file';
import { loadConfig } from '../../src/config';
import { createMetrics, type Metrics } from '../../src/metrics';
import { createReplayCacheFor } from '../../src/auth/shared-replay-cache';
import type { IssuedCard, Store } from '../../src/store/store';
import { fixturesDir } from '../support/fixtures';
import { operationOutcome as outcome } from '../support/operation-outcome';
import { loadRecordedRequests, SANDBOX_CLOCK, SANDBOX_PUBLIC_JWK, type RecordedRequest } from '../support/sandbox-requests';
import { buildTestApp, captureLogger } from '../support/test-app';
import { BACKENDS, describeBackend, openTestStore, type TestStore } from '../store/store-backends';

/**
 * POST /cds-services/{id}/feedback (CDS Hooks 2.0 §Feedback), against a real store on both
 * back-ends: what the Sandbox sent is answered 200 and stored once; malformed feedback is a 400
 * OperationOutcome naming the field; feedback is attributed to the rule of the card it names.
 */
const NOW = new Date(SANDBOX_CLOCK);
const recorded = loadRecordedRequests(fixturesDir('sandbox-requests'));
const recording = (file: string): RecordedRequest => {
  const found = recorded.find((r) => r.file === file);
  if (!found) throw new Error(`recording ${file} is missing`);
  return found;
};

function send(app: Parameters<typeof request>[0], r: RecordedRequest) {
  const call = request(app).post(r.path);
  for (const [name, value] of Object.entries(r.headers)) call.set(name, value);
  // The Sandbox's feedback POSTs accept anything (README "Quirks").
  return call.set('accept', 'application/json, text/plain, */*').send(r.body as object);
}


const troughLowCard: IssuedCard = {
  uuid: '3c1b8f0e-5a2d-4e7b-9c6a-1d2e3f4a5b6c',
  serviceId: 'ln-patient-view',
  ruleCode: 'tacrolimus-trough-low',
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  issuedAt: new Date('2026-11-22T02:06:44Z'),
};

const acceptedTroughSuggestion = {
  feedback: [
    {
      card: troughLowCard.uuid,
      outcome: 'accepted',
      acceptedSuggestions: [{ id: '9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d' }],
      outcomeTimestamp: '2026-11-22T02:07:10Z',
    },
  ],
};

async function feedbackCount(metrics: Metrics, rule: string, outcomeLabel: string): Promise<number> {
  const metric = await metrics.registry.getSingleMetric('cds_feedback_total')?.get();
  return metric?.values.find((v) => v.labels.rule === rule && v.labels.outcome === outcomeLabel)?.value ?? 0;
}

for (const backend of BACKENDS) {
  describeBackend(backend, 'feedback endpoint', () => {
    let testStore: TestStore;
    let metrics: Metrics;
    let app: ReturnType<typeof buildTestApp>['app'];

    beforeAll(async () => {
      testStore = await openTestStore(backend, () => NOW);
    });
    afterAll(async () => {
      await testStore?.dispose();
    });
    beforeEach(async () => {
      await testStore.reset();
      metrics = createMetrics();
      ({ app } = buildTestApp({ now: NOW, store: testStore.store, metrics }));
    });

    test("answers the Sandbox's accepted feedback with 200 and an empty body", async () => {
      const response = await send(app, recording('feedback-accepted.json'));
      expect(response.status).toBe(200);
      expect(response.text).toBe('');
    });

    test('stores the same Sandbox feedback sent twice only once', async () => {
      await send(app, recording('feedback-accepted.json')).expect(200);
      await send(app, recording('feedback-accepted.json')).expect(200);
      const report = await testStore.store.feedbackReport();
      expect(report.rules).toEqual([
        { ruleCode: null, issued: 0, shadow: 0, accepted: 1, overridden: 0, overrideReasons: [] },
      ]);
      await expect(feedbackCount(metrics, 'unattributed', 'accepted')).resolves.toBe(1);
    });

    test("records the Sandbox stub's card, which this service never issued, as unattributed with its override reason", async () => {
      await send(app, recording('feedback-overridden.json')).expect(200);
      const report = await testStore.store.feedbackReport();
      expect(report.rules).toEqual([
        {
          ruleCode: null,
          issued: 0,
          shadow: 0,
          accepted: 0,
          overridden: 1,
          overrideReasons: [
            { system: 'http://example.org/override', code: 'not-relevant', display: null, cards: 1 },
          ],
        },
      ]);
    });

    test('attributes an accepted tacrolimus trough suggestion to tacrolimus-trough-low', async () => {
      await testStore.store.recordIssuedCards([troughLowCard]);
      await request(app)
        .post('/cds-services/ln-patient-view/feedback')
        .send(acceptedTroughSuggestion)
        .expect(200);
      const report = await testStore.store.feedbackReport();
      expect(report.rules).toEqual([
        { ruleCode: 'tacrolimus-trough-low', issued: 1, shadow: 0, accepted: 1, overridden: 0, overrideReasons: [] },
      ]);
      await expect(feedbackCount(metrics, 'tacrolimus-trough-low', 'accepted')).resolves.toBe(1);
    });

    test('refuses feedback without an outcome with a 400 naming the field', async () => {
      const response = await request(app)
        .post('/cds-services/ln-patient-view/feedback')
        .send({ feedback: [{ card: troughLowCard.uuid, outcomeTimestamp: '2026-11-22T02:07:10Z' }] });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        outcome('invalid', 'invalid-request', '/feedback/0/outcome is required', '/feedback/0/outcome'),
      );
    });

    test('refuses an outcome CDS Hooks 2.0 does not define', async () => {
      const body = { feedback: [{ ...acceptedTroughSuggestion.feedback[0], outcome: 'ignored' }] };
      const response = await request(app).post('/cds-services/ln-patient-view/feedback').send(body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        outcome(
          'invalid',
          'invalid-request',
          '/feedback/0/outcome must be equal to one of the allowed values (accepted, overridden)',
          '/feedback/0/outcome',
        ),
      );
    });

    test('refuses an outcomeTimestamp that is not an ISO date-time', async () => {
      const body = {
        feedback: [{ ...acceptedTroughSuggestion.feedback[0], outcomeTimestamp: '22/11/2026 02:07' }],
      };
      const response = await request(app).post('/cds-services/ln-patient-view/feedback').send(body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        outcome(
          'invalid',
          'invalid-request',
          '/feedback/0/outcomeTimestamp must match format "date-time"',
          '/feedback/0/outcomeTimestamp',
        ),
      );
    });

    test('refuses accepted feedback that names no accepted suggestion (required for accepted outcomes)', async () => {
      const body = {
        feedback: [
          { card: troughLowCard.uuid, outcome: 'accepted', outcomeTimestamp: '2026-11-22T02:07:10Z' },
        ],
      };
      const response = await request(app).post('/cds-services/ln-patient-view/feedback').send(body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        outcome(
          'invalid',
          'invalid-request',
          '/feedback/0/acceptedSuggestions is required when outcome is accepted',
          '/feedback/0/acceptedSuggestions',
        ),
      );
    });

    test('refuses an override reason Coding without its system', async () => {
      const body = {
        feedback: [
          {
            card: troughLowCard.uuid,
            outcome: 'overridden',
            overrideReason: { reason: { code: 'nephrology-target' } },
            outcomeTimestamp: '2026-11-22T02:07:10Z',
          },
        ],
      };
      const response = await request(app).post('/cds-services/ln-patient-view/feedback').send(body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        outcome(
          'invalid',
          'invalid-request',
          '/feedback/0/overrideReason/reason/system is required',
          '/feedback/0/overrideReason/reason/system',
        ),
      );
    });

    test('refuses feedback that is not JSON', async () => {
      const response = await request(app)
        .post('/cds-services/ln-patient-view/feedback')
        .set('content-type', 'application/json')
        .send('{"feedback": [');
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        outcome('structure', 'invalid-json', 'The request body is not valid JSON'),
      );
    });

    test('answers 404 for feedback to a service that does not exist', async () => {
      const response = await request(app)
        .post('/cds-services/ln-kidney-view/feedback')
        .send(acceptedTroughSuggestion);
      expect(response.status).toBe(404);
      expect(response.body).toEqual(
        outcome('not-found', 'unknown-service', 'No CDS service "ln-kidney-view"'),
      );
    });

    test('stores an override with a user comment, but not the comment text (it may name the patient)', async () => {
      await testStore.store.recordIssuedCards([troughLowCard]);
      const body = {
        feedback: [
          {
            card: troughLowCard.uuid,
            outcome: 'overridden',
            overrideReason: {
              reason: {
                system: 'urn:ln-cds-hooks:override-reason',
                code: 'nephrology-target',
                display: 'Patient-specific target set by nephrology',
              },
              userComment: 'Mrs Example is on a 3-5 ng/mL target agreed with Dr Kidney',
            },
            outcomeTimestamp: '2026-11-22T02:07:10Z',
          },
        ],
      };
      await request(app).post('/cds-services/ln-patient-view/feedback').send(body).expect(200);
      const report = await testStore.store.feedbackReport();
      expect(JSON.stringify(report)).not.toContain('Mrs Example');
      expect(report.rules[0]?.overrideReasons).toEqual([
        {
          system: 'urn:ln-cds-hooks:override-reason',
          code: 'nephrology-target',
          display: 'Patient-specific target set by nephrology',
          cards: 1,
        },
      ]);
    });
  });
}

describe('feedback endpoint when the database fails', () => {
  function failingStore(ping: () => Promise<void>): Store {
    return {
      description: { kind: 'postgresql', location: 'db.example:5432/cds' },
      migrate: () => Promise.resolve(),
      recordIssuedCards: () => Promise.resolve(),
      recordFeedback: () =>
        Promise.reject(new Error('connection terminated: password authentication failed for user "cds"')),
      findIssuedCard: () => Promise.resolve(undefined),
      feedbackReport: () => Promise.reject(new Error('down')),
      auditTrail: () => Promise.reject(new Error('down')),
      deleteIssuedCardsBefore: () => Promise.reject(new Error('down')),
      claimJtis: (jtis: readonly unknown[]) => Promise.resolve(jtis.map(() => true)),
      rememberJtis: () => Promise.resolve(),
      liveJtis: () => Promise.resolve([]),
      ping,
      close: () => Promise.resolve(),
    };
  }

  // service-contract.md "HTTP status": 503 with Retry-After while the store is unreachable (this
  // was a 500 before the contract said so); the EHR keeps the feedback and sends it again.
  test('answers 503 with Retry-After while the database is unreachable, and logs the cause, never the internals', async () => {
    const { app, log } = buildTestApp({ now: NOW, store: failingStore(() => Promise.reject(new Error('down'))) });
    const response = await request(app)
      .post('/cds-services/ln-patient-view/feedback')
      .send(acceptedTroughSuggestion);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.body).toEqual(
      outcome(
        'transient',
        'store-unavailable',
        'The feedback store cannot be reached; send the same feedback again later (it is stored once)',
      ),
    );
    expect(JSON.stringify(response.body)).not.toContain('password');
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        message: 'request refused',
        code: 'store-unavailable',
        causeMessage: 'connection terminated: password authentication failed for user "cds"',
      }),
    );
  });

  test('answers a generic 500 OperationOutcome when the database answers but the write fails, and logs the cause', async () => {
    const { app, log } = buildTestApp({ now: NOW, store: failingStore(() => Promise.resolve()) });
    const response = await request(app)
      .post('/cds-services/ln-patient-view/feedback')
      .send(acceptedTroughSuggestion);
    expect(response.status).toBe(500);
    expect(response.body).toEqual(
      outcome('exception', 'internal', 'The service failed unexpectedly; the failure was logged'),
    );
    expect(JSON.stringify(response.body)).not.toContain('password');
    expect(log.lines.some((line) => line.message === 'unexpected failure')).toBe(true);
  });
});

describeBackend('postgresql', 'two replicas behind a load balancer, CDS_AUTH=required', () => {
  let shared: TestStore;

  beforeAll(async () => {
    shared = await openTestStore('postgresql', () => NOW);
  });
  afterAll(async () => {
    await shared?.dispose();
  });

  function replica() {
    const clientsFile = join(mkdtempSync(join(tmpdir(), 'ln-clients-')), 'clients.json');
    // The Sandbox's key is public in its repository: trusted in this test only (README).
    writeFileSync(
      clientsFile,
      JSON.stringify([
        {
          iss: 'https://sandbox.cds-hooks.org',
          jwks: { keys: [SANDBOX_PUBLIC_JWK] },
          fhirServers: ['http://127.0.0.1:8090/fhir'],
        },
      ]),
    );
    const config = loadConfig(
      { CDS_AUTH: 'required', CDS_CLIENTS_FILE: clientsFile, CDS_PUBLIC_URL: 'http://127.0.0.1:3001' },
      { loadClients: loadClientsFile },
    );
    const { logger } = captureLogger();
    const replayCache = createReplayCacheFor({ store: shared.store, now: () => NOW, logger });
    return createApp({ config, logger, clock: () => NOW, store: shared.store, replayCache });
  }

  test("stores the Sandbox's signed feedback on one replica and refuses the same token replayed to the other", async () => {
    const [first, second] = [replica(), replica()];
    const sandboxFeedback = recording('feedback-accepted.json');
    await send(first, sandboxFeedback).expect(200);
    const replayed = await send(second, sandboxFeedback);
    expect(replayed.status).toBe(401);
    expect(replayed.text).toBe('');
  });
});
