import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readSentDrafts, chooseVersion } from '../../src/fhir/draft-versions';
import { expressLabOrder } from '../../src/fhir/lab-order-versions';
import { expressSuggestionsInDraftVersions } from '../../src/fhir/suggestion-versions';
import type { CdsCard } from '../../src/logic/cards/cards';
import { fixturesDir } from '../support/fixtures';

/**
 * clinical-rules.md §6 at the FHIR layer: which version each draft is in (by its shape, since a
 * CDS Hooks request names none), and what can be written in each version. The whole answers go
 * through HTTP in test/hooks/suggestion-versions.test.ts.
 */
type Json = Record<string, unknown>;
const draftFixture = (file: string): Json =>
  JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'draft-orders', file), 'utf8')) as Json;
const bundle = (...resources: unknown[]) => ({
  resourceType: 'Bundle',
  entry: resources.map((resource) => ({ resource })),
});
const UCUM = 'http://unitsofmeasure.org';

describe('the FHIR version of a hook’s drafts, read from their shape', () => {
  it.each([
    ['mmf-500mg-2-tablets-bid.dstu2.json', ['DSTU2']],
    ['mmf-500mg-2-tablets-bid.stu3.json', ['STU3']],
    ['mmf-500mg-2-tablets-bid.r4.json', ['R4']],
  ])('%s is %j', (file, versions) => {
    const sent = readSentDrafts([draftFixture(file)]);
    expect(sent.versions).toEqual(versions);
    expect(sent.drafts.map((d) => d.versions)).toEqual([versions]);
  });

  it('reads the CDS Hooks Sandbox draft (single `category` object, `doseAndRate`) as R4', () => {
    const recorded = JSON.parse(
      readFileSync(
        path.join(fixturesDir('sandbox-requests'), 'order-sign-p01-mycophenolate-500mg-2-pills-daily.json'),
        'utf8',
      ),
    ) as { body: { context: { draftOrders: unknown } } };
    expect(readSentDrafts(recorded.body.context.draftOrders).versions).toEqual(['R4']);
  });

  it('cannot tell STU3 from R4 for an order chosen before its dose: R4 is written', () => {
    const sent = readSentDrafts(
      bundle({ resourceType: 'MedicationRequest', id: 'request-123', status: 'draft' }),
    );
    expect(sent.versions).toEqual(['STU3', 'R4']);
    expect(chooseVersion(sent.versions)).toBe('R4');
  });

  it('reads an STU3 dose sent as `doseSimpleQuantity` as STU3', () => {
    const draft = {
      resourceType: 'MedicationRequest',
      dosageInstruction: [{ doseSimpleQuantity: { value: 2, unit: 'tablet' } }],
    };
    expect(readSentDrafts([draft]).versions).toEqual(['STU3']);
  });

  it('narrows the hook by its other drafts: a lone ProcedureRequest is DSTU2 or STU3, with an STU3 MedicationRequest STU3', () => {
    const procedure = { resourceType: 'ProcedureRequest', id: 'biopsy' };
    expect(chooseVersion(readSentDrafts(bundle(procedure)).versions)).toBeUndefined();
    const stu3 = draftFixture('mmf-500mg-2-tablets-bid.stu3.json');
    expect(readSentDrafts(bundle(procedure, stu3)).versions).toEqual(['STU3']);
  });

  it('finds no common version for a DSTU2 MedicationOrder beside an R4 ServiceRequest', () => {
    const dstu2 = draftFixture('mmf-500mg-2-tablets-bid.dstu2.json');
    const versions = readSentDrafts(bundle(dstu2, { resourceType: 'ServiceRequest' })).versions;
    expect(versions).toEqual([]);
    expect(chooseVersion(versions)).toBeUndefined();
  });

  it('is R4 when the hook sent no drafts (patient-view)', () => {
    expect(chooseVersion(readSentDrafts(undefined).versions)).toBe('R4');
  });
});

