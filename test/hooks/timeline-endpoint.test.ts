import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import request from 'supertest';
import { parseClients } from '../../src/config/clients-file';
import { loadConfig, type Env } from '../../src/config';
import { parseRuleSettings } from '../../src/config/rules-file';
import { operationOutcome as outcome } from '../support/operation-outcome';
import { buildTestApp } from '../support/test-app';

/**
 * POST /app/api/timeline: the timeline app sends the FHIR server and token of its SMART launch;
 * the service reads the record as a patient-view hook without prefetch would, and answers the
 * view. Every FHIR interceptor must be used (scope.done()) and nothing else may be called.
 */
const EHR = 'https://ehr.example.org';
const BASE = `${EHR}/fhir/r4`;
const TOKEN = 'smart-launch-token-5c1d';
const NOW = '2026-06-01T09:00:00Z';

const configWith = (env: Env) =>
  loadConfig(
    { CDS_CLIENTS_FILE: '/clients.json', ...env },
    {
      loadClients: (_path, options) =>
        parseClients([{ iss: EHR, jwksUrl: `${EHR}/jwks.json`, fhirServers: [BASE] }], options),
    },
  );
const { app, log } = buildTestApp({
  now: NOW,
  config: configWith({ CDS_FHIR_TIMEOUT_MS: '300', CDS_HOOK_DEADLINE_MS: '600' }),
});
const { app: production } = buildTestApp({ now: NOW, config: configWith({ NODE_ENV: 'production' }) });

const body = (overrides: Record<string, unknown> = {}) => ({
  fhirServer: BASE,
  patientId: 'p77',
  fhirAuthorization: {
    access_token: TOKEN,
    token_type: 'Bearer',
    scope: 'launch patient/Observation.rs',
    subject: 'clinician',
  },
  ...overrides,
});

const searchset = (resources: object[]) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: resources.map((resource) => ({ resource })),
});
const subject = { reference: 'Patient/p77' };
const LN = {
  resourceType: 'Condition',
  id: 'p77-ln',
  subject,
  code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }] },
};
const TACROLIMUS = {
  resourceType: 'MedicationRequest',
  id: 'p77-tac',
  status: 'active',
  intent: 'order',
  subject,
  authoredOn: '2024-03-15',
  medicationCodeableConcept: {
    coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '42316' }],
    text: 'tacrolimus',
  },
  dosageInstruction: [
    {
      timing: { code: { coding: [{ code: 'BID' }] } },
      doseAndRate: [
        { doseQuantity: { value: 2, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } },
      ],
    },
  ],
};
const TROUGH = {
  resourceType: 'Observation',
  id: 'p77-t3',
  status: 'final',
  subject,
  code: { coding: [{ system: 'http://loinc.org', code: '77348-1' }] },
  effectiveDateTime: '2026-05-20T08:00:00Z',
  valueQuantity: { value: 3.1, unit: 'ng/mL', system: 'http://unitsofmeasure.org', code: 'ng/mL' },
};

