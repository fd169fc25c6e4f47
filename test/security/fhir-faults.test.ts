import request from 'supertest';
import type { Env } from '../../src/config';
import { buildTestApp } from '../support/test-app';
import { hydroxychloroquineOrder } from '../support/hydroxychloroquine-order';
import { answerEmptyRecord, searchset, sendJson, startFaultFhirServer, type FaultFhirServer } from './fault-fhir-server';

/**
 * A hanging, failing or garbage-answering FHIR server yields a 412 in time, never a card
 * computed from half the data; outstanding requests are aborted at the deadline; `next` links are
 * bounded and never leave the server's origin, so another host never sees the token
 * (docs/security.md, "What a caller can make the service do").
 * Real loopback servers (port 0), so that "aborted" means a socket really closed.
 */
const TOKEN = 'ehr-access-token-faults-41c9';
const NOW = '2026-06-01T09:00:00Z';

const servers: FaultFhirServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fhirServer(handler: Parameters<typeof startFaultFhirServer>[0]): Promise<FaultFhirServer> {
  const server = await startFaultFhirServer(handler);
  servers.push(server);
  return server;
}

/**
 * Generous limits unless a test is about them: the suite runs in parallel on busy machines, and a
 * healthy query must not miss a deadline meant for a hanging one.
 */
function appWith(env: Env = {}) {
  return buildTestApp({ now: NOW, env: { CDS_HOOK_DEADLINE_MS: '15000', CDS_FHIR_TIMEOUT_MS: '15000', CDS_FHIR_MAX_PAGES: '3', ...env } });
}

const pathOf = (seen: { path: string }): string => seen.path.replace(/^\/fhir/, '');

const patientView = (base: string, patientId = 'p77') => ({
  hook: 'patient-view',
  hookInstance: '0c9d3a52-6f0e-4b8e-9b7a-3d2c1b0a9f8e',
  fhirServer: base,
  fhirAuthorization: { access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'ln-cds-hooks' },
  context: { userId: 'Practitioner/prac-1', patientId },
});

