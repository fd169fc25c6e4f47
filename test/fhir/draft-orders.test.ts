import { readFileSync } from 'node:fs';
import path from 'node:path';
import { normaliseDraftOrders } from '../../src/fhir/draft-orders';
import { computeDailyDose } from '../../src/logic/dose/daily-dose';
import { decide } from '../../src/logic/decide';
import type { PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { fixturesDir } from '../support/fixtures';

const fixtures = path.join(__dirname, 'fixtures', 'draft-orders');
const sandbox = fixturesDir('sandbox-requests');
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const mmfDraft = (version: 'r4' | 'stu3' | 'dstu2'): unknown =>
  readJson(path.join(fixtures, `mmf-500mg-2-tablets-bid.${version}.json`));
const bundle = (...resources: unknown[]): unknown => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: resources.map((resource) => ({ resource })),
});
const now = new Date('2026-06-01T09:00:00.000Z');

describe('normaliseDraftOrders', () => {
  describe('one MMF 500 mg, 2 tablets twice daily draft in three FHIR versions', () => {
    const r4 = normaliseDraftOrders(bundle(mmfDraft('r4')));

    it('keeps the R4 draft as it is', () => {
      expect(r4).toEqual({ orders: [mmfDraft('r4')], medications: [], notes: [] });
    });

    it('reads the STU3 draft into the same R4 MedicationRequest', () => {
      expect(normaliseDraftOrders(bundle(mmfDraft('stu3')))).toEqual(r4);
    });

    it('reads the DSTU2 MedicationOrder into the same R4 MedicationRequest (DSTU2 has no category)', () => {
      const { category: _category, ...withoutCategory } = mmfDraft('r4') as fhir4.MedicationRequest;
      expect(normaliseDraftOrders(bundle(mmfDraft('dstu2')))).toEqual({ ...r4, orders: [withoutCategory] });
    });

    it.each(['r4', 'stu3', 'dstu2'] as const)('computes 2000 mg/day from the %s draft', (version) => {
      const [order] = normaliseDraftOrders(bundle(mmfDraft(version))).orders;
      const dose = computeDailyDose(order?.dosageInstruction, { now, strength: { mg: 500, per: 'unit' } });
      expect(dose).toEqual({
        ok: true,
        mgPerDay: 2000,
        prn: false,
        how: '2 × 500 mg tablets twice daily',
      });
    });
  });

  describe('the same MMF draft through decide() with tacrolimus active and its trough on target (multitarget maintenance)', () => {
    const lupusNephritis: fhir4.Condition = {
      resourceType: 'Condition',
      id: 'ln',
      subject: { reference: 'Patient/p07' },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }] },
    };
    const tacrolimus: fhir4.MedicationRequest = {
      resourceType: 'MedicationRequest',
      id: 'tac',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p07' },
      authoredOn: '2025-01-17',
      medicationCodeableConcept: {
        coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '198377' }],
      },
      dosageInstruction: [
        {
          timing: { code: { text: 'BID' } },
          doseAndRate: [
            {
              doseQuantity: {
                value: 2,
                unit: 'capsule',
                system: 'http://unitsofmeasure.org',
                code: '{capsule}',
              },
            },
          ],
        },
      ],
    };
    const trough: fhir4.Observation = {
      resourceType: 'Observation',
      id: 'trough',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '77348-1' }] },
      effectiveDateTime: '2026-05-20T09:00:00Z',
      valueQuantity: { value: 5, unit: 'ng/mL', system: 'http://unitsofmeasure.org', code: 'ng/mL' },
    };
    // Drawn with the trough: kidney function is checked (no cni-kidney-function-overdue card).
    const creatinine: fhir4.Observation = {
      ...trough,
      id: 'creatinine',
      code: { coding: [{ system: 'http://loinc.org', code: '2160-0' }] },
      valueQuantity: { value: 0.9, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
    };
    // With tacrolimus the card fires only outside both the multitarget (500–750) and the full-dose
    // range (§5): a site whose full-dose maintenance maximum is 1800 mg/day makes 2000 mg/day high
    // (and no whole 500 mg tablet twice daily lands in 1500–1800, so the card has no suggestion).
    const SITE_TARGETS = {
      ...DEFAULT_TARGETS,
      mycophenolate: { ...DEFAULT_TARGETS.mycophenolate, mmfMaintenanceMgPerDay: { min: 1500, max: 1800 } },
    };
    function cardsFor(version: 'r4' | 'stu3' | 'dstu2'): unknown {
      const record: PatientRecord = {
        hook: 'order-sign',
        patientId: 'p07',
        conditions: [lupusNephritis],
        medicationRequests: [tacrolimus],
        medications: [],
        observations: [trough, creatinine],
        draftOrders: normaliseDraftOrders(bundle(mmfDraft(version))).orders,
      };
      let id = 0;
      return decide({ record, now, newId: () => `id-${++id}`, targets: SITE_TARGETS }).cards;
    }

    it('gives the same mycophenolate-dose-high card (2000 mg/day above a site maximum of 1800) for R4, STU3 and DSTU2', () => {
      const r4Cards = cardsFor('r4') as { source: { topic: { code: string } } }[];
      expect(r4Cards.map((card) => card.source.topic.code)).toEqual(['mycophenolate-dose-high']);
      expect(cardsFor('stu3')).toEqual(r4Cards);
      expect(cardsFor('dstu2')).toEqual(r4Cards);
    });
  });

  describe('CDS Hooks Sandbox drafts (not valid R4)', () => {
    it.each([
      'order-select-p01-mycophenolate-500mg-2-pills-daily.json',
      'order-sign-p01-mycophenolate-500mg-2-pills-daily.json',
    ])('reads the untyped Bundle and wraps single category and reasonCode objects (%s)', (file) => {
      const request = readJson(path.join(sandbox, file)) as { body: { context: { draftOrders: unknown } } };
      const { orders, notes } = normaliseDraftOrders(request.body.context.draftOrders);
      expect(notes).toEqual([]);
      expect(orders).toHaveLength(1);
      const order = orders[0];
      expect(order?.status).toBe('draft');
      expect(Array.isArray(order?.category)).toBe(true);
      if (order?.reasonCode !== undefined) expect(order.reasonCode[0]?.coding?.[0]?.code).toBe('36402006');
      expect(order?.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity).toEqual({
        value: 2,
        system: 'http://unitsofmeasure.org',
        code: '{pill}',
      });
      const dose = computeDailyDose(order?.dosageInstruction, { now, strength: { mg: 500, per: 'unit' } });
      expect(dose.ok && dose.mgPerDay).toBe(1000);
    });

    it('reads an order chosen before a medication was picked (no intent, no medication)', () => {
      const { orders } = normaliseDraftOrders({
        resourceType: 'Bundle',
        entry: [{ resource: { resourceType: 'MedicationRequest', id: 'request-123', status: 'draft' } }],
      });
      expect(orders).toEqual([
        {
          resourceType: 'MedicationRequest',
          id: 'request-123',
          status: 'draft',
          intent: 'order',
          subject: {},
        },
      ]);
    });
  });

  describe('medication-prescribe `medications`', () => {
    it('reads an array of DSTU2 MedicationOrders (CDS Hooks 1.0)', () => {
      const { orders } = normaliseDraftOrders([mmfDraft('dstu2')]);
      expect(orders[0]?.dosageInstruction).toEqual(
        (mmfDraft('r4') as fhir4.MedicationRequest).dosageInstruction,
      );
    });

    it('reads an array of Bundle entries', () => {
      const { orders } = normaliseDraftOrders([{ resource: mmfDraft('stu3') }]);
      expect(orders).toEqual([mmfDraft('r4')]);
    });
  });

  it('ignores a ServiceRequest drafted with the medication', () => {
    const serviceRequest = { resourceType: 'ServiceRequest', id: 'lab', status: 'draft', intent: 'order' };
    const { orders, notes } = normaliseDraftOrders(bundle(serviceRequest, mmfDraft('r4')));
    expect(orders.map((o) => o.id)).toEqual(['draft-mmf']);
    expect(notes).toEqual([]);
  });

  it('returns Medications sent with the orders, reading STU3 `amount` and DSTU2 `product` strength', () => {
    const stu3 = {
      resourceType: 'Medication',
      id: 'mpa360',
      code: { text: 'Myfortic 360 mg' },
      ingredient: [
        {
          itemCodeableConcept: { text: 'mycophenolic acid' },
          amount: { numerator: { value: 360, unit: 'mg' }, denominator: { value: 1, unit: 'TAB' } },
        },
      ],
    };
    const dstu2 = {
      resourceType: 'Medication',
      id: 'aza50',
      code: { text: 'azathioprine 50 mg' },
      product: {
        form: { text: 'tablet' },
        ingredient: [
          {
            item: { reference: 'Substance/aza' },
            amount: { numerator: { value: 50, unit: 'mg' }, denominator: { value: 1, unit: 'TAB' } },
          },
        ],
      },
    };
    const { medications } = normaliseDraftOrders(bundle(stu3, dstu2));
    expect(medications).toEqual([
      {
        resourceType: 'Medication',
        id: 'mpa360',
        code: { text: 'Myfortic 360 mg' },
        ingredient: [
          {
            itemCodeableConcept: { text: 'mycophenolic acid' },
            strength: { numerator: { value: 360, unit: 'mg' }, denominator: { value: 1, unit: 'TAB' } },
          },
        ],
      },
      {
        resourceType: 'Medication',
        id: 'aza50',
        code: { text: 'azathioprine 50 mg' },
        form: { text: 'tablet' },
        ingredient: [
          {
            itemReference: { reference: 'Substance/aza' },
            strength: { numerator: { value: 50, unit: 'mg' }, denominator: { value: 1, unit: 'TAB' } },
          },
        ],
      },
    ]);
  });

  it('keeps a contained Medication of a medicationReference and drops other contained resources', () => {
    const draft = {
      resourceType: 'MedicationRequest',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      medicationReference: { reference: '#med' },
      contained: [
        { resourceType: 'Medication', id: 'med', code: { text: 'CellCept 250 mg capsule' } },
        { resourceType: 'Provenance', id: 'prov' },
      ],
    };
    const [order] = normaliseDraftOrders(bundle(draft)).orders;
    expect(order?.contained).toEqual([
      { resourceType: 'Medication', id: 'med', code: { text: 'CellCept 250 mg capsule' } },
    ]);
  });

  describe('DSTU2 timing and dosage', () => {
    it('reads periodUnits, boundsQuantity, a single `when` and asNeededBoolean', () => {
      const order = {
        resourceType: 'MedicationOrder',
        status: 'active',
        patient: { reference: 'Patient/p1' },
        medicationCodeableConcept: { text: 'prednisone 5 mg tablet' },
        dosageInstruction: [
          {
            asNeededBoolean: true,
            timing: {
              repeat: {
                frequency: 1,
                period: 1,
                periodUnits: 'd',
                boundsQuantity: { value: 7, unit: 'd' },
                when: 'MORN',
              },
            },
            doseQuantity: { value: 5, unit: 'mg' },
          },
        ],
      };
      const [read] = normaliseDraftOrders([order]).orders;
      expect(read?.dosageInstruction).toEqual([
        {
          asNeededBoolean: true,
          timing: {
            repeat: {
              frequency: 1,
              period: 1,
              periodUnit: 'd',
              boundsDuration: { value: 7, unit: 'd' },
              when: ['MORN'],
            },
          },
          doseAndRate: [{ doseQuantity: { value: 5, unit: 'mg' } }],
        },
      ]);
      expect(computeDailyDose(read?.dosageInstruction, { now })).toEqual({
        ok: true,
        mgPerDay: 5,
        prn: true,
        how: '5 mg once daily as needed',
      });
    });
  });

  describe('malformed input', () => {
    it('drops values of the wrong JSON type so that the dose is unreadable, not guessed', () => {
      const draft = {
        resourceType: 'MedicationRequest',
        status: 'draft',
        intent: 'order',
        subject: { reference: 'Patient/p1' },
        medicationCodeableConcept: {
          coding: { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '200060' },
        },
        dosageInstruction: {
          timing: { repeat: { frequency: '2', period: 1, periodUnit: 'day' } },
          doseAndRate: { doseQuantity: { value: '1000', unit: 'mg' } },
        },
      };
      const [order] = normaliseDraftOrders(bundle(draft)).orders;
      expect(order?.medicationCodeableConcept).toEqual({
        coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '200060' }],
      });
      expect(order?.dosageInstruction).toEqual([
        { timing: { repeat: { period: 1 } }, doseAndRate: [{ doseQuantity: { unit: 'mg' } }] },
      ]);
      expect(computeDailyDose(order?.dosageInstruction, { now })).toEqual({
        ok: false,
        reason: 'dose value missing or not positive',
      });
    });

    it('drops malformed elements instead of passing them through (dosageInstruction as text, validityPeriod as text)', () => {
      const draft = {
        resourceType: 'MedicationRequest',
        status: 'draft',
        intent: 'order',
        subject: 'Patient/p1',
        dosageInstruction: 'MMF 1 g BID',
        dispenseRequest: { validityPeriod: '1 year', numberOfRepeatsAllowed: 3 },
      };
      expect(normaliseDraftOrders(bundle(draft)).orders).toEqual([
        {
          resourceType: 'MedicationRequest',
          status: 'draft',
          intent: 'order',
          subject: {},
          dispenseRequest: { numberOfRepeatsAllowed: 3 },
        },
      ]);
    });

    it('drops a dose behind an unknown comparator', () => {
      const draft = {
        resourceType: 'MedicationRequest',
        dosageInstruction: [{ doseQuantity: { value: 500, comparator: 'about', unit: 'mg' } }],
      };
      const [order] = normaliseDraftOrders(bundle(draft)).orders;
      expect(order?.dosageInstruction?.[0]?.doseAndRate).toEqual([{ doseQuantity: { unit: 'mg' } }]);
    });

    it('reads a draft without status as a draft and an unknown status as unknown, with a note', () => {
      const { orders, notes } = normaliseDraftOrders(
        bundle(
          { resourceType: 'MedicationRequest' },
          { resourceType: 'MedicationRequest', status: 'paused' },
        ),
      );
      expect(orders.map((o) => o.status)).toEqual(['draft', 'unknown']);
      expect(notes).toEqual(['draft entry 1: status not recognised, read as unknown']);
    });

    it('notes entries that are not resources and input that is not a Bundle', () => {
      expect(normaliseDraftOrders(bundle({ id: 'x' }, 'text')).notes).toEqual([
        'draft entry 0: no resourceType',
        'draft entry 1: not a resource',
      ]);
      expect(normaliseDraftOrders('MedicationRequest')).toEqual({
        orders: [],
        medications: [],
        notes: ['draft orders: neither a Bundle nor an array'],
      });
    });

    it('reads nothing, silently, when the hook sent no drafts', () => {
      expect(normaliseDraftOrders(undefined)).toEqual({ orders: [], medications: [], notes: [] });
      expect(normaliseDraftOrders({ resourceType: 'Bundle' })).toEqual({
        orders: [],
        medications: [],
        notes: [],
      });
    });
  });
});