/** The EHR's answers to the patient-view templates, with the launch token, but for `except`. */
function ehr(except: string[] = [], troughs: object[] = [TROUGH]) {
  const scope = nock(EHR, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
  scope.get('/fhir/r4/Patient/p77').reply(200, { resourceType: 'Patient', id: 'p77' });
  if (!except.includes('conditions'))
    scope
      .get('/fhir/r4/Condition')
      .query({ patient: 'p77' })
      .reply(200, searchset([LN]));
  scope
    .get('/fhir/r4/MedicationRequest')
    .query({ patient: 'p77', _include: 'MedicationRequest:medication' })
    .reply(200, searchset([TACROLIMUS]));
  scope.get('/fhir/r4/AllergyIntolerance').query({ patient: 'p77' }).reply(200, searchset([]));
  const isTacrolimus = (q: Record<string, unknown>) => String(q.code).includes('77348-1');
  scope.get('/fhir/r4/Observation').query(isTacrolimus).reply(200, searchset(troughs));
  scope
    .get('/fhir/r4/Observation')
    .query((q) => !isTacrolimus(q))
    .times(7)
    .reply(200, searchset([]));
  return scope;
}

const EMPTY = (key: string, label: string, unit: string) => ({ key, label, unit, points: [] });

afterEach(() => {
  nock.cleanAll();
});

describe('the timeline of a patient whose tacrolimus trough is low', () => {
  test('reads the record from the launch FHIR server with the token as Bearer, and answers the whole view', async () => {
    const scope = ehr();
    const response = await request(app).post('/app/api/timeline').send(body());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      patientId: 'p77',
      now: '2026-06-01T09:00:00.000Z',
      inScope: true,
      phase: 'maintenance',
      therapyStart: '2024-03-15',
      inductionEnd: '2024-09-15',
      maintenanceMark: '2027-03-15',
      targets: {
        tacrolimus: {
          min: 4,
          max: 6,
          unit: 'ng/mL',
          phase: 'maintenance',
          source: 'KDIGO 2024 LN guideline; tacrolimus trough target for LN maintenance',
        },
        mpaTrough: { min: 2, unit: 'mg/L' },
        mpaAuc: { min: 60, max: 90, unit: 'mg·h/L' },
      },
      series: [
        {
          key: 'tacrolimus',
          label: 'Tacrolimus trough',
          unit: 'ng/mL',
          points: [{ reference: 'Observation/p77-t3', at: '2026-05-20T08:00:00.000Z', value: 3.1 }],
        },
        EMPTY('mpaTrough', 'MPA trough', 'mg/L'),
        EMPTY('mpaAuc', 'MPA AUC0-12', 'mg·h/L'),
        EMPTY('egfr', 'eGFR', 'mL/min/1.73 m²'),
        EMPTY('creatinine', 'Serum creatinine', 'mg/dL'),
        EMPTY('weight', 'Body weight', 'kg'),
      ],
      orders: [
        {
          reference: 'MedicationRequest/p77-tac',
          group: 'tacrolimus',
          drug: 'Tacrolimus',
          status: 'active',
          start: '2024-03-15',
          dailyDose: { mgPerDay: 4, text: '4 mg/day (2 mg twice daily)' },
        },
      ],
      findings: [
        {
          ruleCode: 'tacrolimus-trough-low',
          indicator: 'warning',
          summary: 'Tacrolimus trough 3.1 ng/mL is below the LN maintenance target of 4–6 ng/mL',
          triggers: ['Observation/p77-t3', 'MedicationRequest/p77-tac'],
        },
        // No creatinine or eGFR in 90 days on tacrolimus, and no hydroxychloroquine: the cards say so too.
        expect.objectContaining({ ruleCode: 'cni-kidney-function-overdue' }),
        expect.objectContaining({ ruleCode: 'hydroxychloroquine-not-prescribed' }),
      ],
      unavailable: [],
    });
    scope.done();
    // The debug log says what was read and left out, never the token or whose record it was.
    expect(log.raw()).toContain('/app/api/timeline');
    expect(log.raw()).not.toContain(TOKEN);
    expect(log.raw()).not.toContain('p77');
  });
});

describe("a hospital's own rule modes", () => {
  /** North hospital's EHR reads BASE; its committee switched the low-trough rule off for it. */
  const north = buildTestApp({
    now: NOW,
    config: loadConfig(
      { CDS_CLIENTS_FILE: '/clients.json' },
      {
        loadClients: (_path, options) =>
          parseClients(
            [{ iss: EHR, jwksUrl: `${EHR}/jwks.json`, fhirServers: [BASE], tenant: 'north-hospital' }],
            options,
          ),
      },
    ),
    ruleSettings: () =>
      parseRuleSettings(
        { tenants: { 'north-hospital': { 'tacrolimus-trough-low': 'off' } } },
        { knownTenants: new Set(['north-hospital']) },
      ),
  }).app;

  test('the timeline of a patient of that hospital shows no finding its EHR was never shown as a card', async () => {
    const scope = ehr();
    const response = await request(north).post('/app/api/timeline').send(body());
    expect(response.status).toBe(200);
    const codes = (response.body.findings as { ruleCode: string }[]).map((finding) => finding.ruleCode);
    expect(codes).not.toContain('tacrolimus-trough-low');
    expect(codes).toContain('cni-kidney-function-overdue');
    // The trough itself is still charted: only the finding follows the hospital's choice.
    expect(response.body.series[0].points).toEqual([
      { reference: 'Observation/p77-t3', at: '2026-05-20T08:00:00.000Z', value: 3.1 },
    ]);
    scope.done();
  });
});

describe('malformed results', () => {
  test('a trough whose value is text, and one with no value, are listed as unreadable, never as a number or a card', async () => {
    const scope = ehr(
      [],
      [
        { ...TROUGH, id: 'p77-text', valueQuantity: '3.1 ng/mL' },
        { ...TROUGH, id: 'p77-string', valueQuantity: { value: '3.1', unit: 'ng/mL' } },
        { ...TROUGH, id: 'p77-none', valueQuantity: undefined, valueString: 'haemolysed' },
      ],
    );
    const response = await request(app).post('/app/api/timeline').send(body());
    expect(response.status).toBe(200);
    const tacrolimus = (response.body.series as { key: string; points: object[] }[]).find(
      (s) => s.key === 'tacrolimus',
    );
    expect(tacrolimus?.points).toEqual([
      {
        reference: 'Observation/p77-text',
        at: '2026-05-20T08:00:00.000Z',
        unreadable: 'result has no numeric valueQuantity',
      },
      {
        reference: 'Observation/p77-string',
        at: '2026-05-20T08:00:00.000Z',
        unreadable: 'result has no numeric valueQuantity',
      },
      {
        reference: 'Observation/p77-none',
        at: '2026-05-20T08:00:00.000Z',
        unreadable: 'result has no numeric valueQuantity',
      },
    ]);
    expect((response.body.findings as { ruleCode: string }[]).map((f) => f.ruleCode)).not.toContain(
      'tacrolimus-trough-low',
    );
    scope.done();
  });
});

