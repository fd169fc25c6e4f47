import type { Server } from 'node:http';
import request from 'supertest';
import type { FhirRequesterFactory } from '../../src/fhir/fhir-client';
import { buildTestApp } from '../support/test-app';

/**
 * No input makes the service answer 5xx or crash (docs/security.md, "What a caller can make the
 * service do"). A seeded, reproducible fuzz: 600 mutations of two valid hook requests (wrong
 * types, huge strings, deep nesting, `__proto__` / `constructor` keys, arrays for objects, nulls,
 * unicode, truncated JSON). Every answer must be
 * below 500; every 4xx must be a well-formed OperationOutcome; 200 must be a CDS Hooks response.
 * A failing case prints its seed and index so it can be replayed alone.
 */
const SEED = 0x4c4e4844; // "LNHD"
const CASES = 600;

/** mulberry32 (Tommy Ettinger, public domain): tiny, fast, good enough to fuzz with. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const patientViewRequest = (): Json => ({
  hook: 'patient-view',
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  fhirServer: 'http://127.0.0.1:8090/fhir',
  context: { userId: 'Practitioner/prac-1', patientId: 'p01' },
  prefetch: {
    patient: { resourceType: 'Patient', id: 'p01', name: [{ family: 'Fuzz', given: ['Patient'] }] },
    conditions: {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ resource: { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p01' }, code: { coding: [{ system: 'http://snomed.info/sct', code: '68815009' }] }, clinicalStatus: { coding: [{ code: 'active' }] } } }],
    },
    medications: {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        {
          resource: {
            resourceType: 'MedicationRequest',
            id: 'm1',
            status: 'active',
            intent: 'order',
            subject: { reference: 'Patient/p01' },
            authoredOn: '2026-01-10',
            medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '42316', display: 'tacrolimus' }] },
            dosageInstruction: [{ timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: { value: 2, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }] }],
          },
        },
      ],
    },
    tacrolimus: {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ resource: { resourceType: 'Observation', id: 'o1', status: 'final', subject: { reference: 'Patient/p01' }, code: { coding: [{ system: 'http://loinc.org', code: '77348-1' }] }, effectiveDateTime: '2026-05-20', valueQuantity: { value: 3.1, unit: 'ng/mL', system: 'http://unitsofmeasure.org', code: 'ng/mL' } } }],
    },
    mpaTrough: null,
    mpaAuc: null,
    egfr: null,
    weight: null,
  },
});

const orderSignRequest = (): Json => ({
  hook: 'order-sign',
  hookInstance: '2b0f8a7e-6c5d-4e3f-9a1b-0c9d8e7f6a5b',
  context: {
    userId: 'Practitioner/prac-1',
    patientId: 'p01',
    draftOrders: {
      resourceType: 'Bundle',
      entry: [
        {
          resource: {
            resourceType: 'MedicationRequest',
            id: 'request-123',
            status: 'draft',
            intent: 'order',
            subject: { reference: 'Patient/p01' },
            medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '68149', display: 'mycophenolate mofetil' }] },
            dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: { value: 2, system: 'http://unitsofmeasure.org', code: '{pill}' } }] }],
          },
        },
      ],
    },
  },
  prefetch: { patient: null, conditions: null, medications: null, tacrolimus: null, mpaTrough: null, mpaAuc: null, egfr: null, weight: null },
});

const SERVICES: readonly [string, () => Json][] = [
  ['ln-patient-view', patientViewRequest],
  ['ln-order-sign', orderSignRequest],
];

const UNICODE = ['\u0000', '\uD800', '\uDFFF', '\u202E', '\uFEFF', '💊', 'é', 'Ω', '\u0085', '\n\r\t', '𝕿𝖆𝖈', '\\u0000', '"', '\'; DROP TABLE', '../../etc/passwd', '%2e%2e%2f', '{{context.patientId}}'];

type Container = Json[] | { [key: string]: Json };

/** Every (container, key) pair in the document, root excluded. */
function slots(value: Json, into: [Container, string | number][] = []): [Container, string | number][] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      into.push([value, index]);
      slots(item, into);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      into.push([value, key]);
      slots(value[key] ?? null, into);
    }
  }
  return into;
}

/** Marks a string to be replaced by `depth` nested arrays or objects in the request text. */
const DEEP = '\u0001deep:';
const DEEP_PATTERN = /"\\u0001deep:([[{])(\d+)"/g;