/** A woman with lupus nephritis on MMF 500 mg tablets, 4 twice daily (2 g twice daily) since 2025-01. */
const lupusNephritis = {
  resourceType: 'Condition',
  id: 'ln',
  subject: { reference: 'Patient/p77' },
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }], text: 'Lupus nephritis, WHO class IV' },
  onsetDateTime: '2023-12-14T09:00:00Z',
};
const mmf500 = {
  resourceType: 'Medication',
  id: 'mmf-500',
  code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '200060', display: 'mycophenolate mofetil 500 MG Oral Tablet' }] },
};
const mmfOrder = {
  resourceType: 'MedicationRequest',
  id: 'mr-mmf',
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p77' },
  authoredOn: '2025-01-17T09:00:00Z',
  medicationReference: { reference: 'Medication/mmf-500' },
  dosageInstruction: [
    {
      text: '4 tablets twice daily',
      timing: { code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation', code: 'BID' }] }, repeat: { boundsPeriod: { start: '2025-01-17T09:00:00Z' } } },
      doseAndRate: [{ doseQuantity: { value: 4, unit: '{tbl}', system: 'http://unitsofmeasure.org', code: '{tbl}' } }],
    },
  ],
};

function answerMmfRecord(res: Parameters<typeof answerEmptyRecord>[0], path: string): void {
  if (path.startsWith('/Condition')) sendJson(res, 200, searchset([lupusNephritis]));
  else if (path.startsWith('/MedicationRequest')) sendJson(res, 200, searchset([mmfOrder, mmf500, hydroxychloroquineOrder('p77')]));
  else answerEmptyRecord(res, path);
}

const isTroughSearch = (path: string): boolean => path.startsWith('/Observation') && path.includes('77348-1');

describe('a FHIR server that misbehaves', () => {
  it('answering 503 for the tacrolimus trough search yields 412, not a card about a missing trough', async () => {
    const server = await fhirServer((_req, res, path) => {
      if (isTroughSearch(path)) sendJson(res, 503, { resourceType: 'OperationOutcome', issue: [] });
      else answerEmptyRecord(res, path);
    });
    const response = await request(appWith().app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(412);
    expect(response.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ details: { text: 'Could not read tacrolimus from the FHIR server (http-status)' } }] });
    expect(JSON.stringify(response.body)).not.toContain('cards');
  });

  it('answering 500 for every search yields 412', async () => {
    const server = await fhirServer((_req, res) => sendJson(res, 500, { error: 'boom' }));
    const response = await request(appWith().app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(412);
    expect(response.body.resourceType).toBe('OperationOutcome');
  });

  it('answering truncated JSON yields 412', async () => {
    const server = await fhirServer((_req, res, path) => {
      if (path.startsWith('/Condition')) {
        res.writeHead(200, { 'content-type': 'application/fhir+json' });
        res.end('{"resourceType":"Bundle","type":"searchset","entry":[{"resource":');
      } else answerEmptyRecord(res, path);
    });
    const response = await request(appWith().app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(412);
    expect(response.body.issue[0].details.text).toMatch(/^Could not read conditions from the FHIR server/);
  });

  it('never answering yields 412 at the hook deadline, and the hanging request is aborted', async () => {
    const server = await fhirServer((_req, res, path) => {
      if (isTroughSearch(path)) return; // hangs: headers never come
      answerEmptyRecord(res, path);
    });
    const { app } = appWith({ CDS_HOOK_DEADLINE_MS: '1500' });
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(412);
    expect(response.body.issue[0].details.text).toMatch(/^The FHIR server did not answer in time \(\w+\)$/);
    // The service closed the socket instead of leaving the query running.
    await server.abandonedCount(1);
    expect(server.abandoned.map(pathOf).filter(isTroughSearch)).toHaveLength(1);
  });

  it('a Medication read that never answers is aborted at the hook deadline: 200 in time, the order silent, never 412', async () => {
    // The server ignores _include: the order's Medication must be read on its own, and never comes.
    const mmfOrder = {
      resourceType: 'MedicationRequest',
      id: 'mr-mmf',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p77' },
      medicationReference: { reference: 'Medication/mmf-500' },
    };
    const server = await fhirServer((_req, res, path) => {
      if (path.startsWith('/Medication/')) return; // hangs
      if (path.startsWith('/MedicationRequest')) sendJson(res, 200, searchset([mmfOrder]));
      else answerEmptyRecord(res, path);
    });
    const { app } = appWith({ CDS_HOOK_DEADLINE_MS: '1500' });
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
    await server.abandonedCount(1);
    expect(server.abandoned.map(pathOf)).toEqual(['/Medication/mmf-500']);
  });

  it('stalling half-way through a body is cut off by the per-query timeout: 412, request aborted', async () => {
    const server = await fhirServer((_req, res, path) => {
      if (path.startsWith('/MedicationRequest')) {
        res.writeHead(200, { 'content-type': 'application/fhir+json' });
        res.write('{"resourceType":"Bundle","type":"searchset","entry":['); // …and nothing more
        return;
      }
      answerEmptyRecord(res, path);
    });
    const { app } = appWith({ CDS_FHIR_TIMEOUT_MS: '1000' });
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(412);
    expect(response.body.issue[0].details.text).toMatch(/^Could not read \w+ from the FHIR server \(timeout\)$/);
    await server.abandonedCount(1);
    expect(server.abandoned.map(pathOf).filter((p) => p.startsWith('/MedicationRequest'))).toHaveLength(1);
  });

  it('paging forever is stopped after CDS_FHIR_MAX_PAGES pages: 412', async () => {
    let page = 0;
    const server = await fhirServer((_req, res, path) => {
      if (path.startsWith('/Condition')) {
        page += 1;
        sendJson(res, 200, searchset([], `${server.base}/Condition?patient=p77&page=${page + 1}`));
      } else answerEmptyRecord(res, path);
    });
    const response = await request(appWith().app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(412);
    expect(server.requests.filter((seen) => seen.path.startsWith('/fhir/Condition'))).toHaveLength(3);
  });

  it('a next link to another host is not followed: that host never receives the token', async () => {
    const collector = await fhirServer((_req, res) => sendJson(res, 200, searchset([])));
    const server = await fhirServer((_req, res, path) => {
      if (path.startsWith('/Condition')) sendJson(res, 200, searchset([], `${collector.base}/Condition?page=2`));
      else answerEmptyRecord(res, path);
    });
    const response = await request(appWith().app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(412);
    expect(collector.requests).toEqual([]);
    // The EHR's own server did receive the token, on every query.
    expect(new Set(server.requests.map((seen) => seen.authorization))).toEqual(new Set([`Bearer ${TOKEN}`]));
  });

  it('a redirect to another host is not followed: that host is never asked, no card comes from its answers, 412 names the redirect', async () => {
    // The other host holds a record that would warn about MMF 2 g twice daily: were it followed,
    // the card would be computed from a stranger's data about "p77".
    const other = await fhirServer((_req, res, path) => answerMmfRecord(res, path));
    const server = await fhirServer((req, res) => {
      res.writeHead(302, { location: `${other.origin}${req.url ?? ''}` });
      res.end();
    });
    const response = await request(appWith().app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(412);
    expect(response.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'incomplete',
          details: {
            coding: [{ system: 'urn:ln-cds-hooks:error', code: 'data-unavailable' }],
            text: expect.stringMatching(/^Could not read \w+ from the FHIR server \(redirect: HTTP 302; redirects are not followed\)$/),
          },
        },
      ],
    });
    expect(other.requests).toEqual([]);
  });

  it('a redirect to a path outside the registered prefix on the same host is not followed: the token stays under the prefix', async () => {
    const server = await fhirServer((req, res, path) => {
      if (path.startsWith('/MedicationRequest')) {
        res.writeHead(307, { location: `/internal/export${path}` });
        res.end();
      } else if ((req.url ?? '').startsWith('/internal/')) {
        answerMmfRecord(res, '/MedicationRequest');
      } else answerMmfRecord(res, path);
    });
    const { app } = buildTestApp({
      now: NOW,
      env: { CDS_HOOK_DEADLINE_MS: '15000', CDS_FHIR_TIMEOUT_MS: '15000' },
      isFhirServerAllowed: (url) => url === server.base,
    });
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(412);
    expect(response.body.issue[0].details.text).toBe(
      'Could not read medications from the FHIR server (redirect: HTTP 307; redirects are not followed)',
    );
    expect(server.requests.filter((seen) => !seen.path.startsWith('/fhir/'))).toEqual([]);
  });

  it('a redirect of a Medication read is not followed either: the MMF order stays silent, the hook answers 200', async () => {
    const other = await fhirServer((_req, res) => sendJson(res, 200, mmf500));
    const server = await fhirServer((_req, res, path) => {
      if (path.startsWith('/Medication/')) {
        res.writeHead(301, { location: `${other.origin}${path}` });
        res.end();
      } else if (path.startsWith('/MedicationRequest')) sendJson(res, 200, searchset([mmfOrder, hydroxychloroquineOrder('p77')]));
      else answerMmfRecord(res, path);
    });
    const response = await request(appWith().app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
    expect(other.requests).toEqual([]);
  });

  it('the same record read from the FHIR server itself does warn about MMF 2 g twice daily (the scenario the redirect tests deny)', async () => {
    const server = await fhirServer((_req, res, path) => answerMmfRecord(res, path));
    const response = await request(appWith().app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(200);
    expect(response.body.cards.map((card: { source: { topic: { code: string } } }) => card.source.topic.code)).toEqual(['mycophenolate-dose-high']);
  });

  it('a hanging request does not hold up another request to a healthy server', async () => {
    const hanging = await fhirServer((_req, res, path) => {
      if (!isTroughSearch(path)) answerEmptyRecord(res, path);
    });
    const healthy = await fhirServer((_req, res, path) => answerEmptyRecord(res, path));
    const { app } = appWith({ CDS_HOOK_DEADLINE_MS: '3000' });
    const [slow, fast] = await Promise.all([
      request(app).post('/cds-services/ln-patient-view').send(patientView(hanging.base)),
      request(app).post('/cds-services/ln-patient-view').send(patientView(healthy.base, 'p78')),
    ]);
    expect(slow.status).toBe(412);
    expect(fast.status).toBe(200);
    expect(fast.body).toEqual({ cards: [] });
  });
});