describe('a laboratory order in each version', () => {
  const trough: fhir4.ServiceRequest = {
    resourceType: 'ServiceRequest',
    status: 'draft',
    intent: 'order',
    code: { coding: [{ system: 'http://loinc.org', code: '77348-1' }] },
    subject: { reference: 'Patient/p07' },
    requester: { reference: 'Practitioner/prac-1' },
    encounter: { reference: 'Encounter/e1' },
  };

  it('writes requester as STU3 `requester.agent` and encounter as `context`', () => {
    expect(expressLabOrder(trough, 'STU3')).toEqual({
      ok: true,
      resource: {
        resourceType: 'ProcedureRequest',
        status: 'draft',
        intent: 'order',
        code: trough.code,
        subject: trough.subject,
        context: trough.encounter,
        requester: { agent: trough.requester },
      },
    });
  });

  it('writes requester as the DSTU2 `orderer` and an active order as `requested`', () => {
    expect(expressLabOrder({ ...trough, status: 'active' }, 'DSTU2')).toEqual({
      ok: true,
      resource: {
        resourceType: 'DiagnosticOrder',
        subject: trough.subject,
        orderer: trough.requester,
        encounter: trough.encounter,
        status: 'requested',
        item: [{ code: trough.code }],
      },
    });
  });

  it.each([
    [
      'a requester that is not a Practitioner (DSTU2 orderer)',
      { requester: { reference: 'Organization/lab' } },
      'DSTU2',
    ],
    ['an element DSTU2 lacks (occurrenceDateTime)', { occurrenceDateTime: '2026-06-02' }, 'DSTU2'],
    ['an intent STU3 lacks (directive)', { intent: 'directive' }, 'STU3'],
    ['an R4 Reference.type', { subject: { reference: 'Patient/p07', type: 'Patient' } }, 'STU3'],
    [
      'an extension, typed differently in STU3',
      { extension: [{ url: 'http://example.org/x', valueString: 'y' }] },
      'STU3',
    ],
  ] as const)('writes none for %s', (_what, change, version) => {
    expect(expressLabOrder({ ...trough, ...change } as fhir4.ServiceRequest, version)).toEqual({
      ok: false,
      reason: expect.any(String),
    });
  });
});

describe('a dose update in the draft’s own version', () => {
  /** A card as the rules write it: the R4 reading of `draft` with a new dose. */
  function doseCard(order: fhir4.MedicationRequest, dosage: fhir4.Dosage): CdsCard {
    const resource: fhir4.MedicationRequest = { ...order, dosageInstruction: [dosage] };
    return {
      uuid: 'card',
      summary: 'Mycophenolate mofetil 3000 mg/day is above the maintenance range',
      indicator: 'warning',
      source: { label: 'test', topic: { system: 'urn:ln-cds-hooks:rule', code: 'mycophenolate-dose-high' } },
      suggestions: [
        {
          label: 'Change the draft order',
          uuid: 'suggestion',
          actions: [{ type: 'update', description: 'new dose', resource }],
        },
      ],
      selectionBehavior: 'at-most-one',
    };
  }
  const stu3 = {
    resourceType: 'MedicationRequest',
    id: 'medrx-mmf',
    status: 'draft',
    intent: 'order',
    subject: { reference: 'Patient/p07' },
    context: { reference: 'Encounter/e1' },
    medicationCodeableConcept: { text: 'mycophenolate mofetil 500 MG Oral Tablet' },
    dosageInstruction: [
      {
        text: '3 tablets twice daily',
        _text: { extension: [{ url: 'http://example.org/typed-by', valueString: 'resident' }] },
        timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } },
        doseSimpleQuantity: { value: 3, unit: 'tablet', system: UCUM, code: '{tbl}' },
      },
    ],
  };

  it('keeps the name the EHR gave its STU3 dose (`doseSimpleQuantity`) and drops the old sig’s extension', () => {
    const sent = readSentDrafts([stu3]);
    const [draft] = sent.drafts;
    const read = draft!.order.dosageInstruction![0]!;
    const proposed: fhir4.Dosage = {
      ...read,
      text: '2 tablets twice daily',
      doseAndRate: [{ doseQuantity: { value: 2, unit: 'tablet', system: UCUM, code: '{tbl}' } }],
    };
    const { cards, notes } = expressSuggestionsInDraftVersions([doseCard(draft!.order, proposed)], sent);
    expect(notes).toEqual([]);
    expect(cards[0]?.suggestions?.[0]?.actions?.[0]?.resource).toEqual({
      ...stu3,
      dosageInstruction: [
        {
          text: '2 tablets twice daily',
          timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } },
          doseSimpleQuantity: { value: 2, unit: 'tablet', system: UCUM, code: '{tbl}' },
        },
      ],
    });
  });

  it('leaves out an update that changes the schedule (no R4 Timing is written back as STU3), and says so', () => {
    const sent = readSentDrafts([stu3]);
    const order = sent.drafts[0]!.order;
    const proposed: fhir4.Dosage = { ...order.dosageInstruction![0]!, timing: { code: { text: 'TID' } } };
    const { cards, notes } = expressSuggestionsInDraftVersions([doseCard(order, proposed)], sent);
    expect(cards[0]).not.toHaveProperty('suggestions', expect.anything());
    expect(cards[0]).not.toHaveProperty('selectionBehavior', expect.anything());
    expect(notes).toEqual(['mycophenolate-dose-high: suggestion left out, no STU3 rewrite of Dosage.timing']);
  });

  it('leaves out an update that answers none of the hook’s drafts', () => {
    const sent = readSentDrafts([stu3]);
    const order = { ...sent.drafts[0]!.order, id: 'another-order' };
    const { cards, notes } = expressSuggestionsInDraftVersions(
      [doseCard(order, order.dosageInstruction![0]!)],
      sent,
    );
    expect(cards[0]?.suggestions).toBeUndefined();
    expect(notes).toEqual([
      'mycophenolate-dose-high: suggestion left out, the update does not answer exactly one draft of the hook',
    ]);
  });
});

