import request from 'supertest';
import type { CdsCard, CdsSuggestion } from '../../src/logic/cards/cards';
import { expectCdsResponse } from '../support/cds-response-schema';
import { buildTestApp } from '../support/test-app';

/**
 * clinical-rules-wave2.md §4.4 through the HTTP app: the kidney-function order of rules 4a and 4b
 * and the voclosporin dose change of 4b come back in the FHIR version of the hook's drafts (§6 of
 * the main page) — here an EHR on STU3. The new optional keys (creatinine, allergies) are
 * prefetched empty: read, nothing found.
 */
const NOW = '2026-06-01T09:00:00.000Z';
const { app } = buildTestApp({ now: NOW });
const UCUM = 'http://unitsofmeasure.org';
type Json = Record<string, unknown>;

const bundle = (resources: readonly unknown[]) => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: resources.map((resource) => ({ resource })),
});
const lupusNephritis = {
  resourceType: 'Condition',
  id: 'ln',
  subject: { reference: 'Patient/k1' },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }] },
};
const egfr = (id: string, value: number, date: string) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: 'Patient/k1' },
  code: { coding: [{ system: 'http://loinc.org', code: '98979-8' }] },
  effectiveDateTime: date,
  valueQuantity: { value, unit: 'mL/min/{1.73_m2}', system: UCUM, code: 'mL/min/{1.73_m2}' },
});
/** R4 record order, twice daily by mass. */
const recordOrder = (id: string, medication: Json, mg: number, start: string) => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/k1' },
  authoredOn: start,
  medicationCodeableConcept: medication,
  dosageInstruction: [
    {
      timing: { code: { text: 'BID' } },
      doseAndRate: [{ doseQuantity: { value: mg, unit: 'mg', system: UCUM, code: 'mg' } }],
    },
  ],
});
const VOCLOSPORIN = { text: 'voclosporin 7.9 MG Oral Capsule [Lupkynis]' };
const TACROLIMUS = { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '198377' }] };
/** An STU3 draft: dose and timing on the Dosage itself, requester.agent. */
const stu3VoclosporinDraft = {
  resourceType: 'MedicationRequest',
  id: 'vcs-draft',
  status: 'draft',
  intent: 'order',
  medicationCodeableConcept: VOCLOSPORIN,
  subject: { reference: 'Patient/k1' },
  authoredOn: '2026-06-01',
  requester: { agent: { reference: 'Practitioner/prac-1' } },
  dosageInstruction: [
    {
      text: '23.7 mg twice daily',
      timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } },
      doseQuantity: { value: 23.7, unit: 'mg', system: UCUM, code: 'mg' },
    },
  ],
};

async function cardsFor(drafts: readonly unknown[], orders: readonly unknown[], results: readonly unknown[]) {
  const response = await request(app)
    .post('/cds-services/ln-order-sign')
    .send({
      hook: 'order-sign',
      hookInstance: 'c3d1d8d2-52a4-4c8e-9b3e-1f0a3c4d5e6f',
      context: { userId: 'Practitioner/prac-1', patientId: 'k1', draftOrders: bundle(drafts) },
      prefetch: {
        patient: { resourceType: 'Patient', id: 'k1', gender: 'female', birthDate: '1988-04-12' },
        conditions: bundle([lupusNephritis]),
        medications: bundle(orders),
        tacrolimus: null,
        mpaTrough: null,
        mpaAuc: null,
        egfr: bundle(results),
        weight: null,
        allergies: null,
        pregnancy: null,
        creatinine: null,
        egfrHistory: bundle(results),
      },
    });
  expect(response.status).toBe(200);
  expectCdsResponse(response.body);
  return (response.body as { cards: CdsCard[] }).cards;
}

function cardOf(cards: readonly CdsCard[], code: string): CdsCard {
  const card = cards.find((c) => c.source.topic?.code === code);
  if (card === undefined) throw new Error(`no ${code} card`);
  return card;
}
const resourceOf = (suggestion: CdsSuggestion | undefined): unknown => suggestion?.actions?.[0]?.resource;

const CREATININE_PROCEDURE_REQUEST = {
  resourceType: 'ProcedureRequest',
  status: 'draft',
  intent: 'order',
  category: [
    { coding: [{ system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' }] },
  ],
  code: {
    coding: [
      { system: 'http://loinc.org', code: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma' },
    ],
    text: 'Serum creatinine with eGFR',
  },
  subject: { reference: 'Patient/k1' },
  authoredOn: NOW,
};

describe('kidney monitoring suggestions in an STU3 order-sign', () => {
  test('an overdue kidney-function check on tacrolimus proposes an STU3 ProcedureRequest for creatinine', async () => {
    const cards = await cardsFor(
      [stu3VoclosporinDraft],
      [recordOrder('tac', TACROLIMUS, 1, '2025-01-10'), recordOrder('vcs', VOCLOSPORIN, 23.7, '2026-01-02')],
      [],
    );
    const card = cardOf(cards, 'cni-kidney-function-overdue');
    expect(card.suggestions?.map((s) => s.label)).toEqual(['Order serum creatinine with eGFR']);
    expect(resourceOf(card.suggestions?.[0])).toEqual(CREATININE_PROCEDURE_REQUEST);
  });

  test('an eGFR decline of 22.86 % on voclosporin rewrites the STU3 draft to 15.8 mg twice daily and proposes a repeat creatinine', async () => {
    const cards = await cardsFor(
      [stu3VoclosporinDraft],
      [recordOrder('vcs', VOCLOSPORIN, 23.7, '2026-01-02')],
      [egfr('baseline', 70, '2025-12-23T09:00:00Z'), egfr('current', 54, '2026-05-18T09:00:00Z')],
    );
    const card = cardOf(cards, 'cni-egfr-decline');
    expect(card.suggestions?.map((s) => s.label)).toEqual([
      'Change to 2 × 7.9 mg capsules twice daily (31.6 mg/day)',
      'Repeat creatinine/eGFR within 2 weeks',
    ]);
    expect(resourceOf(card.suggestions?.[0])).toEqual({
      ...stu3VoclosporinDraft,
      dosageInstruction: [
        {
          text: '15.8 mg twice daily',
          timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } },
          doseQuantity: { value: 15.8, unit: 'mg', system: UCUM, code: 'mg' },
        },
      ],
    });
    expect(resourceOf(card.suggestions?.[1])).toEqual(CREATININE_PROCEDURE_REQUEST);
  });
});
