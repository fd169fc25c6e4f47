import request from 'supertest';
import { createMetrics, type Metrics } from '../../src/metrics';
import type { Store } from '../../src/store/store';
import { operationOutcome as outcome } from '../support/operation-outcome';
import { buildTestApp } from '../support/test-app';
import { openTestStore, type TestStore } from '../store/store-backends';

/**
 * A database outage (service-contract.md "HTTP status"; docs/deploy.md "Health checks"): hooks
 * do not need the store, so the replica stays ready and keeps answering them; feedback and the
 * admin report need it and answer 503 with Retry-After; the EHR's retry once the store is back is
 * stored exactly once. The store is the real embedded one behind a switch that makes every call
 * fail the way node-postgres fails when PostgreSQL refuses connections.
 */
const NOW = new Date('2026-11-22T02:09:00Z');

interface Outage {
  readonly store: Store;
  start(): void;
  end(): void;
}

/** Every method of `store` (whatever the interface holds) rejects while the outage lasts. */
function behindOutage(store: Store): Outage {
  let down = false;
  const refused = (): Promise<never> =>
    Promise.reject(Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }));
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (down ? refused() : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return { store: wrapped, start: () => (down = true), end: () => (down = false) };
}

const patientView = {
  hook: 'patient-view',
  hookInstance: '7e0f6a52-3d8c-4b1e-9a47-2f5c8d1e6b39',
  context: { userId: 'Practitioner/prac-1', patientId: 'p01' },
  prefetch: { patient: null, conditions: null, medications: null, tacrolimus: null, mpaTrough: null, mpaAuc: null, egfr: null, weight: null },
};

/** A clinician overrode the tacrolimus trough card: "not relevant", coded. */
const overriddenTroughCard = {
  feedback: [
    {
      card: '3c1b8f0e-5a2d-4e7b-9c6a-1d2e3f4a5b6c',
      outcome: 'overridden',
      overrideReason: { reason: { system: 'http://example.org/override', code: 'not-relevant' } },
      outcomeTimestamp: '2026-11-22T02:07:10Z',
    },
  ],
};

const STORE_UNAVAILABLE = outcome(
  'transient',
  'store-unavailable',
  'The feedback store cannot be reached; send the same feedback again later (it is stored once)',
);

async function storeUp(metrics: Metrics): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric('cds_store_up')?.get();
  return metric?.values.find((v) => v.labels.store === 'pglite')?.value;
}

describe('a database outage', () => {
  let testStore: TestStore;
  let outage: Outage;
  let metrics: Metrics;
  let built: ReturnType<typeof buildTestApp>;

  beforeAll(async () => {
    testStore = await openTestStore('pglite', () => NOW);
  });
  afterAll(async () => {
    await testStore?.dispose();
  });
  beforeEach(async () => {
    await testStore.reset();
    outage = behindOutage(testStore.store);
    metrics = createMetrics();
    built = buildTestApp({ now: NOW, store: outage.store, metrics });
  });

  test('leaves the replica ready, shows the store down, and hooks are still answered 200', async () => {
    outage.start();
    const ready = await request(built.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', config: 'loaded', store: 'pglite', storeState: 'down' });

    const hook = await request(built.app).post('/cds-services/ln-patient-view').send(patientView);
    expect(hook.status).toBe(200);
    expect(hook.body).toEqual({ cards: [] });

    expect(await storeUp(metrics)).toBe(0);
    const scrape = await request(built.app).get('/metrics');
    expect(scrape.text).toContain('cds_store_up{store="pglite"} 0');
    const warned = built.log.lines.filter((line) => line.level === 'warn');
    expect(warned).toEqual([
      expect.objectContaining({
        message: 'store unreachable: feedback and administration calls answer 503; hooks are still answered',
        store: 'pglite',
        errorMessage: 'connect ECONNREFUSED 10.0.0.5:5432',
      }),
    ]);
  });

  test('answers feedback 503 with Retry-After; the retry once the store is back is stored exactly once', async () => {
    outage.start();
    const refused = await request(built.app).post('/cds-services/ln-patient-view/feedback').send(overriddenTroughCard);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.body).toEqual(STORE_UNAVAILABLE);
    expect(built.log.raw()).not.toContain('"stack"');
    // The outage is logged once as a warning; the refused request is a consequence, not an error.
    expect(built.log.lines.filter((line) => line.level === 'error')).toEqual([]);

    outage.end();
    await request(built.app).post('/cds-services/ln-patient-view/feedback').send(overriddenTroughCard).expect(200);
    // The EHR's queue may resend once more (its own retry after a lost 200): still one row.
    await request(built.app).post('/cds-services/ln-patient-view/feedback').send(overriddenTroughCard).expect(200);
    const report = await testStore.store.feedbackReport();
    expect(report.rules).toEqual([
      {
        ruleCode: null,
        issued: 0,
        shadow: 0,
        accepted: 0,
        overridden: 1,
        overrideReasons: [{ system: 'http://example.org/override', code: 'not-relevant', display: null, cards: 1 }],
      },
    ]);

    const ready = await request(built.app).get('/readyz');
    expect(ready.body).toEqual({ status: 'ready', config: 'loaded', store: 'pglite', storeState: 'up' });
    expect(await storeUp(metrics)).toBe(1);
    expect(built.log.lines.some((line) => line.message === 'store reachable again')).toBe(true);
  });

  test('answers the admin feedback report 503 with Retry-After while the store is down', async () => {
    outage.start();
    const response = await request(built.app).get('/admin/feedback-report');
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.body).toEqual(
      outcome('transient', 'store-unavailable', 'The store cannot be reached; ask for the report again later'),
    );
  });

  test('a store failure while the database still answers is ours: a generic 500, not a 503 inviting retries', async () => {
    const failing: Store = {
      ...testStore.store,
      description: testStore.store.description,
      recordFeedback: () => Promise.reject(new Error('column "received_at" does not exist')),
      ping: () => testStore.store.ping(),
    };
    const { app } = buildTestApp({ now: NOW, store: failing });
    const response = await request(app).post('/cds-services/ln-patient-view/feedback').send(overriddenTroughCard);
    expect(response.status).toBe(500);
    expect(response.headers['retry-after']).toBeUndefined();
    expect(response.body).toEqual(
      outcome('exception', 'internal', 'The service failed unexpectedly; the failure was logged'),
    );
  });
});

describe('a hung database', () => {
  test('never holds /readyz: it answers within the probe wait, and reports the store down once a ping times out', async () => {
    const { store } = behindOutage({
      description: { kind: 'pglite', location: 'memory' },
      ping: () => new Promise<void>(() => undefined),
    } as unknown as Store);
    const { app } = buildTestApp({ now: NOW, store });
    const started = performance.now();
    const first = await request(app).get('/readyz');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ status: 'ready', config: 'loaded', store: 'pglite', storeState: 'unknown' });

    await new Promise((resolve) => setTimeout(resolve, 2100));
    const later = await request(app).get('/readyz');
    expect(later.status).toBe(200);
    expect(later.body).toEqual({ status: 'ready', config: 'loaded', store: 'pglite', storeState: 'down' });
  });
});
