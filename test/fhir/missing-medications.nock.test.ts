import nock from 'nock';
import request from 'supertest';
import type { Env } from '../../src/config';
import { expectCdsResponse } from '../support/cds-response-schema';
import { hydroxychloroquineOrder } from '../support/hydroxychloroquine-order';
import { buildTestApp } from '../support/test-app';

/**
 * A FHIR server that ignores `_include=MedicationRequest:medication` (or a prefetch without the
 * Medications): the Medication an order references is read from fhirServer, with the token, at
 * most 20 per hook; one that cannot be read leaves its order silent, never a 412. Every
 * interceptor must be used (scope.done()); nock refuses anything else.
 */
const EHR = 'https://ehr.example.org';
const BASE = `${EHR}/fhir/r4`;
const TOKEN = 'ehr-access-token-m3d5';
const NOW = '2026-06-01T09:00:00Z';

function appWith(env: Env = {}) {
  return buildTestApp({ now: NOW, env, isFhirServerAllowed: (url) => url.startsWith(EHR) });
}

const lupusNephritis = {
  resourceType: 'Condition',
  id: 'ln',
  subject: { reference: 'Patient/p77' },
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }], text: 'Lupus nephritis, WHO class IV' },
  onsetDateTime: '2023-12-14T09:00:00Z',
};

/** MMF 500 mg tablets: the strength that turns "4 tablets twice daily" into 4 g a day. */
const mmf500 = (id = 'mmf-500') => ({
  resourceType: 'Medication',
  id,
  code: {
    coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '200060', display: 'mycophenolate mofetil 500 MG Oral Tablet' }],
  },
});

const unrelatedProduct = (id: string) => ({
  resourceType: 'Medication',
  id,
  code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '314076', display: 'lisinopril 10 MG Oral Tablet' }] },
});

const twiceDaily = (tablets: number, start: string) => [
  {
    text: `${tablets} tablets twice daily`,
    timing: { code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation', code: 'BID' }] }, repeat: { boundsPeriod: { start } } },
    doseAndRate: [{ doseQuantity: { value: tablets, unit: '{tbl}', system: 'http://unitsofmeasure.org', code: '{tbl}' } }],
  },
];

/** MMF 2 g twice daily for 16 months of maintenance, ordered by reference to its Medication. */
const mmfOrder = (reference: string, id = 'mr-mmf') => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p77' },
  authoredOn: '2025-01-17T09:00:00Z',
  dosageInstruction: twiceDaily(4, '2025-01-17T09:00:00Z'),
  medicationReference: { reference },
});

const unrelatedOrder = (id: string, reference: string) => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p77' },
  authoredOn: '2024-03-23T09:00:00Z',
  medicationReference: { reference },
});

const searchset = (resources: object[]) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: resources.map((resource) => ({ resource })),
});

const patientView = (extra: Record<string, unknown> = {}) => ({
  hook: 'patient-view',
  hookInstance: '3f6c2a1e-7b8d-4c9e-a0f1-2b3c4d5e6f70',
  fhirServer: BASE,
  fhirAuthorization: { access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'ln-cds-hooks' },
  context: { userId: 'Practitioner/prac-1', patientId: 'p77' },
  ...extra,
});

/** Every key of the record, as an EHR prefetches it: the orders without their Medications. */
const prefetched = (orders: object[]) => ({
  patient: { resourceType: 'Patient', id: 'p77' },
  conditions: searchset([lupusNephritis]),
  medications: searchset([...orders, hydroxychloroquineOrder('p77')]),
  tacrolimus: null,
  mpaTrough: null,
  mpaAuc: null,
  egfr: null,
  weight: null,
  allergies: null,
  pregnancy: null,
  creatinine: null,
  egfrHistory: null,
});

