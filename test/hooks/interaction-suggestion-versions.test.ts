import request from 'supertest';
import type { CdsCard } from '../../src/logic/cards/cards';
import { expectCdsResponse } from '../support/cds-response-schema';
import { buildTestApp } from '../support/test-app';

/**
 * The second wave's suggestions in the FHIR version of the draft they answer (clinical-rules.md
 * §6): removing a febuxostat draft (2a) names it as the EHR sent it — an STU3
 * `MedicationRequest/<id>`, a DSTU2 `MedicationOrder/<id>` — and the azathioprine dose reduction
 * with allopurinol (2b) rewrites an STU3 draft as an STU3 MedicationRequest.
 */
const NOW = '2026-06-01T09:00:00.000Z';
const { app } = buildTestApp({ now: NOW });
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const UCUM = 'http://unitsofmeasure.org';

type Json = Record<string, unknown>;
const bundle = (resources: readonly unknown[]) => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: resources.map((resource) => ({ resource })),
});
const lupusNephritisClassIv = {
  resourceType: 'Condition',
  id: 'ln',
  subject: { reference: 'Patient/p07' },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }] },
};
const activeOrder = (id: string, coding: Json, tablets: number, timing: string) => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p07' },
  authoredOn: '2024-07-01',
  medicationCodeableConcept: { coding: [coding] },
  dosageInstruction: [
    {
      timing: { code: { text: timing } },
      doseAndRate: [{ doseQuantity: { value: tablets, unit: 'tablet', system: UCUM, code: '{tbl}' } }],
    },
  ],
});
const azathioprine50 = { system: RXNORM, code: '197388', display: 'azathioprine 50 MG Oral Tablet' };
/** Azathioprine 50 mg tablets, 2 once daily since July 2024. */
const azathioprineSince2024 = activeOrder('aza', azathioprine50, 2, 'QD');
/** Allopurinol 100 mg tablets, 1 once daily. */
const allopurinolActive = activeOrder('allo', { system: RXNORM, code: '197319' }, 1, 'QD');
const weight80kg = {
  resourceType: 'Observation',
  id: 'wt',
  status: 'final',
  subject: { reference: 'Patient/p07' },
  code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] },
  effectiveDateTime: '2026-05-12',
  valueQuantity: { value: 80, unit: 'kg', system: UCUM, code: 'kg' },
};

/** An STU3 MedicationRequest draft: `context`, `requester.agent`, the dose on the Dosage. */
const stu3Draft = (id: string, medication: Json, tablets: number, text: string): Json => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'draft',
  intent: 'order',
  medicationCodeableConcept: medication,
  subject: { reference: 'Patient/p07' },
  context: { reference: 'Encounter/e1' },
  authoredOn: '2026-06-01',
  requester: { agent: { reference: 'Practitioner/prac-1' } },
  dosageInstruction: [
    {
      text,
      timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
      route: { coding: [{ system: 'http://snomed.info/sct', code: '26643006', display: 'Oral route' }] },
      doseQuantity: { value: tablets, unit: 'tablet', system: UCUM, code: '{tbl}' },
    },
  ],
});
/** The same febuxostat draft as a DSTU2 MedicationOrder (medication-prescribe, CDS Hooks 1.0). */
const dstu2FebuxostatDraft: Json = {
  resourceType: 'MedicationOrder',
  id: 'febux',
  status: 'draft',
  dateWritten: '2026-06-01',
  patient: { reference: 'Patient/p07' },
  medicationCodeableConcept: { text: 'febuxostat 40 MG Oral Tablet' },
  dosageInstruction: [
    {
      text: '1 tablet once daily',
      timing: { repeat: { frequency: 1, period: 1, periodUnits: 'd' } },
      doseQuantity: { value: 1, unit: 'tablet', system: UCUM, code: '{tbl}' },
    },
  ],
};

type Hook = 'order-select' | 'order-sign' | 'medication-prescribe';
async function cardOf(
  hook: Hook,
  drafts: readonly unknown[],
  medications: readonly unknown[],
  code: string,
): Promise<CdsCard> {
  const context =
    hook === 'medication-prescribe'
      ? { userId: 'Practitioner/prac-1', patientId: 'p07', medications: drafts }
      : {
          userId: 'Practitioner/prac-1',
          patientId: 'p07',
          draftOrders: bundle(drafts),
          ...(hook === 'order-select' ? { selections: ['MedicationRequest/febux'] } : {}),
        };
  const response = await request(app)
    .post(`/cds-services/ln-${hook}`)
    .send({
      hook,
      hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
      context,
      prefetch: {
        patient: { resourceType: 'Patient', id: 'p07', gender: 'female', birthDate: '1988-04-12' },
        conditions: bundle([lupusNephritisClassIv]),
        medications: bundle(medications),
        tacrolimus: null,
        mpaTrough: null,
        mpaAuc: null,
        egfr: null,
        weight: bundle([weight80kg]),
      },
    });
  expect(response.status).toBe(200);
  expectCdsResponse(response.body);
  const card = (response.body as { cards: CdsCard[] }).cards.find((c) => c.source.topic?.code === code);
  if (card === undefined) throw new Error(`no ${code} card`);
  return card;
}

describe('removing a febuxostat draft names it as the EHR sent it (2a)', () => {
  const febuxostatText = { text: 'Uloric 40 MG Oral Tablet' };

  test('an STU3 MedicationRequest draft (order-select): delete MedicationRequest/<id>', async () => {
    const card = await cardOf(
      'order-select',
      [stu3Draft('febux', febuxostatText, 1, '1 tablet once daily')],
      [azathioprineSince2024],
      'azathioprine-febuxostat',
    );
    expect(card.suggestions).toEqual([
      {
        label: 'Remove the febuxostat order',
        uuid: expect.any(String),
        actions: [
          {
            type: 'delete',
            description: 'Remove the febuxostat order',
            resourceId: 'MedicationRequest/febux',
          },
        ],
      },
    ]);
  });

  test('a DSTU2 MedicationOrder (medication-prescribe, CDS Hooks 1.0): delete MedicationOrder/<id>', async () => {
    const card = await cardOf(
      'medication-prescribe',
      [dstu2FebuxostatDraft],
      [azathioprineSince2024],
      'azathioprine-febuxostat',
    );
    expect(card.suggestions?.[0]?.actions).toEqual([
      { type: 'delete', description: 'Remove the febuxostat order', resourceId: 'MedicationOrder/febux' },
    ]);
  });
});

describe('the azathioprine reduction with allopurinol rewrites the draft in its version (2b)', () => {
  test('an STU3 draft of 3 × 50 mg once daily at 80 kg comes back as that STU3 draft with 1 tablet', async () => {
    const sent = stu3Draft('aza-draft', { coding: [azathioprine50] }, 3, '3 tablets once daily');
    const card = await cardOf(
      'order-sign',
      [sent],
      [azathioprineSince2024, allopurinolActive],
      'azathioprine-allopurinol',
    );
    const [sentDosage] = sent.dosageInstruction as Json[];
    expect(card.suggestions).toEqual([
      {
        label: 'Change to 1 × 50 mg tablet once daily (50 mg/day)',
        uuid: expect.any(String),
        actions: [
          {
            type: 'update',
            description: 'Rewrite the draft order to an in-range daily dose',
            resource: {
              ...sent,
              dosageInstruction: [
                {
                  ...sentDosage,
                  text: '1 tablet (50 mg) once daily',
                  doseQuantity: { value: 1, unit: 'tablet', system: UCUM, code: '{tbl}' },
                },
              ],
            },
          },
        ],
      },
    ]);
  });
});
