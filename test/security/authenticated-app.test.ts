import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadClientsFile } from '../../src/config/clients-file';
import { loadConfig } from '../../src/config';
import type { FhirRequesterFactory, FhirServerAccess } from '../../src/fhir/fhir-client';
import { fixturesDir } from '../support/fixtures';
import { loadRecordedRequests, SANDBOX_CLOCK, SANDBOX_PUBLIC_JWK, type RecordedRequest } from '../support/sandbox-requests';
import { captureLogger } from '../support/test-app';
import { makeKey, signToken, type TestKey } from '../auth/jwt-fixtures';

/**
 * "Done means … a request signed by an unknown key is refused while one signed by a registered
 * EHR key is answered" — through the whole app with CDS_AUTH=required, as an EHR would call it.
 */
const NOW = new Date('2026-06-01T09:00:00Z');
const PUBLIC_URL = 'https://cds.north.example.org';
const EHR_ISS = 'https://ehr.north.example.org';
const EHR_FHIR = 'https://ehr.north.example.org/fhir/r4';

let ehrKey: TestKey;
let strangerKey: TestKey;

beforeAll(async () => {
  ehrKey = await makeKey('ES384', 'north-2026');
  // A key nobody registered, presented under the EHR's own iss and kid.
  strangerKey = await makeKey('ES384', 'north-2026');
});

function writeClientsFile(clients: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ln-clients-')), 'clients.json');
  writeFileSync(path, JSON.stringify(clients));
  return path;
}

/** A FHIR server double that answers an empty record and remembers which servers were contacted. */
function emptyRecordRequester(contacted: string[]): FhirRequesterFactory {
  return (server: FhirServerAccess) => {
    contacted.push(server.baseUrl);
    return {
      get: (url) =>
        Promise.resolve(
          url.startsWith('Patient/')
            ? { resourceType: 'Patient', id: url.slice('Patient/'.length) }
            : { resourceType: 'Bundle', type: 'searchset', entry: [] },
        ),
    };
  };
}

function productionApp(options: { publicUrl: string; clients: unknown; now: Date; contacted?: string[] }) {
  const config = loadConfig(
    { NODE_ENV: 'production', CDS_PUBLIC_URL: options.publicUrl, CDS_CLIENTS_FILE: writeClientsFile(options.clients), CDS_CORS_ORIGINS: 'https://ehr-ui.north.example.org' },
    { loadClients: loadClientsFile },
  );
  const { logger, log } = captureLogger();
  const app = createApp({
    config,
    logger,
    clock: () => options.now,
    requesterFactory: emptyRecordRequester(options.contacted ?? []),
    jwksFetch: () => Promise.reject(new Error('no key host in this test')),
  });
  return { app, log };
}

const northClients = () => [{ iss: EHR_ISS, jwks: { keys: [ehrKey.publicJwk] }, fhirServers: [EHR_FHIR] }];

const patientView = (fhirServer = EHR_FHIR) => ({
  hook: 'patient-view',
  hookInstance: '5d7c1a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
  fhirServer,
  fhirAuthorization: { access_token: 'north-access-token', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'ln-cds-hooks' },
  context: { userId: 'Practitioner/prac-1', patientId: 'p77' },
});

const bearer = async (key: TestKey, path: string, extra: Parameters<typeof signToken>[2] = {}) =>
  `Bearer ${await signToken(key, NOW, { iss: EHR_ISS, aud: `${PUBLIC_URL}${path}`, ...extra })}`;

