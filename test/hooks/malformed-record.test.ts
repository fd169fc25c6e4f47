import request from 'supertest';
import { expectCdsResponse } from '../support/cds-response-schema';
import { buildTestApp, captureLogger } from '../support/test-app';

/**
 * EHR data of any quality: an element of the wrong JSON shape is dropped at the edge
 * (src/fhir/read-record.ts), so the rule that needed it stays silent and every other rule
 * still speaks — never a 500.
 */
const { app } = buildTestApp({ now: '2026-06-01T09:00:00Z' });

const bundle = (resources: unknown[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) });
const lnClassIv = {
  resourceType: 'Condition',
  id: 'ln',
  subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }] },
};
const tacrolimusSince2024 = {
  resourceType: 'MedicationRequest',
  id: 'tac',
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  authoredOn: '2024-01-10',
  medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '198377' }] },
  dosageInstruction: [{ timing: { code: { text: 'BID' } }, doseAndRate: [{ doseQuantity: { value: 1, unit: 'mg' } }] }],
};
const troughOf = (value: unknown) => ({
  resourceType: 'Observation',
  id: 'trough',
  status: 'final',
  subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: 'http://loinc.org', code: '77348-1' }] },
  effectiveDateTime: '2026-05-20',
  valueQuantity: value,
});

function patientView(resources: { conditions: unknown[]; medications: unknown[]; troughs: unknown[] }) {
  return {
    hook: 'patient-view',
    hookInstance: '0c1e7d1a-3a52-4f8e-9d6b-2b4c1f0e9a77',
    context: { userId: 'Practitioner/prac-1', patientId: 'p1' },
    prefetch: {
      patient: null,
      conditions: bundle(resources.conditions),
      medications: bundle(resources.medications),
      tacrolimus: bundle(resources.troughs),
      mpaTrough: null,
      mpaAuc: null,
      egfr: null,
      weight: null,
    },
  };
}

async function codes(body: object): Promise<string[]> {
  const response = await request(app).post('/cds-services/ln-patient-view').send(body);
  expect(response.status).toBe(200);
  expectCdsResponse(response.body);
  return (response.body.cards as { source: { topic: { code: string } } }[]).map((card) => card.source.topic.code);
}

describe('records with malformed elements', () => {
  test('a low trough still warns when another condition has a coding that is a string', async () => {
    const broken = { ...lnClassIv, id: 'other', code: { coding: 'M32.14' } };
    expect(await codes(patientView({ conditions: [lnClassIv, broken], medications: [tacrolimusSince2024], troughs: [troughOf({ value: 3.1, unit: 'ng/mL' })] }))).toEqual([
      'tacrolimus-trough-low',
    ]);
  });

  test('a trough whose value is a string is unreadable: silent, not a crash and not "overdue"', async () => {
    expect(await codes(patientView({ conditions: [lnClassIv], medications: [tacrolimusSince2024], troughs: [troughOf({ value: '3.1', unit: 'ng/mL' })] }))).toEqual([]);
  });

  test.each([
    ['dosageInstruction is a number', { dosageInstruction: 1 }],
    ['dosageInstruction holds null', { dosageInstruction: [null] }],
    ['medicationCodeableConcept.coding is a string', { medicationCodeableConcept: { coding: 'tacrolimus' } }],
    ['authoredOn is an object', { authoredOn: { start: 5 } }],
    ['status is a number', { status: 5 }],
  ])('an order whose %s is answered 200', async (_what, change) => {
    await codes(patientView({ conditions: [lnClassIv], medications: [{ ...tacrolimusSince2024, ...change }], troughs: [troughOf({ value: 3.1, unit: 'ng/mL' })] }));
  });

  test.each([
    ['code.coding holds null', { code: { coding: [null] } }],
    ['verificationStatus.coding is a string', { verificationStatus: { coding: 'refuted' } }],
    ['clinicalStatus is an array', { clinicalStatus: [] }],
  ])('a lupus nephritis condition whose %s is answered 200', async (_what, change) => {
    await codes(patientView({ conditions: [{ ...lnClassIv, ...change }], medications: [tacrolimusSince2024], troughs: [troughOf({ value: 3.1, unit: 'ng/mL' })] }));
  });
});

describe('blank text is absent text', () => {
  // §3: the time of a result is effectiveDateTime, else … issued. A blank effectiveDateTime is no
  // date at all: the issued time stands in, and the low trough still warns.
  const lowTroughDated = (effectiveDateTime: string) =>
    patientView({
      conditions: [lnClassIv],
      medications: [tacrolimusSince2024],
      troughs: [{ ...troughOf({ value: 3.1, unit: 'ng/mL' }), effectiveDateTime, issued: '2026-05-20T14:00:00Z' }],
    });

  test.each([
    ['spaces', '   '],
    ['a tab and a newline', '\t\n'],
    ['a no-break space', '\u00a0'],
    ['an em space and a byte-order mark', '\u2003\ufeff'],
  ])('a trough whose effectiveDateTime is only %s is dated by its issued time', async (_what, date) => {
    expect(await codes(lowTroughDated(date))).toEqual(['tacrolimus-trough-low']);
  });

  test('a trough whose effectiveDateTime is not a date is undated, not dated by its issued time', async () => {
    expect(await codes(lowTroughDated('x'))).not.toContain('tacrolimus-trough-low');
  });
});

describe('why a rule stayed silent', () => {
  const unreadableTrough = patientView({
    conditions: [lnClassIv],
    medications: [tacrolimusSince2024],
    troughs: [troughOf({ value: '3.1', unit: 'ng/mL' })],
  });
  const silentNotes = (lines: Record<string, unknown>[]) =>
    lines.filter((line) => line.message === 'silent or adjusted').flatMap((line) => line.notes as string[]);

  test('is in the debug log when the operator asks for debug', async () => {
    const { logger, log } = captureLogger('debug');
    const { app: debugApp } = buildTestApp({ now: '2026-06-01T09:00:00Z', logger });
    await request(debugApp).post('/cds-services/ln-patient-view').send(unreadableTrough).expect(200);
    expect(silentNotes(log.lines)).toContainEqual(expect.stringContaining('latest tacrolimus level unreadable'));
  });

  test('names the request id the response carries, as the request line does', async () => {
    const { logger, log } = captureLogger('debug');
    const { app: debugApp } = buildTestApp({ now: '2026-06-01T09:00:00Z', logger });
    const first = await request(debugApp).post('/cds-services/ln-patient-view').send(unreadableTrough).expect(200);
    const second = await request(debugApp).post('/cds-services/ln-patient-view').send(unreadableTrough).expect(200);
    const ids = [first.headers['x-request-id'], second.headers['x-request-id']];
    expect(ids[0]).not.toEqual(ids[1]);
    expect(log.lines.map((line) => [line.message, line.requestId])).toEqual([
      ['silent or adjusted', ids[0]],
      ['request', ids[0]],
      ['silent or adjusted', ids[1]],
      ['request', ids[1]],
    ]);
  });

  test('is not written at the default info level', async () => {
    const { logger, log } = captureLogger('info');
    const { app: infoApp } = buildTestApp({ now: '2026-06-01T09:00:00Z', logger });
    await request(infoApp).post('/cds-services/ln-patient-view').send(unreadableTrough).expect(200);
    expect(log.lines.map((line) => line.message)).toEqual(['request']);
  });
});
