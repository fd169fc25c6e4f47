import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { HELMET_OPTIONS } from '../../src/hooks/security-headers';
import { buildTestApp } from '../support/test-app';

/**
 * The service takes helmet's headers once at start-up instead of running helmet's middlewares on
 * every request. A browser or a scanner must see exactly what helmet itself would send.
 */
const NOW = '2026-11-22T05:00:00Z';

function helmetOnly(): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet(HELMET_OPTIONS));
  app.get('/cds-services', (_req, res) => {
    res.json({ services: [] });
  });
  return app;
}

const SECURITY_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

describe('security headers', () => {
  it('are exactly the ones helmet sets per request, plus no-store, on every response', async () => {
    const expected = (await request(helmetOnly()).get('/cds-services')).headers;
    for (const name of SECURITY_HEADERS)
      expect({ name, setByHelmet: expected[name] !== undefined }).toEqual({ name, setByHelmet: true });
    const { app } = buildTestApp({ now: NOW });
    for (const response of [
      await request(app).get('/cds-services'),
      await request(app).post('/cds-services/ln-patient-view').send({ hook: 'patient-view' }),
      await request(app).get('/no-such-route'),
    ]) {
      for (const name of SECURITY_HEADERS) {
        expect({ name, value: response.headers[name] }).toEqual({ name, value: expected[name] });
      }
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('forbid framing and loading anything from a card response', async () => {
    const { app } = buildTestApp({ now: NOW });
    const response = await request(app).get('/cds-services');
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
    );
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });
});
