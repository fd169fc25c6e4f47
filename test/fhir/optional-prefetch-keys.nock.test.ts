import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import nock from 'nock';
import request from 'supertest';
import type { HookRequest } from '../../src/cds-hooks/request';
import { createFhirRequester } from '../../src/fhir/fhir-client';
import { gatherPatientRecord } from '../../src/fhir/gather-record';
import { SERVICE_DEFINITIONS_FILE, type ServiceDefinition } from '../../src/hooks/service-definitions';
import { expectCdsResponse } from '../support/cds-response-schema';
import { buildTestApp } from '../support/test-app';

/**
 * The second wave's optional prefetch keys (clinical-rules-wave2.md §2): allergies, pregnancy,
 * creatinine, egfrHistory. "A missing or failed key silences only the rules that need it (debug
 * note); none of these keys is `required` in the 412 sense." Without them the hook still answers;
 * in fallback mode each is asked of fhirServer with its own template; a failed query leaves the
 * key unavailable. nock: every interceptor must be used, nothing else may be called.
 */
const EHR = 'https://ehr.example.org';
const BASE = `${EHR}/fhir/r4`;
const TOKEN = 'ehr-access-token-9c2e';
const NOW = '2026-06-01T09:00:00Z';
const NEW_KEYS = ['allergies', 'pregnancy', 'creatinine', 'egfrHistory'] as const;

const services = (
  JSON.parse(readFileSync(SERVICE_DEFINITIONS_FILE, 'utf8')) as { services: ServiceDefinition[] }
).services;
const TEMPLATES = services.find((service) => service.id === 'ln-patient-view')?.prefetch ?? {};

const searchset = (resources: object[], next?: string) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: resources.map((resource) => ({ resource })),
  ...(next ? { link: [{ relation: 'next', url: next }] } : {}),
});

const lupusNephritis = {
  resourceType: 'Condition',
  id: 'ln',
  subject: { reference: 'Patient/p77' },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }] },
};
const order = (id: string, medication: object) => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p77' },
  authoredOn: '2025-01-10',
  medicationCodeableConcept: medication,
  dosageInstruction: [
    {
      timing: { code: { text: 'QD' } },
      doseAndRate: [
        { doseQuantity: { value: 1, unit: 'tablet', system: 'http://unitsofmeasure.org', code: '{tbl}' } },
      ],
    },
  ],
});
/** Azathioprine 50 mg and febuxostat: azathioprine-febuxostat needs none of the new keys. */
const azathioprineWithFebuxostat = [
  order('aza', { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '197388' }] }),
  order('febux', { text: 'febuxostat 40 MG Oral Tablet' }),
];

/** Every key of the first wave, prefetched. */
const FIRST_WAVE_PREFETCH = {
  patient: { resourceType: 'Patient', id: 'p77', gender: 'female', birthDate: '1988-04-12' },
  conditions: searchset([lupusNephritis]),
  medications: searchset(azathioprineWithFebuxostat),
  tacrolimus: searchset([]),
  mpaTrough: searchset([]),
  mpaAuc: searchset([]),
  egfr: searchset([]),
  weight: searchset([]),
};

const hookRequest = (
  options: { fhirServer?: boolean; prefetch?: Record<string, unknown> } = {},
): HookRequest => ({
  hook: 'patient-view',
  hookInstance: '3f1d1c2e-6a4b-4c1f-9e0d-2b7c8a9d0e1f',
  ...(options.fhirServer === false
    ? {}
    : {
        fhirServer: BASE,
        fhirAuthorization: {
          access_token: TOKEN,
          token_type: 'Bearer',
          expires_in: 300,
          scope: 'patient/*.read',
          subject: 'ln-cds-hooks',
        },
      }),
  context: { userId: 'Practitioner/prac-1', patientId: 'p77' },
  prefetch: options.prefetch ?? FIRST_WAVE_PREFETCH,
});

function gather(hook: HookRequest) {
  return gatherPatientRecord(hook, {
    hook: 'patient-view',
    templates: TEMPLATES,
    requesterFactory: createFhirRequester,
    isFhirServerAllowed: (url) => url.startsWith(EHR),
    deadlineMs: 2000,
    timeoutMs: 300,
    maxPages: 10,
    readLimits: { maxResponseBytes: 1_000_000, maxHookBytes: 5_000_000 },
    now: () => performance.now(),
  });
}

