import { createHash } from 'node:crypto';
import request from 'supertest';
import type { FeedbackReportQuery, Store } from '../../src/store/store';
import { buildTestApp } from '../support/test-app';

/**
 * The quality console as the operator's browser fetches it: a static page under a CSP that lets
 * it run its own script only, and the report it asks for over a period and a tenant.
 */
const NOW = '2026-06-04T07:00:00.000Z';

function storeRecordingQueries(queries: FeedbackReportQuery[]): Store {
  return {
    description: { kind: 'pglite', location: 'memory' },
    migrate: () => Promise.resolve(),
    recordIssuedCards: () => Promise.resolve(),
    recordFeedback: () => Promise.resolve({ stored: 0, duplicates: 0, storedItems: [] }),
    findIssuedCard: () => Promise.resolve(undefined),
    feedbackReport: (query = {}) => {
      queries.push(query);
      return Promise.resolve({ generatedAt: NOW, rules: [] });
    },
    claimJtis: (jtis: readonly unknown[]) => Promise.resolve(jtis.map(() => true)),
    rememberJtis: () => Promise.resolve(),
    liveJtis: () => Promise.resolve([]),
    auditTrail: () => Promise.resolve([]),
    deleteIssuedCardsBefore: () => Promise.resolve(0),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

function consoleApp() {
  const queries: FeedbackReportQuery[] = [];
  const { app } = buildTestApp({ now: NOW, store: storeRecordingQueries(queries) });
  return { app, queries };
}

describe('quality console page', () => {
  test('is served at /admin/ with a CSP that allows its own scripts and styles and nothing inline', async () => {
    const response = await request(consoleApp().app).get('/admin/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['cache-control']).toBe('no-store');
    // Every script is a file of this service; no inline script or style attribute to allow.
    expect(response.text.match(/<script[^>]*>/g)).toEqual([
      '<script src="/admin/uplot.js" defer>',
      '<script src="/admin/console.js" defer>',
    ]);
    expect(response.text).not.toMatch(/\sstyle=|\son[a-z]+=/i);
  });

  test.each([
    ['/admin/console.js', 'text/javascript; charset=utf-8'],
    ['/admin/console.css', 'text/css; charset=utf-8'],
    ['/admin/uplot.js', 'text/javascript; charset=utf-8'],
    ['/admin/uplot.css', 'text/css; charset=utf-8'],
    ['/admin/favicon.svg', 'image/svg+xml'],
  ])('serves %s from the service itself', async (path, type) => {
    const response = await request(consoleApp().app).get(path);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(type);
  });

  test('is refused to a request relayed by a proxy, and a file it does not have is a missing route', async () => {
    const { app } = consoleApp();
    await request(app).get('/admin/').set('X-Forwarded-For', '203.0.113.9').expect(403);
    await request(app).get('/admin/console.js').set('Via', '1.1 proxy.example.org').expect(403);
    await request(app).get('/admin/secrets.json').expect(404);
  });
});

describe('report over a period and a tenant', () => {
  test('asks the store for June at north-hospital, the last day included', async () => {
    const { app, queries } = consoleApp();
    const response = await request(app).get('/admin/feedback-report?since=2026-06-01&until=2026-06-30&tenant=north-hospital');
    expect(response.status).toBe(200);
    expect(queries).toEqual([
      { since: new Date('2026-06-01T00:00:00Z'), until: new Date('2026-07-01T00:00:00Z'), tenant: 'north-hospital' },
    ]);
  });

  test('passes a tenant name as it is, spaces included', async () => {
    const { app, queries } = consoleApp();
    await request(app).get('/admin/feedback-report?tenant=North%20Hospital').expect(200);
    expect(queries).toEqual([{ tenant: 'North Hospital' }]);
  });

  test('takes instants with their offset as they are, and an empty tenant as every tenant', async () => {
    const { app, queries } = consoleApp();
    await request(app).get('/admin/feedback-report?since=2026-06-01T08:00:00%2B02:00&tenant=').expect(200);
    expect(queries).toEqual([{ since: new Date('2026-06-01T06:00:00Z') }]);
  });

  test.each([
    ['since=June', 'since must be a date (2026-06-01) or an instant with its offset (2026-06-01T00:00:00Z)'],
    ['until=2026-02-30', 'until must be a date (2026-06-01) or an instant with its offset (2026-06-01T00:00:00Z)'],
    ['since=2026-06-01T00:00:00', 'since must be a date (2026-06-01) or an instant with its offset (2026-06-01T00:00:00Z)'],
    ['since=2026-06-30&until=2026-06-01', 'since must be before until'],
    [`tenant=${'n'.repeat(257)}`, 'tenant must be a tenant name of CDS_CLIENTS_FILE (at most 256 characters)'],
    ['tenant=north&tenant=south', 'tenant must be a tenant name of CDS_CLIENTS_FILE (at most 256 characters)'],
    ['since=2026-06-01&since=2026-06-02', 'since must be a date (2026-06-01) or an instant with its offset (2026-06-01T00:00:00Z)'],
  ])('refuses %s with a 400 that says why', async (query, text) => {
    const response = await request(consoleApp().app).get(`/admin/feedback-report?${query}`);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'invalid',
          details: { coding: [{ system: 'urn:ln-cds-hooks:error', code: 'invalid-request' }], text },
        },
      ],
    });
  });
});

describe('quality console behind the administration token', () => {
  const token = 'c0ns0le-adm1n-t0ken-for-the-cds-committee';
  const digest = createHash('sha256').update(token).digest('hex');
  const tokenApp = () =>
    buildTestApp({ now: NOW, env: { CDS_ADMIN_TOKEN_SHA256: digest }, store: storeRecordingQueries([]) }).app;

  test('serves the page itself without the token (it holds no data), but not the report', async () => {
    const app = tokenApp();
    expect((await request(app).get('/admin/')).status).toBe(200);
    expect((await request(app).get('/admin/console.js')).status).toBe(200);
    expect((await request(app).get('/admin/feedback-report')).status).toBe(401);
    const report = await request(app).get('/admin/feedback-report').set('Authorization', `Bearer ${token}`);
    expect(report.status).toBe(200);
  });

  test('in production without a token the page is closed like every other admin route', async () => {
    const { app } = buildTestApp({
      now: NOW,
      env: { NODE_ENV: 'production', CDS_CLIENTS_FILE: 'clients.json', CDS_PUBLIC_URL: 'https://cds.example.org', CDS_CORS_ORIGINS: 'https://ehr.example.org' },
      store: storeRecordingQueries([]),
    });
    expect((await request(app).get('/admin/')).status).toBe(403);
  });
});
