import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadClientsFile } from '../../src/config/clients-file';
import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';
import { createAdminGuard } from '../../src/hooks/admin-guard';
import type { Store } from '../../src/store/store';
import { makeKey, signToken, type TestKey } from '../auth/jwt-fixtures';
import { operationOutcome } from '../support/operation-outcome';
import { buildTestApp, captureLogger } from '../support/test-app';

/**
 * The administration routes (service-contract.md "Rule settings and administration"): with
 * CDS_ADMIN_TOKEN_SHA256 an administrator's bearer token opens them from anywhere; without it a
 * developer on the same machine may use them, and in production nobody. An EHR's hook JWT never
 * opens them.
 */
const NOW = new Date('2026-06-01T09:00:00Z');
const ADMIN_TOKEN = '3f9c0d1e2b7a4c58a1e6d0b9f4c3a2e17d5b8c9a0f1e2d3c4b5a69788796a5b4';
const ADMIN_DIGEST = createHash('sha256').update(ADMIN_TOKEN).digest('hex');
const REPORT = {
  generatedAt: NOW.toISOString(),
  rules: [{ ruleCode: 'tacrolimus-trough-low', issued: 3, shadow: 1, accepted: 1, overridden: 1, overrideReasons: [] }],
};

const reportingStore = {
  description: { kind: 'pglite', location: 'memory' },
  ping: () => Promise.resolve(),
  feedbackReport: () => Promise.resolve(REPORT),
  auditTrail: () => Promise.resolve([]),
} as unknown as Store;

const TOKEN_REQUIRED = operationOutcome(
  'login',
  'admin-token-required',
  'The administration routes need Authorization: Bearer <administration token>',
);
const WRONG_TOKEN = operationOutcome('forbidden', 'admin-forbidden', 'The bearer token is not the administration token');
const CLOSED_IN_PRODUCTION = operationOutcome(
  'forbidden',
  'admin-forbidden',
  'The administration routes are closed: set CDS_ADMIN_TOKEN_SHA256 to open them (docs/security.md)',
);
const LOCAL_ONLY = operationOutcome(
  'forbidden',
  'admin-forbidden',
  'Without CDS_ADMIN_TOKEN_SHA256 the administration routes answer only callers on this machine, not through a proxy',
);

describe('with CDS_ADMIN_TOKEN_SHA256 set', () => {
  const built = () => buildTestApp({ now: NOW, store: reportingStore, env: { CDS_ADMIN_TOKEN_SHA256: ADMIN_DIGEST } });

  test('an administrator with the token gets the report', async () => {
    const response = await request(built().app).get('/admin/feedback-report').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ...REPORT, currentRulesetVersion: expect.stringMatching(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/) as unknown });
  });

  test('a call without a token is 401 with a Bearer challenge, even from this machine', async () => {
    const response = await request(built().app).get('/admin/feedback-report');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="ln-cds-hooks administration"');
    expect(response.body).toEqual(TOKEN_REQUIRED);
  });

  test.each([
    ['a Basic credential', 'Basic YWRtaW46YWRtaW4='],
    ['an empty Bearer', 'Bearer '],
  ])('%s is no token: 401', async (_what, authorization) => {
    const response = await request(built().app).get('/admin/feedback-report').set('Authorization', authorization);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(TOKEN_REQUIRED);
  });

  test('a wrong token is 403, and neither token reaches the log', async () => {
    const { app, log } = built();
    const guess = `${ADMIN_TOKEN.slice(0, -1)}0`;
    const response = await request(app).get('/admin/audit?since=2026-05-01T00:00:00Z&until=2026-06-01T00:00:00Z').set('Authorization', `bearer ${guess}`);
    expect(response.status).toBe(403);
    expect(response.body).toEqual(WRONG_TOKEN);
    expect(log.raw()).not.toContain(guess);
    expect(log.raw()).not.toContain(ADMIN_TOKEN);
    expect(log.raw()).not.toContain(ADMIN_DIGEST);
  });

  test('guards routes that do not exist too: nothing under /admin is discoverable without the token', async () => {
    const response = await request(built().app).get('/admin/settings');
    expect(response.status).toBe(401);
    const admitted = await request(built().app).get('/admin/settings').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(admitted.status).toBe(404);
  });

  test('is the same over a real loopback connection', async () => {
    const server = built().app.listen(0, '127.0.0.1');
    await new Promise((ready) => server.once('listening', ready));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await fetch(`${base}/admin/feedback-report`)).status).toBe(401);
      const admitted = await fetch(`${base}/admin/feedback-report`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(admitted.status).toBe(200);
      expect(await admitted.json()).toEqual({ ...REPORT, currentRulesetVersion: expect.stringMatching(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/) as unknown });
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});

describe('without CDS_ADMIN_TOKEN_SHA256', () => {
  test('development: a caller on this machine gets the report without a token', async () => {
    const { app } = buildTestApp({ now: NOW, store: reportingStore });
    const response = await request(app).get('/admin/feedback-report');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ...REPORT, currentRulesetVersion: expect.stringMatching(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/) as unknown });
  });

  // A reverse proxy on this host connects from loopback: any header a proxy adds means the
  // caller is someone else. (A proxy that adds none cannot be detected: docs/security.md says the
  // admin routes must never be proxied without a token.)
  test.each([
    ['X-Forwarded-For', '203.0.113.9'],
    ['Forwarded', 'for=203.0.113.9;proto=https'],
    ['X-Forwarded-Host', 'cds.example.org'],
    ['X-Forwarded-Proto', 'https'],
    ['X-Real-IP', '203.0.113.9'],
    ['Via', '1.1 proxy.example.org'],
  ])('development: a loopback peer whose request carries %s is refused 403', async (header, value) => {
    const { app } = buildTestApp({ now: NOW, store: reportingStore });
    const response = await request(app).get('/admin/feedback-report').set(header, value);
    expect(response.status).toBe(403);
    expect(response.body).toEqual(LOCAL_ONLY);
  });

});