describe('timeline requests the service refuses', () => {
  test('a FHIR server that fails (500) is a 412 naming what could not be read', async () => {
    const scope = ehr(['conditions']);
    scope
      .get('/fhir/r4/Condition')
      .query({ patient: 'p77' })
      .reply(500, { resourceType: 'OperationOutcome' });
    const response = await request(app).post('/app/api/timeline').send(body());
    expect(response.status).toBe(412);
    expect(response.body.resourceType).toBe('OperationOutcome');
    expect(response.body.issue[0].details.coding[0].code).toBe('data-unavailable');
    expect(response.body.issue[0].details.text).toMatch(/^Could not read conditions from the FHIR server/);
  });

  test('a FHIR server on this machine that never answers the condition search is a 412 at the timeout', async () => {
    const hanging = createServer((req, res) => {
      if (req.url?.startsWith('/fhir/Condition')) return; // headers never come
      res.writeHead(200, { 'content-type': 'application/fhir+json' });
      res.end(
        JSON.stringify(
          req.url?.startsWith('/fhir/Patient/') ? { resourceType: 'Patient', id: 'p77' } : searchset([]),
        ),
      );
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = hanging.address() as AddressInfo;
      const response = await request(app)
        .post('/app/api/timeline')
        .send(body({ fhirServer: `http://127.0.0.1:${port}/fhir` }));
      expect(response.status).toBe(412);
      expect(response.body).toEqual(
        outcome('incomplete', 'data-unavailable', 'Could not read conditions from the FHIR server (timeout)'),
      );
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });

  test('a FHIR server no EHR of this service registered is a 403, and is never contacted', async () => {
    const response = await request(app)
      .post('/app/api/timeline')
      .send(body({ fhirServer: 'https://fhir.elsewhere.example.com/r4' }));
    expect(response.status).toBe(403);
    expect(response.body).toEqual(
      outcome('forbidden', 'fhir-server-forbidden', 'The fhirServer is not one this service reads from'),
    );
  });

  test('in production a call without the launch token is a 401, before any FHIR server is contacted', async () => {
    const { fhirAuthorization: _none, ...anonymous } = body();
    const response = await request(production).post('/app/api/timeline').send(anonymous);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(
      outcome(
        'login',
        'fhir-authorization-required',
        'fhirAuthorization (the SMART launch access token) is required',
      ),
    );
  });

  test('in production a loopback FHIR server is not allowed (only registered ones)', async () => {
    const response = await request(production)
      .post('/app/api/timeline')
      .send(body({ fhirServer: 'http://127.0.0.1:8081/fhir' }));
    expect(response.status).toBe(403);
  });

  test('a staging service with CDS_AUTH=required is held to production’s rule: a launch token, and no loopback server', async () => {
    const { app: staging } = buildTestApp({ now: NOW, config: configWith({ CDS_AUTH: 'required' }) });
    const { fhirAuthorization: _none, ...anonymous } = body();
    const withoutToken = await request(staging).post('/app/api/timeline').send(anonymous);
    expect(withoutToken.status).toBe(401);
    const loopback = await request(staging)
      .post('/app/api/timeline')
      .send(body({ fhirServer: 'http://127.0.0.1:8081/fhir' }));
    expect(loopback.status).toBe(403);
  });

  test('a body without patientId is a 400 naming /patientId', async () => {
    const { patientId: _none, ...incomplete } = body();
    const response = await request(app).post('/app/api/timeline').send(incomplete);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(
      outcome('invalid', 'invalid-request', '/patientId is required', '/patientId'),
    );
  });

  test('a patientId that is not a FHIR id (it would be put into FHIR URLs) is a 400', async () => {
    const response = await request(app)
      .post('/app/api/timeline')
      .send(body({ patientId: '../Patient?_id=x' }));
    expect(response.status).toBe(400);
    expect(response.body.issue[0].expression).toEqual(['/patientId']);
  });

  test('a token type other than Bearer is a 400', async () => {
    const response = await request(app)
      .post('/app/api/timeline')
      .send(body({ fhirAuthorization: { access_token: TOKEN, token_type: 'MAC' } }));
    expect(response.status).toBe(400);
    expect(response.body.issue[0].expression).toEqual(['/fhirAuthorization/token_type']);
  });

  test('malformed JSON is a 400', async () => {
    const response = await request(app)
      .post('/app/api/timeline')
      .set('Content-Type', 'application/json')
      .send('{"fhirServer": ');
    expect(response.status).toBe(400);
    expect(response.body).toEqual(outcome('structure', 'invalid-json', 'The request body is not valid JSON'));
  });
});
