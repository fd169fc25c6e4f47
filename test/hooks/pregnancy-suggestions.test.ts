import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { CdsCard } from '../../src/logic/cards/cards';
import { expectCdsResponse } from '../support/cds-response-schema';
import { buildTestApp } from '../support/test-app';

/**
 * The pregnancy rules' suggestions through the HTTP app, in the FHIR version of the EHR's drafts
 * (clinical-rules.md §6): removing a mycophenolate draft for a pregnant patient (wave 2 rule 1a)
 * names the draft as the EHR sent it, and the pregnancy test of rule 7b is an STU3
 * ProcedureRequest or a DSTU2 DiagnosticOrder for drafts of those versions.
 */
const NOW = '2026-06-01T09:00:00.000Z';
const { app } = buildTestApp({ now: NOW });

type Json = Record<string, unknown>;
type Version = 'dstu2' | 'stu3' | 'r4';
/** MMF 500 mg tablets, 2 twice daily (2000 mg/day, in range for induction): id `draft-mmf`. */
const mmfDraft = (version: Version): Json =>
  JSON.parse(
    readFileSync(
      path.join(
        __dirname,
        '..',
        'fhir',
        'fixtures',
        'draft-orders',
        `mmf-500mg-2-tablets-bid.${version}.json`,
      ),
      'utf8',
    ),
  ) as Json;

const bundle = (resources: readonly unknown[]) => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: resources.map((resource) => ({ resource })),
});
const lupusNephritis = {
  resourceType: 'Condition',
  id: 'ln',
  subject: { reference: 'Patient/p07' },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }] },
};
const pregnant = {
  resourceType: 'Condition',
  id: 'pregnant',
  subject: { reference: 'Patient/p07' },
  clinicalStatus: { coding: [{ code: 'active' }] },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '77386006', display: 'Pregnant' }] },
  onsetDateTime: '2026-04-20',
};

type Hook = 'order-sign' | 'medication-prescribe';
async function cardsFor(
  hook: Hook,
  drafts: readonly unknown[],
  conditions: readonly unknown[],
  withPregnancyTests = true,
): Promise<CdsCard[]> {
  const context =
    hook === 'medication-prescribe'
      ? { userId: 'Practitioner/prac-1', patientId: 'p07', medications: drafts }
      : { userId: 'Practitioner/prac-1', patientId: 'p07', draftOrders: bundle(drafts) };
  const response = await request(app)
    .post(`/cds-services/ln-${hook}`)
    .send({
      hook,
      hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
      context,
      prefetch: {
        patient: { resourceType: 'Patient', id: 'p07', gender: 'female', birthDate: '1988-04-12' },
        conditions: bundle([lupusNephritis, ...conditions]),
        medications: bundle([]),
        tacrolimus: null,
        mpaTrough: null,
        mpaAuc: null,
        egfr: null,
        weight: null,
        ...(withPregnancyTests ? { pregnancy: bundle([]) } : {}),
      },
    });
  expect(response.status).toBe(200);
  expectCdsResponse(response.body);
  return (response.body as { cards: CdsCard[] }).cards;
}

function cardOf(cards: readonly CdsCard[], code: string): CdsCard {
  const found = cards.filter((card) => card.source.topic?.code === code);
  expect(found).toHaveLength(1);
  return found[0] as CdsCard;
}

describe('removing a mycophenolate draft for a pregnant patient (rule 1a), in the draft’s version', () => {
  test.each([
    ['an R4 MedicationRequest', 'order-sign', 'r4', 'MedicationRequest/draft-mmf'],
    ['an STU3 MedicationRequest', 'order-sign', 'stu3', 'MedicationRequest/draft-mmf'],
    [
      'a DSTU2 MedicationOrder (medication-prescribe)',
      'medication-prescribe',
      'dstu2',
      'MedicationOrder/draft-mmf',
    ],
  ] as const)('%s is removed by its own reference', async (_name, hook, version, resourceId) => {
    const card = cardOf(await cardsFor(hook, [mmfDraft(version)], [pregnant]), 'pregnancy-teratogenic-drug');
    expect(card.suggestions).toEqual([
      {
        label: 'Remove the mycophenolate order',
        uuid: expect.any(String) as string,
        actions: [{ type: 'delete', description: 'Remove the mycophenolate order', resourceId }],
      },
    ]);
  });

  test('no pregnancy-test results in the prefetch and no FHIR server: neither pregnancy rule speaks', async () => {
    const cards = await cardsFor('order-sign', [mmfDraft('r4')], [pregnant], false);
    expect(cards.map((card) => card.source.topic?.code)).toEqual([]);
  });
});

describe('the serum pregnancy test of rule 7b, in the draft’s version', () => {
  const HCG_CODE = {
    coding: [
      {
        system: 'http://loinc.org',
        code: '2118-8',
        display: 'Choriogonadotropin (pregnancy test) [Presence] in Serum or Plasma',
      },
    ],
    text: 'Serum pregnancy test (qualitative hCG)',
  };
  const NOTE = [
    { text: 'Before starting mycophenolate (CellCept / Myfortic label 8.3); repeat 8–10 days later.' },
  ];
  const testOrderFor = async (hook: Hook, version: Version): Promise<unknown> => {
    const card = cardOf(
      await cardsFor(hook, [mmfDraft(version)], []),
      'mycophenolate-pregnancy-test-missing',
    );
    expect(card.suggestions?.[0]?.label).toBe('Order serum pregnancy test');
    return card.suggestions?.[0]?.actions?.[0]?.resource;
  };

  test('an STU3 MedicationRequest: an STU3 ProcedureRequest', async () => {
    expect(await testOrderFor('order-sign', 'stu3')).toEqual({
      resourceType: 'ProcedureRequest',
      status: 'draft',
      intent: 'order',
      category: [
        {
          coding: [{ system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' }],
        },
      ],
      code: HCG_CODE,
      subject: { reference: 'Patient/p07' },
      authoredOn: NOW,
      note: NOTE,
    });
  });

  test('a DSTU2 MedicationOrder: a DSTU2 DiagnosticOrder', async () => {
    expect(await testOrderFor('medication-prescribe', 'dstu2')).toEqual({
      resourceType: 'DiagnosticOrder',
      subject: { reference: 'Patient/p07' },
      status: 'draft',
      item: [{ code: HCG_CODE }],
      note: NOTE,
    });
  });
});