/** The guard on its own, for peers supertest cannot be: another host on the network. */
describe('the guard for a caller on another host', () => {
  function callFrom(
    remoteAddress: string,
    settings: Parameters<typeof createAdminGuard>[0],
    headers: Record<string, string> = {},
  ): { passed: boolean; error?: unknown } {
    const req = { headers, socket: { remoteAddress } } as unknown as Request;
    let passed = false;
    try {
      createAdminGuard(settings)(req, {} as Response, () => {
        passed = true;
      });
      return { passed };
    } catch (error) {
      return { passed, error };
    }
  }

  test('with the token set, an administrator on 10.0.0.7 with the token is let through', () => {
    const result = callFrom('10.0.0.7', { production: true, adminTokenSha256: ADMIN_DIGEST }, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(result).toEqual({ passed: true });
  });

  test.each([
    ['no token', {}, 'admin-token-required'],
    ['a wrong token', { authorization: 'Bearer 0000' }, 'admin-forbidden'],
  ])('with the token set, a caller on 10.0.0.7 with %s is refused (%s)', (_what, headers, code) => {
    const result = callFrom('::ffff:10.0.0.7', { production: true, adminTokenSha256: ADMIN_DIGEST }, headers);
    expect(result.passed).toBe(false);
    expect(result.error).toMatchObject({ code });
  });

  test('without the token in development, a caller on 10.0.0.7 is refused 403', () => {
    const result = callFrom('10.0.0.7', { production: false });
    expect(result.error).toMatchObject({ code: 'admin-forbidden', message: LOCAL_ONLY.issue[0]?.details.text });
  });

  test('without the token in development, a caller on ::1 is let through', () => {
    expect(callFrom('::1', { production: false })).toEqual({ passed: true });
  });
});

describe("a CDS client's hook JWT", () => {
  const PUBLIC_URL = 'https://cds.north.example.org';
  const EHR_ISS = 'https://ehr.north.example.org';
  let ehrKey: TestKey;

  beforeAll(async () => {
    ehrKey = await makeKey('ES384', 'north-2026');
  });

  function productionApp(env: Record<string, string>) {
    const clients = [{ iss: EHR_ISS, jwks: { keys: [ehrKey.publicJwk] }, fhirServers: ['https://ehr.north.example.org/fhir/r4'] }];
    const config = loadConfig(
      { NODE_ENV: 'production', CDS_PUBLIC_URL: PUBLIC_URL, CDS_CLIENTS_FILE: writeClientsFile(clients), ...env },
      { loadClients: loadClientsFile },
    );
    const { logger } = captureLogger();
    return createApp({ config, logger, clock: () => NOW, store: reportingStore, jwksFetch: () => Promise.reject(new Error('no key host')) });
  }

  const jwtFor = (path: string) => signToken(ehrKey, NOW, { iss: EHR_ISS, aud: `${PUBLIC_URL}${path}` });

  test('opens discovery, but is a wrong token to /admin (403)', async () => {
    const app = productionApp({ CDS_ADMIN_TOKEN_SHA256: ADMIN_DIGEST });
    const discovery = await request(app).get('/cds-services').set('Authorization', `Bearer ${await jwtFor('/cds-services')}`);
    expect(discovery.status).toBe(200);
    const admin = await request(app).get('/admin/feedback-report').set('Authorization', `Bearer ${await jwtFor('/admin/feedback-report')}`);
    expect(admin.status).toBe(403);
    expect(admin.body).toEqual(WRONG_TOKEN);
  });

  test('production without an administration token: /admin is closed to everyone, even on this machine (403)', async () => {
    const response = await request(productionApp({})).get('/admin/feedback-report');
    expect(response.status).toBe(403);
    expect(response.body).toEqual(CLOSED_IN_PRODUCTION);
  });

  test('does not open /admin in production without an administration token either', async () => {
    const app = productionApp({});
    const admin = await request(app).get('/admin/feedback-report').set('Authorization', `Bearer ${await jwtFor('/admin/feedback-report')}`);
    expect(admin.status).toBe(403);
    expect(admin.body).toEqual(CLOSED_IN_PRODUCTION);
  });
});

describe('CDS_ADMIN_TOKEN_SHA256 at start-up', () => {
  test('is kept in lower case', () => {
    expect(loadConfig({ CDS_ADMIN_TOKEN_SHA256: ADMIN_DIGEST.toUpperCase() }).adminTokenSha256).toBe(ADMIN_DIGEST);
  });

  test.each([
    ['the token itself instead of its digest', ADMIN_TOKEN.slice(0, 40)],
    ['a digest cut short', ADMIN_DIGEST.slice(0, 63)],
    ['a base64 digest', createHash('sha256').update(ADMIN_TOKEN).digest('base64')],
  ])('refuses %s, without echoing the value', (_what, value) => {
    const load = () => loadConfig({ CDS_ADMIN_TOKEN_SHA256: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/CDS_ADMIN_TOKEN_SHA256 must be the 64 hex digits of the token's SHA-256/);
    try {
      load();
    } catch (error) {
      expect((error as Error).message).not.toContain(value);
    }
  });
});

function writeClientsFile(clients: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ln-clients-')), 'clients.json');
  writeFileSync(path, JSON.stringify(clients));
  return path;
}