function expandDeep(body: string): string {
  return body.replace(DEEP_PATTERN, (_match, kind: string, depth: string) => {
    const n = Number(depth);
    return kind === '[' ? `${'['.repeat(n)}1${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  });
}

function set(container: Container, key: string | number, value: Json): void {
  if (Array.isArray(container)) container[Number(key)] = value;
  else Object.defineProperty(container, String(key), { value, enumerable: true, writable: true, configurable: true });
}

/** One structural mutation; returns what it did, for the failure message. */
function mutate(document: Json, random: () => number): string {
  const all = slots(document);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const [container, key] = pick(all);
  const current = Array.isArray(container) ? container[Number(key)] : container[String(key)];
  const operator = Math.floor(random() * 12);
  switch (operator) {
    case 0:
      set(container, key, pick<Json>([null, 0, -1, 1e308, -0, true, false, '', [], {}]));
      return `${key}: wrong type`;
    case 1:
      set(container, key, 'x'.repeat(pick([1_000, 70_000, 500_000])));
      return `${key}: huge string`;
    case 2: {
      // Written into the JSON text afterwards (see DEEP): the test itself must not recurse that deep.
      const depth = pick([50, 1_000, 20_000, 100_000]);
      set(container, key, `${DEEP}${random() < 0.5 ? '[' : '{'}${depth}`);
      return `${key}: nested ${depth} deep`;
    }
    case 3:
      if (!Array.isArray(container)) delete container[String(key)];
      return `${key}: removed`;
    case 4:
      set(container, key, [current ?? null]);
      return `${key}: wrapped in an array`;
    case 5: {
      const target = current !== null && typeof current === 'object' && !Array.isArray(current) ? current : (container as { [key: string]: Json });
      if (Array.isArray(target)) return `${key}: untouched`;
      const special = pick(['__proto__', 'constructor', 'prototype']);
      set(target, special, { polluted: 'yes', toString: 'no', hasOwnProperty: 1 });
      return `${key}: ${special} key`;
    }
    case 6:
      set(container, key, typeof current === 'string' ? `${current}${pick(UNICODE)}${pick(UNICODE)}` : pick(UNICODE));
      return `${key}: unicode`;
    case 7:
      set(container, key, typeof current === 'number' ? String(current) : typeof current === 'string' ? Number(current.length) : null);
      return `${key}: number/string swap`;
    case 8:
      set(container, key, Array.from({ length: pick([2, 200, 5_000]) }, () => current ?? null));
      return `${key}: many copies`;
    case 9:
      set(container, key, { resourceType: pick(['Bundle', 'OperationOutcome', 'Patient', 'MedicationRequest', '']), entry: pick<Json>([null, {}, [null], [{ resource: [] }], 'x']) });
      return `${key}: odd resource`;
    case 10:
      set(container, key, pick<Json>([-1e-300, 2 ** 53 + 1, 1.5, -999999999, 0.1]));
      return `${key}: odd number`;
    default:
      set(container, key, { ...(typeof current === 'object' && current !== null && !Array.isArray(current) ? current : {}), unexpected: pick(UNICODE) });
      return `${key}: extra field`;
  }
}

interface FuzzCase {
  readonly index: number;
  readonly service: string;
  readonly body: string;
  readonly description: string;
}

function generateCases(): FuzzCase[] {
  const random = mulberry32(SEED);
  return Array.from({ length: CASES }, (_unused, index) => {
    const [service, build] = SERVICES[index % SERVICES.length] as [string, () => Json];
    const document = build();
    const steps: string[] = [];
    const count = 1 + Math.floor(random() * 3);
    for (let i = 0; i < count; i += 1) steps.push(mutate(document, random));
    let body = expandDeep(JSON.stringify(document));
    if (random() < 0.05) {
      body = body.slice(0, Math.floor(random() * body.length));
      steps.push('truncated JSON');
    }
    return { index, service, body, description: steps.join('; ') };
  });
}

/** An EHR FHIR server double that answers an empty record (no network, no waiting). */
const emptyRecord: FhirRequesterFactory = () => ({
  get: (url) => Promise.resolve(url.startsWith('Patient/') ? { resourceType: 'Patient', id: 'p01' } : { resourceType: 'Bundle', type: 'searchset', entry: [] }),
});

function isOperationOutcome(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const outcome = body as { resourceType?: unknown; issue?: unknown };
  return (
    outcome.resourceType === 'OperationOutcome' &&
    Array.isArray(outcome.issue) &&
    outcome.issue.length > 0 &&
    outcome.issue.every((issue: { severity?: unknown; code?: unknown; details?: { text?: unknown } }) => issue.severity === 'error' && typeof issue.code === 'string' && typeof issue.details?.text === 'string')
  );
}

describe(`${CASES} seeded mutations of valid hook requests (seed ${SEED})`, () => {
  let server: Server;
  beforeAll(async () => {
    const { app } = buildTestApp({ now: '2026-06-01T09:00:00Z', requesterFactory: emptyRecord });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('are generated the same way on every run', () => {
    const first = generateCases();
    const second = generateCases();
    expect(second.map((c) => c.body)).toEqual(first.map((c) => c.body));
    expect(new Set(first.map((c) => c.body)).size).toBeGreaterThan(CASES * 0.9);
  });

  it('never get a 5xx; every 4xx is an OperationOutcome and every 200 a CDS Hooks response', async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (const fuzz of generateCases()) {
      const response = await request(server).post(`/cds-services/${fuzz.service}`).set('Content-Type', 'application/json').send(fuzz.body);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const wellFormed =
        response.status === 200
          ? Array.isArray((response.body as { cards?: unknown }).cards)
          : response.status >= 400 && response.status < 500 && isOperationOutcome(response.body);
      if (!wellFormed) failures.push(`case ${fuzz.index} (${fuzz.service}: ${fuzz.description}) → ${response.status} ${response.text.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    // Both outcomes occur: the mutations are neither all fatal nor all harmless.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    // Nothing in the requests polluted the shared Object prototype.
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    // 600 requests one after another: allow for a busy machine (no assertion on speed).
  }, 180_000);
});