/** An EHR whose MedicationRequest search answers the orders alone, whatever `_include` asks. */
function ehrIgnoringInclude(orders: object[]) {
  return nock(EHR, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
    .get('/fhir/r4/Patient/p77')
    .reply(200, { resourceType: 'Patient', id: 'p77' })
    .get('/fhir/r4/Condition')
    .query({ patient: 'p77' })
    .reply(200, searchset([lupusNephritis]))
    .get('/fhir/r4/MedicationRequest')
    .query({ patient: 'p77', _include: 'MedicationRequest:medication' })
    .reply(200, searchset(orders))
    .get('/fhir/r4/Observation')
    .query(true)
    .times(5)
    .reply(200, searchset([]));
}

type Body = { cards: { source: { topic?: { code: string } } }[] };
const codesOf = (body: Body): string[] => body.cards.map((card) => card.source.topic?.code ?? '(no topic)').sort();

function notesOf(log: ReturnType<typeof appWith>['log']): string[] {
  return log.lines.filter((line) => line.message === 'silent or adjusted').flatMap((line) => line.notes as string[]);
}

function medicationQueriesOf(log: ReturnType<typeof appWith>['log']): unknown[] {
  const line = log.lines.find((l) => l.message === 'request');
  return ((line?.fhirQueries ?? []) as { key: string }[]).filter((query) => query.key === 'medication');
}

afterEach(() => {
  // The delayed answer of the timeout test would otherwise keep its timer after the test.
  nock.abortPendingRequests();
  nock.cleanAll();
});

describe('an MMF order by medicationReference when the FHIR server ignores _include', () => {
  test('reads Medication/mmf-500 with the access token and warns that MMF 2 g twice daily is above the maintenance range', async () => {
    const { app, log } = appWith();
    const scope = ehrIgnoringInclude([mmfOrder('Medication/mmf-500')]).get('/fhir/r4/Medication/mmf-500').reply(200, mmf500());
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView());
    expect(response.status).toBe(200);
    expectCdsResponse(response.body);
    expect(codesOf(response.body as Body)).toEqual(['mycophenolate-dose-high']);
    scope.done();
    expect(medicationQueriesOf(log)).toEqual([{ key: 'medication', ms: expect.any(Number), pages: 1, outcome: 'ok' }]);
  });

  test('reads an absolute reference on the same FHIR base the same way', async () => {
    const { app } = appWith();
    const scope = ehrIgnoringInclude([mmfOrder(`${BASE}/Medication/mmf-500`)]).get('/fhir/r4/Medication/mmf-500').reply(200, mmf500());
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView());
    expect(codesOf(response.body as Body)).toEqual(['mycophenolate-dose-high']);
    scope.done();
  });

  test('reads a Medication referenced by two orders once', async () => {
    const { app, log } = appWith();
    const orders = [mmfOrder('Medication/mmf-500', 'mr-a'), { ...mmfOrder('Medication/mmf-500', 'mr-b'), status: 'stopped' }];
    const scope = ehrIgnoringInclude(orders).get('/fhir/r4/Medication/mmf-500').once().reply(200, mmf500());
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView());
    expect(response.status).toBe(200);
    scope.done();
    expect(medicationQueriesOf(log)).toHaveLength(1);
  });

  test('stays silent, with a note, when the Medication read answers 404 — the hook still answers 200', async () => {
    const { app, log } = appWith();
    const scope = ehrIgnoringInclude([mmfOrder('Medication/mmf-500')])
      .get('/fhir/r4/Medication/mmf-500')
      .reply(404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
    scope.done();
    expect(notesOf(log)).toEqual(
      expect.arrayContaining(['Medication read: http-status; its orders stay silent', 'medication order ignored: medicationReference could not be resolved']),
    );
  });

  test('stays silent when the Medication read does not answer within the per-query timeout', async () => {
    const { app, log } = appWith({ CDS_FHIR_TIMEOUT_MS: '300' });
    const scope = ehrIgnoringInclude([mmfOrder('Medication/mmf-500')]).get('/fhir/r4/Medication/mmf-500').delay(2000).reply(200, mmf500());
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
    scope.done();
    expect(notesOf(log)).toContain('Medication read: timeout; its orders stay silent');
  });

  test('stays silent when the Medication read is still outstanding at the hook deadline: 200 in time, not 412', async () => {
    const { app, log } = appWith({ CDS_HOOK_DEADLINE_MS: '600', CDS_FHIR_TIMEOUT_MS: '10000' });
    const scope = ehrIgnoringInclude([mmfOrder('Medication/mmf-500')]).get('/fhir/r4/Medication/mmf-500').delay(5000).reply(200, mmf500());
    const started = Date.now();
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView());
    expect(Date.now() - started).toBeLessThan(4000);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
    scope.done();
    expect(notesOf(log)).toContain('Medication read: timeout; its orders stay silent');
  });

  test('stays silent when the answer is another Medication than the one asked for', async () => {
    const { app, log } = appWith();
    const scope = ehrIgnoringInclude([mmfOrder('Medication/mmf-500')]).get('/fhir/r4/Medication/mmf-500').reply(200, mmf500('mmf-250'));
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView());
    expect(response.body).toEqual({ cards: [] });
    scope.done();
    expect(notesOf(log)).toContain('Medication read: bad-response; its orders stay silent');
  });

  test('never reads a Medication on another host, so it never receives the token', async () => {
    const { app, log } = appWith();
    const scope = ehrIgnoringInclude([mmfOrder('https://collector.example.net/fhir/Medication/mmf-500')]);
    const elsewhere = nock('https://collector.example.net').get(/.*/).reply(200, mmf500());
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
    scope.done();
    expect(elsewhere.isDone()).toBe(false);
    expect(notesOf(log)).toContain('Medication not read: the reference is not Medication/{id} on the fhirServer; its orders stay silent');
  });

  test('reads at most 20 Medications in one hook: the 21st order stays silent with a note', async () => {
    const { app, log } = appWith();
    const others = Array.from({ length: 20 }, (_, i) => unrelatedOrder(`mr-${i}`, `Medication/other-${i}`));
    const scope = ehrIgnoringInclude([...others, mmfOrder('Medication/mmf-500')])
      .get(/^\/fhir\/r4\/Medication\/other-\d+$/)
      .times(20)
      .reply(200, (uri) => unrelatedProduct(uri.slice(uri.lastIndexOf('/') + 1)));
    const mmf = nock(EHR).get('/fhir/r4/Medication/mmf-500').reply(200, mmf500());
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
    scope.done();
    expect(mmf.isDone()).toBe(false);
    expect(medicationQueriesOf(log)).toHaveLength(20);
    expect(notesOf(log)).toContain('Medication not read: more than 20 to read in one hook; its orders stay silent');
  });
});