/** The query each new key's template sends, as nock parses it. */
const LOINC = (...codes: string[]) => codes.map((code) => `http://loinc.org|${code}`).join(',');
const EGFR_CODES = LOINC(
  '98979-8',
  '98980-6',
  '62238-1',
  '88293-6',
  '88294-4',
  '33914-3',
  '48642-3',
  '48643-1',
  '77147-7',
  '69405-9',
);
const QUERIES = {
  allergies: { path: '/fhir/r4/AllergyIntolerance', query: { patient: 'p77' } },
  pregnancy: {
    path: '/fhir/r4/Observation',
    query: {
      patient: 'p77',
      code: LOINC('82810-3', '2106-3', '2112-1', '2118-8', '2110-5', '80384-1', '80385-8'),
      status: 'final,amended,corrected',
      _sort: '-date',
      _count: '20',
    },
  },
  creatinine: {
    path: '/fhir/r4/Observation',
    query: {
      patient: 'p77',
      code: LOINC('2160-0', '38483-4', '14682-9', '59826-8', '77140-2', '21232-4', '101475-2'),
      status: 'final,amended,corrected',
      _sort: '-date',
      _count: '5',
    },
  },
  egfrHistory: {
    path: '/fhir/r4/Observation',
    query: {
      patient: 'p77',
      code: EGFR_CODES,
      status: 'final,amended,corrected',
      _sort: '-date',
      _count: '100',
    },
  },
} as const;

const ehr = () => nock(EHR, { reqheaders: { authorization: `Bearer ${TOKEN}` } });

/** The EHR answering each new key but `failing`, with one resource each. */
function ehrAnsweringNewKeys(failing?: (typeof NEW_KEYS)[number]) {
  const scope = ehr();
  for (const key of NEW_KEYS) {
    if (key === failing) continue;
    const { path, query } = QUERIES[key];
    const resource =
      key === 'allergies'
        ? { resourceType: 'AllergyIntolerance', id: 'allergy-1', patient: { reference: 'Patient/p77' } }
        : {
            resourceType: 'Observation',
            id: `obs-${key}`,
            status: 'final',
            subject: { reference: 'Patient/p77' },
            code: { text: key },
          };
    scope
      .get(path)
      .query(query)
      .reply(200, searchset([resource]));
  }
  return scope;
}

afterEach(() => {
  nock.cleanAll();
});

describe('a prefetch without the new keys and no fhirServer', () => {
  test('gathers the record, lists the four keys as unavailable and says so in a note', async () => {
    const gathered = await gather(hookRequest({ fhirServer: false }));
    expect([...(gathered.record.unavailable ?? [])].sort()).toEqual([...NEW_KEYS].sort());
    expect(gathered.notes).toContain(
      'not prefetched, no fhirServer: allergies, pregnancy, creatinine, egfrHistory',
    );
    expect(gathered.record.medicationRequests.map((r) => r.id)).toEqual(['aza', 'febux']);
  });

  test('the hook answers 200 with the cards of the rules that need none of them, never 412', async () => {
    const { app, log } = buildTestApp({ now: NOW });
    const { fhirServer: _f, fhirAuthorization: _a, ...body } = hookRequest({ fhirServer: false });
    const response = await request(app).post('/cds-services/ln-patient-view').send(body);
    expect(response.status).toBe(200);
    expectCdsResponse(response.body);
    expect(
      (response.body as { cards: { source: { topic: { code: string } } }[] }).cards.map(
        (c) => c.source.topic.code,
      ),
    ).toEqual(['azathioprine-febuxostat']);
    const debug = log.lines.find((line) => line.message === 'silent or adjusted');
    expect(debug?.notes).toContain(
      'not prefetched, no fhirServer: allergies, pregnancy, creatinine, egfrHistory',
    );
  });
});

