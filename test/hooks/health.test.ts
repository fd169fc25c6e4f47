import express from 'express';
import request from 'supertest';
import { routeKindOf } from '../../src/hooks/http-metrics';
import { createRequestObserver } from '../../src/hooks/request-observer';
import { isLoopbackAddress } from '../../src/hooks/admin';
import { createMetrics } from '../../src/metrics';
import type { Store } from '../../src/store/store';
import { buildTestApp, captureLogger } from '../support/test-app';

/**
 * Operations endpoints: /healthz (alive), /readyz (ready to answer hooks, with the store's state
 * beside), /metrics (Prometheus), and /admin/feedback-report (behind the admin guard).
 */
const NOW = '2026-11-22T02:09:00Z';

function storeAnswering(ping: () => Promise<void>): Store {
  return {
    description: { kind: 'postgresql', location: 'db.internal:5432/cds' },
    migrate: () => Promise.resolve(),
    recordIssuedCards: () => Promise.resolve(),
    recordFeedback: () => Promise.resolve({ stored: 0, duplicates: 0, storedItems: [] }),
    findIssuedCard: () => Promise.resolve(undefined),
    feedbackReport: () =>
      Promise.resolve({
        generatedAt: NOW,
        rules: [
          { ruleCode: 'tacrolimus-trough-low', issued: 3, shadow: 0, accepted: 1, overridden: 1, overrideReasons: [] },
        ],
      }),
    auditTrail: () => Promise.resolve([]),
    deleteIssuedCardsBefore: () => Promise.resolve(0),
    claimJtis: (jtis: readonly unknown[]) => Promise.resolve(jtis.map(() => true)),
    rememberJtis: () => Promise.resolve(),
    liveJtis: () => Promise.resolve([]),
    ping,
    close: () => Promise.resolve(),
  };
}

describe('health checks', () => {
  test('/healthz says the process is alive', async () => {
    const { app } = buildTestApp({ now: NOW });
    const response = await request(app).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  test('/readyz is ready and shows the store up when the store answers', async () => {
    const { app } = buildTestApp({ now: NOW, store: storeAnswering(() => Promise.resolve()) });
    const response = await request(app).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ready', config: 'loaded', store: 'postgresql', storeState: 'up' });
  });

  // Readiness means "can answer hooks", and hooks do not need the database: a load balancer that
  // took every replica out during a database outage would take the hooks offline with it.
  test('/readyz stays 200 when the database is unreachable, showing the store down', async () => {
    const { app, log } = buildTestApp({
      now: NOW,
      store: storeAnswering(() => Promise.reject(new Error('ECONNREFUSED'))),
    });
    const response = await request(app).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ready', config: 'loaded', store: 'postgresql', storeState: 'down' });
    expect(log.lines.some((line) => line.level === 'warn' && String(line.message).startsWith('store unreachable'))).toBe(true);
  });

  test('/readyz without a store (other layers under test) reports none', async () => {
    const { app } = buildTestApp({ now: NOW });
    const response = await request(app).get('/readyz');
    expect(response.body).toEqual({ status: 'ready', config: 'loaded', store: 'none' });
  });
});

describe('metrics', () => {
  test('/metrics exposes request counts by route, service and status in Prometheus text format', async () => {
    const metrics = createMetrics();
    const { app } = buildTestApp({ now: NOW, metrics });
    await request(app).get('/cds-services').expect(200);
    await request(app).post('/cds-services/ln-kidney-view').send({}).expect(404);
    const response = await request(app).get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toContain(
      'cds_http_requests_total{route="discovery",service="none",status="200"} 1',
    );
    // An unknown service id never becomes a label value.
    expect(response.text).toContain('cds_http_requests_total{route="hook",service="none",status="404"} 1');
    expect(response.text).not.toContain('ln-kidney-view');
  });

  test('counts cards issued by rule code, and FHIR queries with their failures', async () => {
    const metrics = createMetrics();
    const app = express();
    app.use(createRequestObserver({ logger: captureLogger().logger, metrics, now: () => 0 }));
    app.get('/cds-services/ln-patient-view', (_req, res) => {
      res.locals.serviceId = 'ln-patient-view';
      res.locals.fhirQueries = [
        { key: 'conditions', ms: 42, pages: 1, outcome: 'ok' },
        { key: 'tacrolimus', ms: 1500, pages: 0, outcome: 'timeout' },
      ];
      res.json({ cards: [] });
    });
    await request(app).get('/cds-services/ln-patient-view').expect(200);
    metrics.cardsIssued('tacrolimus-trough-low');
    metrics.cardsIssued('tacrolimus-trough-low');
    const text = await metrics.render();
    expect(text).toContain('cds_http_requests_total{route="hook",service="ln-patient-view",status="200"} 1');
    expect(text).toContain('cds_cards_issued_total{rule="tacrolimus-trough-low",mode="active"} 2');
    expect(text).toContain('cds_fhir_query_duration_seconds_count{query="conditions",outcome="ok"} 1');
    expect(text).toContain('cds_fhir_query_failures_total{query="tacrolimus",reason="timeout"} 1');
  });

  test('each app has its own registry, so many apps can be built in one process', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.cardsIssued('overimmunosuppression');
    expect(await second.render()).not.toContain('overimmunosuppression');
  });

  test.each([
    ['/cds-services', 'discovery'],
    ['/cds-services/ln-order-sign', 'hook'],
    ['/cds-services/ln-order-sign/feedback', 'feedback'],
    ['/readyz', 'health'],
    ['/metrics', 'metrics'],
    ['/admin/feedback-report', 'admin'],
    ['/app/api/timeline', 'timeline'],
    ['/app/fhir-client.js', 'app'],
    ['/application', 'other'],
    ['/wp-login.php', 'other'],
  ])('labels %s as %s', (path, kind) => {
    expect(routeKindOf(path)).toBe(kind);
  });
});

describe('admin feedback report', () => {
  test('answers a caller on this machine with the per-rule report', async () => {
    const { app } = buildTestApp({ now: NOW, store: storeAnswering(() => Promise.resolve()) });
    const response = await request(app).get('/admin/feedback-report');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      generatedAt: NOW,
      rules: [
        { ruleCode: 'tacrolimus-trough-low', issued: 3, shadow: 0, accepted: 1, overridden: 1, overrideReasons: [] },
      ],
      currentRulesetVersion: expect.stringMatching(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/) as unknown,
    });
  });

  // Who may call it (token, loopback, production): test/hooks/admin-guard.test.ts.
  test.each([
    ['127.0.0.1', true],
    ['::ffff:127.0.0.1', true],
    ['::1', true],
    ['127.8.9.10', true],
    ['10.0.0.7', false],
    ['::ffff:10.0.0.7', false],
    ['fe80::1', false],
    [undefined, false],
  ])('treats peer address %s as loopback: %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});