describe('a prefetch whose orders reference Medications it does not hold', () => {
  test('reads the Medication from fhirServer with the token, and only that', async () => {
    const { app } = appWith();
    const scope = nock(EHR, { reqheaders: { authorization: `Bearer ${TOKEN}` } }).get('/fhir/r4/Medication/mmf-500').reply(200, mmf500());
    const response = await request(app)
      .post('/cds-services/ln-patient-view')
      .send(patientView({ prefetch: prefetched([mmfOrder('Medication/mmf-500')]) }));
    expect(codesOf(response.body as Body)).toEqual(['mycophenolate-dose-high']);
    scope.done();
  });

  test('without fhirServer the order stays silent, with a note, as before', async () => {
    const { app, log } = appWith();
    const { fhirServer: _server, fhirAuthorization: _token, ...withoutServer } = patientView({ prefetch: prefetched([mmfOrder('Medication/mmf-500')]) });
    const response = await request(app).post('/cds-services/ln-patient-view').send(withoutServer);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
    expect(notesOf(log)).toContain('Medication not read: not in the record and no fhirServer; its orders stay silent');
  });

  test('a fhirServer this client may not use is not contacted for a Medication, and the hook still answers 200', async () => {
    const { app, log } = appWith();
    const other = nock('https://other-ehr.example.com').get(/.*/).reply(200, mmf500());
    const response = await request(app)
      .post('/cds-services/ln-patient-view')
      .send(patientView({ fhirServer: 'https://other-ehr.example.com/fhir', prefetch: prefetched([mmfOrder('Medication/mmf-500')]) }));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
    expect(other.isDone()).toBe(false);
    expect(notesOf(log)).toContain('Medication not read: the fhirServer is not one this client may use; its orders stay silent');
  });

  test('a Medication the prefetch holds is not read again, even by an absolute reference', async () => {
    const { app } = appWith();
    const unused = nock(EHR).get(/.*/).reply(200, mmf500());
    const response = await request(app)
      .post('/cds-services/ln-patient-view')
      .send(patientView({ prefetch: prefetched([mmfOrder(`${BASE}/Medication/mmf-500`), mmf500()]) }));
    expect(codesOf(response.body as Body)).toEqual(['mycophenolate-dose-high']);
    expect(unused.isDone()).toBe(false);
  });

  test('a Medication contained in the order is not read', async () => {
    const { app } = appWith();
    const unused = nock(EHR).get(/.*/).reply(200, mmf500());
    const contained = { ...mmfOrder('#med'), contained: [mmf500('med')] };
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView({ prefetch: prefetched([contained]) }));
    expect(codesOf(response.body as Body)).toEqual(['mycophenolate-dose-high']);
    expect(unused.isDone()).toBe(false);
  });

  test('a draft MMF 2 g twice daily by reference to a Medication the request lacks: read, and the dose card shown', async () => {
    const { app } = appWith();
    const scope = nock(EHR, { reqheaders: { authorization: `Bearer ${TOKEN}` } }).get('/fhir/r4/Medication/mmf-500').reply(200, mmf500());
    const draft = { ...mmfOrder('Medication/mmf-500', 'draft-1'), status: 'draft', authoredOn: '2026-06-01T09:00:00Z', dosageInstruction: twiceDaily(4, '2026-06-01T09:00:00Z') };
    const response = await request(app)
      .post('/cds-services/ln-order-sign')
      .send({
        ...patientView({ prefetch: prefetched([]) }),
        hook: 'order-sign',
        context: { userId: 'Practitioner/prac-1', patientId: 'p77', draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] } },
      });
    expect(response.status).toBe(200);
    expect(codesOf(response.body as Body)).toEqual(['mycophenolate-dose-high']);
    scope.done();
  });
});