describe('FHIR fallback for the new keys', () => {
  test('asks fhirServer for each of the four with its own template and the token, and reads the answers', async () => {
    const scope = ehrAnsweringNewKeys();
    const gathered = await gather(hookRequest());
    scope.done();
    expect(gathered.record.unavailable?.size).toBe(0);
    expect(gathered.record.allergies?.map((a) => a.id)).toEqual(['allergy-1']);
    expect(gathered.record.observations.map((o) => o.id).sort()).toEqual([
      'obs-creatinine',
      'obs-egfrHistory',
      'obs-pregnancy',
    ]);
    expect(gathered.queries.map((q) => [q.key, q.outcome]).sort()).toEqual(
      NEW_KEYS.map((key) => [key, 'ok']).sort(),
    );
  });

  test.each(NEW_KEYS)(
    'a FHIR server error (500) on %s leaves that key unavailable, and the record is gathered',
    async (key) => {
      const scope = ehrAnsweringNewKeys(key);
      const { path, query } = QUERIES[key];
      scope.get(path).query(query).reply(500, 'internal error');
      const gathered = await gather(hookRequest());
      scope.done();
      expect([...(gathered.record.unavailable ?? [])]).toEqual([key]);
      expect(gathered.notes).toContain(
        `fhir ${key}: http-status; unavailable, the rules that read it stay silent`,
      );
    },
  );

  test.each(NEW_KEYS)('a %s query that times out leaves that key unavailable', async (key) => {
    const scope = ehrAnsweringNewKeys(key);
    const { path, query } = QUERIES[key];
    scope.get(path).query(query).delay(1000).reply(200, searchset([]));
    const gathered = await gather(hookRequest());
    expect([...(gathered.record.unavailable ?? [])]).toEqual([key]);
    expect(gathered.notes).toContain(`fhir ${key}: timeout; unavailable, the rules that read it stay silent`);
    expect(scope.pendingMocks()).toEqual([]);
  });

  test('through the hook: a failing allergies query is a 200 with the other cards, not a 412', async () => {
    const { app } = buildTestApp({ now: NOW, isFhirServerAllowed: (url) => url.startsWith(EHR) });
    const scope = ehrAnsweringNewKeys('allergies');
    scope.get(QUERIES.allergies.path).query(QUERIES.allergies.query).reply(503, 'down');
    const response = await request(app).post('/cds-services/ln-patient-view').send(hookRequest());
    expect(response.status).toBe(200);
    expect(
      (response.body as { cards: { source: { topic: { code: string } } }[] }).cards.map(
        (c) => c.source.topic.code,
      ),
    ).toEqual(['azathioprine-febuxostat']);
    scope.done();
  });

  test('allergies follows next links on the same server: a contraindication on page 2 is read', async () => {
    const scope = ehrAnsweringNewKeys('allergies');
    const allergy = (id: string) => ({
      resourceType: 'AllergyIntolerance',
      id,
      patient: { reference: 'Patient/p77' },
    });
    scope
      .get('/fhir/r4/AllergyIntolerance')
      .query({ patient: 'p77' })
      .reply(200, searchset([allergy('penicillin')], `${BASE}/AllergyIntolerance?patient=p77&page=2`))
      .get('/fhir/r4/AllergyIntolerance')
      .query({ patient: 'p77', page: '2' })
      .reply(200, searchset([allergy('hydroxychloroquine')]));
    const gathered = await gather(hookRequest());
    scope.done();
    expect(gathered.record.allergies?.map((a) => a.id)).toEqual(['penicillin', 'hydroxychloroquine']);
    expect(gathered.queries.find((q) => q.key === 'allergies')?.pages).toBe(2);
  });

  test('a prefetched allergies Bundle with a next page is read whole from fhirServer', async () => {
    const scope = ehr()
      .get(QUERIES.allergies.path)
      .query(QUERIES.allergies.query)
      .reply(
        200,
        searchset([
          { resourceType: 'AllergyIntolerance', id: 'allergy-1', patient: { reference: 'Patient/p77' } },
        ]),
      );
    const prefetch = {
      ...FIRST_WAVE_PREFETCH,
      allergies: searchset([], `${BASE}/AllergyIntolerance?patient=p77&page=2`),
      pregnancy: searchset([]),
      creatinine: searchset([]),
      egfrHistory: searchset([]),
    };
    const gathered = await gather(hookRequest({ prefetch }));
    scope.done();
    expect(gathered.notes).toContain(
      'prefetch allergies: the Bundle has a next page; reading the whole result',
    );
    expect(gathered.record.allergies?.map((a) => a.id)).toEqual(['allergy-1']);
    expect(gathered.record.unavailable?.size).toBe(0);
  });
});