describe('removing a draft, named by its own resource type', () => {
  function deleteCard(resourceId: string): CdsCard {
    return {
      uuid: 'card',
      summary: 'Pregnancy recorded and mycophenolate is ordered',
      indicator: 'critical',
      source: {
        label: 'test',
        topic: { system: 'urn:ln-cds-hooks:rule', code: 'pregnancy-teratogenic-drug' },
      },
      suggestions: [
        {
          label: 'Remove the mycophenolate order',
          uuid: 'suggestion',
          actions: [{ type: 'delete', description: 'Remove the mycophenolate order', resourceId }],
        },
      ],
      selectionBehavior: 'at-most-one',
    };
  }

  it('names a DSTU2 draft `MedicationOrder/<id>`', () => {
    const sent = readSentDrafts([draftFixture('mmf-500mg-2-tablets-bid.dstu2.json')]);
    const { cards, notes } = expressSuggestionsInDraftVersions(
      [deleteCard('MedicationRequest/draft-mmf')],
      sent,
    );
    expect(notes).toEqual([]);
    expect(cards[0]?.suggestions?.[0]?.actions).toEqual([
      {
        type: 'delete',
        description: 'Remove the mycophenolate order',
        resourceId: 'MedicationOrder/draft-mmf',
      },
    ]);
  });

  it('leaves out a delete that names none of the hook’s drafts, and says so', () => {
    const sent = readSentDrafts([draftFixture('mmf-500mg-2-tablets-bid.stu3.json')]);
    const { cards, notes } = expressSuggestionsInDraftVersions(
      [deleteCard('MedicationRequest/another')],
      sent,
    );
    expect(cards[0]?.suggestions).toBeUndefined();
    expect(notes).toEqual([
      'pregnancy-teratogenic-drug: suggestion left out, the delete does not name exactly one draft of the hook',
    ]);
  });
});

describe('removing a draft, named as the EHR sent it', () => {
  function removalCard(resourceId: string): CdsCard {
    return {
      uuid: 'card',
      summary:
        'Febuxostat with azathioprine is contraindicated (febuxostat label): risk of severe myelotoxicity',
      indicator: 'critical',
      source: { label: 'test', topic: { system: 'urn:ln-cds-hooks:rule', code: 'azathioprine-febuxostat' } },
      suggestions: [
        {
          label: 'Remove the febuxostat order',
          uuid: 'suggestion',
          actions: [{ type: 'delete', description: 'Remove the febuxostat order', resourceId }],
        },
      ],
      selectionBehavior: 'at-most-one',
    };
  }
  const febuxostat = (resourceType: 'MedicationOrder' | 'MedicationRequest') => ({
    resourceType,
    id: 'febux',
    status: 'draft',
    medicationCodeableConcept: { text: 'febuxostat 40 MG Oral Tablet' },
  });

  it.each([
    ['a DSTU2 MedicationOrder', 'MedicationOrder', 'MedicationOrder/febux'],
    ['an STU3 or R4 MedicationRequest', 'MedicationRequest', 'MedicationRequest/febux'],
  ] as const)('names %s by its own type', (_name, type, resourceId) => {
    const { cards, notes } = expressSuggestionsInDraftVersions(
      [removalCard('MedicationRequest/febux')],
      readSentDrafts([febuxostat(type)]),
    );
    expect(notes).toEqual([]);
    expect(cards[0]?.suggestions?.[0]?.actions).toEqual([
      { type: 'delete', description: 'Remove the febuxostat order', resourceId },
    ]);
  });

  it('leaves out a removal that names none of the hook’s drafts', () => {
    const { cards, notes } = expressSuggestionsInDraftVersions(
      [removalCard('MedicationRequest/another-order')],
      readSentDrafts([febuxostat('MedicationRequest')]),
    );
    expect(cards[0]?.suggestions).toBeUndefined();
    expect(notes).toEqual([
      'azathioprine-febuxostat: suggestion left out, the delete does not name exactly one draft of the hook',
    ]);
  });
});
