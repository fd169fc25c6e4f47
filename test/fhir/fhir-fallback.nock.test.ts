import nock from 'nock';
import request from 'supertest';
import { expectCdsResponse } from '../support/cds-response-schema';
import { buildTestApp } from '../support/test-app';

/**
 * The FHIR fallback against nock: what the service sends to an EHR's FHIR server when the EHR
 * did not prefetch. Every interceptor must be used (scope.done()) and nothing else may be called.
 */
const EHR = 'https://ehr.example.org';
const BASE = `${EHR}/fhir/r4`;
const TOKEN = 'ehr-access-token-7f3a';

const { app, log } = buildTestApp({
  now: '2026-06-01T09:00:00Z',
  isFhirServerAllowed: (url) => url.startsWith(EHR),
});

const body = (prefetch?: Record<string, unknown>) => ({
  hook: 'patient-view',
  hookInstance: '8b1a6f7e-8f7c-4f51-9a8e-1f2d3c4b5a69',
  fhirServer: BASE,
  fhirAuthorization: { access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'ln-cds-hooks' },
  context: { userId: 'Practitioner/prac-1', patientId: 'p77' },
  ...(prefetch ? { prefetch } : {}),
});

const searchset = (resources: object[], next?: string) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: resources.map((resource) => ({ resource })),
  ...(next ? { link: [{ relation: 'next', url: next }] } : {}),
});

/** An EHR that has every key but the ones a test wants to shape itself. */
function ehrAnswering(except: string[] = []) {
  const scope = nock(EHR, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
  if (!except.includes('patient')) scope.get('/fhir/r4/Patient/p77').reply(200, { resourceType: 'Patient', id: 'p77' });
  if (!except.includes('conditions')) scope.get('/fhir/r4/Condition').query({ patient: 'p77' }).reply(200, searchset([]));
  if (!except.includes('medications')) {
    scope.get('/fhir/r4/MedicationRequest').query({ patient: 'p77', _include: 'MedicationRequest:medication' }).reply(200, searchset([]));
  }
  if (!except.includes('allergies')) scope.get('/fhir/r4/AllergyIntolerance').query({ patient: 'p77' }).reply(200, searchset([]));
  const observationKeys = ['tacrolimus', 'mpaTrough', 'mpaAuc', 'egfr', 'weight', 'pregnancy', 'creatinine', 'egfrHistory'];
  const observationQueries = observationKeys.filter((k) => !except.includes(k)).length;
  if (observationQueries > 0) scope.get('/fhir/r4/Observation').query(true).times(observationQueries).reply(200, searchset([]));
  return scope;
}

afterEach(() => {
  nock.cleanAll();
});

describe('reading the record from the EHR FHIR server when nothing was prefetched', () => {
  test('runs every template against fhirServer with the access token, and answers', async () => {
    const scope = ehrAnswering();
    const response = await request(app).post('/cds-services/ln-patient-view').send(body());
    expect(response.status).toBe(200);
    expectCdsResponse(response.body);
    scope.done();
  });

  test('asks only for what was not prefetched', async () => {
    const scope = nock(EHR, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get('/fhir/r4/Observation')
      .query((q) => q.code === 'http://loinc.org|29463-7' && q._sort === '-date' && q.status === 'final,amended,corrected')
      .reply(200, searchset([]));
    const none = searchset([]);
    const prefetched = {
      ...{ patient: null, conditions: null, medications: null, tacrolimus: null, mpaTrough: null, mpaAuc: null, egfr: null },
      ...{ allergies: none, pregnancy: none, creatinine: none, egfrHistory: none },
    };
    const response = await request(app).post('/cds-services/ln-patient-view').send(body(prefetched));
    expect(response.status).toBe(200);
    scope.done();
  });

  test('follows next links of the condition search on the same server, with the token', async () => {
    const scope = ehrAnswering(['conditions']);
    scope
      .get('/fhir/r4/Condition')
      .query({ patient: 'p77' })
      .reply(200, searchset([], `${BASE}/Condition?patient=p77&page=2`))
      .get('/fhir/r4/Condition')
      .query({ patient: 'p77', page: '2' })
      .reply(200, searchset([]));
    const response = await request(app).post('/cds-services/ln-patient-view').send(body());
    expect(response.status).toBe(200);
    scope.done();
  });

  test('a next link to another host is never followed, so the token never leaves: 412', async () => {
    const scope = ehrAnswering(['conditions']);
    scope.get('/fhir/r4/Condition').query({ patient: 'p77' }).reply(200, searchset([], 'https://collector.example.net/fhir/Condition?page=2'));
    const elsewhere = nock('https://collector.example.net').get(/.*/).reply(200, searchset([]));
    const response = await request(app).post('/cds-services/ln-patient-view').send(body());
    expect(response.status).toBe(412);
    expect(elsewhere.isDone()).toBe(false);
    expect(response.body.issue[0].details.text).toBe('Could not read conditions from the FHIR server (bad-response)');
  });

  test('a FHIR server error on the trough search is a 412, never a "trough overdue" from missing data', async () => {
    nock(EHR).get('/fhir/r4/Observation').query((q) => String(q.code).includes('77348-1')).reply(503, 'down');
    ehrAnswering(['tacrolimus']);
    const response = await request(app).post('/cds-services/ln-patient-view').send(body());
    expect(response.status).toBe(412);
    expect(response.body.issue[0].details.text).toBe('Could not read tacrolimus from the FHIR server (http-status)');
  });

  test('a server answering something that is not FHIR is a 412', async () => {
    nock(EHR).get('/fhir/r4/Condition').query(true).reply(200, '<html>login</html>', { 'Content-Type': 'text/html' });
    ehrAnswering(['conditions']);
    const response = await request(app).post('/cds-services/ln-patient-view').send(body());
    expect(response.status).toBe(412);
  });

  test('a fhirServer this client may not use is never contacted: 412', async () => {
    const other = nock('https://other-ehr.example.com').get(/.*/).reply(200, searchset([]));
    const response = await request(app)
      .post('/cds-services/ln-patient-view')
      .send({ ...body(), fhirServer: 'https://other-ehr.example.com/fhir' });
    expect(response.status).toBe(412);
    expect(other.isDone()).toBe(false);
  });

  test('the access token never appears in the logs', async () => {
    ehrAnswering();
    await request(app).post('/cds-services/ln-patient-view').send(body());
    expect(log.raw()).not.toContain(TOKEN);
  });
});