describe('with CDS_AUTH=required (NODE_ENV=production)', () => {
  it('answers discovery to the registered EHR', async () => {
    const { app } = productionApp({ publicUrl: PUBLIC_URL, clients: northClients(), now: NOW });
    const response = await request(app).get('/cds-services').set('Authorization', await bearer(ehrKey, '/cds-services'));
    expect(response.status).toBe(200);
    expect((response.body.services as { id: string }[]).map((service) => service.id).sort()).toEqual([
      'ln-medication-prescribe',
      'ln-order-select',
      'ln-order-sign',
      'ln-patient-view',
    ]);
  });

  it('answers a patient-view hook from the registered EHR, reading its registered FHIR server', async () => {
    const contacted: string[] = [];
    const { app } = productionApp({ publicUrl: PUBLIC_URL, clients: northClients(), now: NOW, contacted });
    const path = '/cds-services/ln-patient-view';
    const response = await request(app).post(path).set('Authorization', await bearer(ehrKey, path)).send(patientView());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
    expect(contacted).toEqual([EHR_FHIR]);
  });

  it('refuses a token signed by an unknown key: 401, empty body, one warn line without the token', async () => {
    const { app, log } = productionApp({ publicUrl: PUBLIC_URL, clients: northClients(), now: NOW });
    const path = '/cds-services/ln-patient-view';
    const authorization = await bearer(strangerKey, path);
    const response = await request(app).post(path).set('Authorization', authorization).send(patientView());
    expect(response.status).toBe(401);
    expect(response.text).toBe('');
    const warnings = log.lines.filter((line) => line.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({ message: 'CDS client not authenticated', reason: expect.stringContaining('signature verification failed') }),
    ]);
    expect(log.raw()).not.toContain(authorization.slice('Bearer '.length));
  });

  it.each([
    ['no Authorization header', undefined],
    ['a Basic credential', 'Basic dXNlcjpwYXNz'],
    ['an empty Bearer', 'Bearer '],
    ['garbage', 'Bearer not.a.jwt'],
  ])('refuses %s with 401 and an empty body', async (_what, authorization) => {
    const { app } = productionApp({ publicUrl: PUBLIC_URL, clients: northClients(), now: NOW });
    const call = request(app).get('/cds-services');
    const response = await (authorization === undefined ? call : call.set('Authorization', authorization));
    expect(response.status).toBe(401);
    expect(response.text).toBe('');
  });

  it('refuses the discovery token replayed against a hook (aud is the exact path)', async () => {
    const { app } = productionApp({ publicUrl: PUBLIC_URL, clients: northClients(), now: NOW });
    const response = await request(app)
      .post('/cds-services/ln-patient-view')
      .set('Authorization', await bearer(ehrKey, '/cds-services'))
      .send(patientView());
    expect(response.status).toBe(401);
  });

  it('checks aud against the path only: a query string does not change the audience', async () => {
    const { app } = productionApp({ publicUrl: PUBLIC_URL, clients: northClients(), now: NOW });
    const response = await request(app).get('/cds-services?_format=json').set('Authorization', await bearer(ehrKey, '/cds-services'));
    expect(response.status).toBe(200);
  });

  it('refuses an unauthenticated caller before reading its body (401, not 413)', async () => {
    const { app } = productionApp({ publicUrl: PUBLIC_URL, clients: northClients(), now: NOW });
    const response = await request(app)
      .post('/cds-services/ln-patient-view')
      .set('Content-Type', 'application/json')
      .send(`{"padding":"${'x'.repeat(3 * 1024 * 1024)}"}`);
    expect(response.status).toBe(401);
    expect(response.text).toBe('');
  });

  it('never contacts a FHIR server not registered for the calling EHR: 412', async () => {
    const contacted: string[] = [];
    const { app } = productionApp({ publicUrl: PUBLIC_URL, clients: northClients(), now: NOW, contacted });
    const path = '/cds-services/ln-patient-view';
    const response = await request(app)
      .post(path)
      .set('Authorization', await bearer(ehrKey, path))
      .send(patientView('https://ehr.north.example.org.evil.com/fhir/r4'));
    expect(response.status).toBe(412);
    expect(response.body.resourceType).toBe('OperationOutcome');
    expect(contacted).toEqual([]);
  });

  it('lets a browser CORS preflight through without a JWT', async () => {
    const { app } = productionApp({ publicUrl: PUBLIC_URL, clients: northClients(), now: NOW });
    const response = await request(app)
      .options('/cds-services/ln-patient-view')
      .set('Origin', 'https://ehr-ui.north.example.org')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://ehr-ui.north.example.org');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('sends security headers and forbids caching', async () => {
    const { app } = productionApp({ publicUrl: PUBLIC_URL, clients: northClients(), now: NOW });
    const response = await request(app).get('/cds-services').set('Authorization', await bearer(ehrKey, '/cds-services'));
    expect(response.headers).toMatchObject({
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': expect.stringContaining("default-src 'none'"),
      'strict-transport-security': expect.stringContaining('max-age='),
    });
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});

const recorded = loadRecordedRequests(fixturesDir('sandbox-requests'));

describe('the real CDS Hooks Sandbox, registered with its published key', () => {
  const byFile = (file: string): RecordedRequest => {
    const found = recorded.find((r) => r.file === file);
    if (found === undefined) throw new Error(`recording ${file} is missing`);
    return found;
  };
  // The Sandbox called http://127.0.0.1:3001 with its FHIR server at http://127.0.0.1:8090/fhir.
  const sandboxApp = (contacted: string[] = []) =>
    productionApp({
      publicUrl: 'http://127.0.0.1:3001',
      clients: [{ iss: 'https://sandbox.cds-hooks.org', jwks: { keys: [SANDBOX_PUBLIC_JWK] }, fhirServers: ['http://127.0.0.1:8090/fhir'] }],
      now: new Date(SANDBOX_CLOCK),
      contacted,
    }).app;
  const replay = (app: ReturnType<typeof sandboxApp>, r: RecordedRequest) => {
    const call = r.method === 'GET' ? request(app).get(r.path) : request(app).post(r.path);
    for (const [name, value] of Object.entries(r.headers)) if (name !== 'origin') call.set(name, value);
    return r.body === null ? call : call.send(r.body);
  };

  it('answers its discovery call', async () => {
    const response = await replay(sandboxApp(), byFile('discovery-get.json'));
    expect(response.status).toBe(200);
  });

  it('answers its patient-view call and reads the rest of the record from its FHIR server', async () => {
    const contacted: string[] = [];
    const response = await replay(sandboxApp(contacted), byFile('patient-view-p01.json'));
    expect(response.status).toBe(200);
    expect(contacted).toEqual(['http://127.0.0.1:8090/fhir']);
  });

  it('refuses the same call replayed (same jti)', async () => {
    const app = sandboxApp();
    expect((await replay(app, byFile('order-sign-p01-mycophenolate-500mg-2-pills-daily.json'))).status).toBe(200);
    const again = await replay(app, byFile('order-sign-p01-mycophenolate-500mg-2-pills-daily.json'));
    expect(again.status).toBe(401);
    expect(again.text).toBe('');
  });
});
