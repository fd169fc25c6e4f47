import { mycophenolateDoseHigh, mycophenolateDoseLow } from '../../src/logic/rules/mycophenolate-dose';
import { mycophenolateRenalDose } from '../../src/logic/rules/mycophenolate-renal-dose';
import { glucocorticoidDoseHigh } from '../../src/logic/rules/glucocorticoid-dose';
import { azathioprineDoseHigh, azathioprineDoseLow } from '../../src/logic/rules/azathioprine-dose';
import type { Rule } from '../../src/logic/rules/rule';
import {
  LOINC,
  codesOf,
  dosage,
  draft,
  observation,
  order,
  run,
  type Scenario,
} from './support/dose-scenarios';

/**
 * clinical-rules.md §2 "Several orders of one group": two current record orders of one group with
 * the same product and the same daily dose are a reconciliation duplicate — the service cannot
 * know which one is taken, so that group's dose rules stay silent (debug note). Different products
 * or different doses add up; a draft of the group supersedes them all.
 */
const START = '2025-01-17T09:00:00.000Z';
const AZATHIOPRINE_START = '2025-06-01T09:00:00.000Z';

const mmf1gBid = (id: string) =>
  order({ id, product: 'mmf500tab', dosage: dosage(1000, 'mg', 'BID', START), start: START });
const mmfTwoTabletsBid = (id: string) =>
  order({ id, product: 'mmf500tab', dosage: dosage(2, '{tbl}', 'BID', START), start: START });
const prednisone = (id: string, mg: number) =>
  order({ id, product: 'prednisone5tab', dosage: dosage(mg, 'mg', 'QD', START), start: START });
const azathioprine = (id: string, mg: number) =>
  order({
    id,
    product: 'aza50tab',
    dosage: dosage(mg, 'mg', 'QD', AZATHIOPRINE_START),
    start: AZATHIOPRINE_START,
  });
const weight70 = observation('w', LOINC.weight, 70, 'kg', '2026-05-01T09:00:00Z');
const egfr20 = observation('e', LOINC.egfr, 20, 'mL/min/{1.73_m2}', '2026-05-01T09:00:00Z');

/** The same MMF 1 g twice daily, written with no RxNorm code and no strength. */
function mmfByNameOnly(id: string): fhir4.MedicationRequest {
  return { ...mmf1gBid(id), medicationCodeableConcept: { text: 'Mycophenolate mofetil' } };
}

/** CellCept 500 mg tablet (RxNorm SBD 616435), 2 tablets twice daily. */
function cellCeptTwoTabletsBid(id: string): fhir4.MedicationRequest {
  return {
    ...mmfTwoTabletsBid(id),
    medicationCodeableConcept: {
      coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '616435' }],
      text: 'CellCept 500 MG Oral Tablet',
    },
  };
}

/** A 1 g MMF tablet (contained Medication with its strength), 1 tablet twice daily. */
function mmfOneGramTabletBid(id: string): fhir4.MedicationRequest {
  const { medicationCodeableConcept: _concept, ...rest } = order({
    id,
    product: 'mmf500tab',
    dosage: dosage(1, '{tbl}', 'BID', START),
    start: START,
  });
  const medication: fhir4.Medication = {
    resourceType: 'Medication',
    id: 'mmf1g',
    code: { text: 'mycophenolate mofetil 1000 MG Oral Tablet' },
    ingredient: [
      {
        itemCodeableConcept: { text: 'mycophenolate mofetil' },
        strength: {
          numerator: { value: 1000, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' },
          denominator: { value: 1, unit: 'TAB' },
        },
      },
    ],
  };
  return {
    ...rest,
    contained: [medication],
    medicationReference: { reference: '#mmf1g' },
  };
}

function codes(rules: readonly Rule[], scenario: Scenario): string[] {
  return rules.flatMap((rule) => codesOf(run(rule, scenario)));
}
const MYCOPHENOLATE_DOSE = [mycophenolateDoseLow, mycophenolateDoseHigh];

describe('reconciliation duplicates (§2 several orders of one group)', () => {
  describe('mycophenolate', () => {
    it('stays silent when MMF 1 g twice daily is ordered twice — a reconciliation duplicate, not 4000 mg/day', () => {
      const scenario = { orders: [mmf1gBid('a'), mmf1gBid('b')] };
      expect(codes(MYCOPHENOLATE_DOSE, scenario)).toEqual([]);
      expect(run(mycophenolateDoseHigh, scenario).notes).toEqual([
        'mycophenolate-dose-high: mycophenolate mofetil 2000 mg/day ordered more than once (same product, same daily dose): a reconciliation duplicate, which order is taken is unknown',
      ]);
    });

    it('stays silent when the duplicate is written once in tablets (2 × 500 mg) and once in mg (1 g) of the same product', () => {
      expect(codes(MYCOPHENOLATE_DOSE, { orders: [mmfTwoTabletsBid('a'), mmf1gBid('b')] })).toEqual([]);
    });

    it('stays silent when one order has the RxNorm product and the other only the name "Mycophenolate mofetil" (it could be the same product)', () => {
      expect(codes(MYCOPHENOLATE_DOSE, { orders: [mmfTwoTabletsBid('a'), mmfByNameOnly('b')] })).toEqual([]);
    });

    it('stays silent on CellCept 500 mg and generic MMF 500 mg at the same dose (brand and generic of one product)', () => {
      expect(
        codes(MYCOPHENOLATE_DOSE, { orders: [cellCeptTwoTabletsBid('a'), mmfTwoTabletsBid('b')] }),
      ).toEqual([]);
    });

    it('adds up 2 × 500 mg tablets and a 1 g tablet twice daily: two known strengths are two products (§2), 4000 mg/day', () => {
      const { findings } = run(mycophenolateDoseHigh, {
        orders: [mmfTwoTabletsBid('a'), mmfOneGramTabletBid('b')],
      });
      expect(findings).toHaveLength(1);
      expect(findings[0]?.measured?.value).toBe(4000);
    });

    it('adds up different doses of one product (MMF 1 g + 500 mg twice daily = 3000 mg/day) and warns', () => {
      const half = order({
        id: 'b',
        product: 'mmf500tab',
        dosage: dosage(500, 'mg', 'BID', START),
        start: START,
      });
      const { findings } = run(mycophenolateDoseHigh, { orders: [mmf1gBid('a'), half] });
      expect(findings).toHaveLength(1);
      expect(findings[0]?.measured?.value).toBe(3000);
    });

    it("judges a draft's dose when it supersedes the duplicates (draft MMF 1.5 g twice daily = 3000 mg/day)", () => {
      const scenario: Scenario = {
        orders: [mmf1gBid('a'), mmf1gBid('b')],
        drafts: [draft({ id: 'd', product: 'mmf500tab', dosage: dosage(1500, 'mg', 'BID') })],
      };
      const { findings, notes } = run(mycophenolateDoseHigh, scenario);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ measured: { value: 3000 }, draftOrderId: 'd' });
      expect(findings[0]?.facts?.proposedDose).toBe('1000 mg twice daily');
      expect(notes).toEqual([]);
    });

    it('is silent without a duplicate note when a draft of MMF 1 g twice daily supersedes the duplicates', () => {
      const scenario: Scenario = {
        orders: [mmf1gBid('a'), mmf1gBid('b')],
        drafts: [draft({ id: 'd', product: 'mmf500tab', dosage: dosage(1000, 'mg', 'BID') })],
      };
      expect(codes(MYCOPHENOLATE_DOSE, scenario)).toEqual([]);
      expect(run(mycophenolateDoseHigh, scenario).notes).toEqual([]);
    });

    it('adds up two identical drafts: they are being ordered now, not a record to reconcile', () => {
      const { findings } = run(mycophenolateDoseHigh, {
        drafts: [
          draft({ id: 'd1', product: 'mmf500tab', dosage: dosage(1000, 'mg', 'BID', START), start: START }),
          draft({ id: 'd2', product: 'mmf500tab', dosage: dosage(1000, 'mg', 'BID', START), start: START }),
        ],
      });
      expect(findings[0]?.measured?.value).toBe(4000);
    });

    it('keeps mycophenolate-renal-dose silent on a duplicated MMF 1 g twice daily at eGFR 20', () => {
      const outcome = run(mycophenolateRenalDose, {
        orders: [mmf1gBid('a'), mmf1gBid('b')],
        observations: [egfr20],
      });
      expect(outcome.findings).toEqual([]);
      expect(outcome.notes).toContain(
        'mycophenolate-renal-dose: mycophenolate mofetil 2000 mg/day ordered more than once (same product, same daily dose): a reconciliation duplicate, which order is taken is unknown',
      );
    });
  });

  describe('glucocorticoids', () => {
    it('stays silent when prednisone 5 mg daily is ordered twice (not 10 mg/day)', () => {
      const outcome = run(glucocorticoidDoseHigh, {
        orders: [mmf1gBid('m'), prednisone('p1', 5), prednisone('p2', 5)],
      });
      expect(outcome.findings).toEqual([]);
      expect(outcome.notes).toEqual([
        'glucocorticoid-dose-high: prednisone 5 mg/day ordered more than once (same product, same daily dose): a reconciliation duplicate, which order is taken is unknown',
      ]);
    });

    it('stays silent when a third, different prednisone order sits next to the duplicate (5 + 5 + 2.5 mg)', () => {
      expect(
        codes([glucocorticoidDoseHigh], {
          orders: [mmf1gBid('m'), prednisone('p1', 5), prednisone('p2', 5), prednisone('p3', 2.5)],
        }),
      ).toEqual([]);
    });

    it('adds up prednisone 5 mg and 2.5 mg ordered apart (7.5 mg/day, at the limit) and 5 mg + 3 mg (8 mg/day, above it)', () => {
      expect(
        codes([glucocorticoidDoseHigh], {
          orders: [mmf1gBid('m'), prednisone('p1', 5), prednisone('p2', 2.5)],
        }),
      ).toEqual([]);
      const { findings } = run(glucocorticoidDoseHigh, {
        orders: [mmf1gBid('m'), prednisone('p1', 5), prednisone('p2', 3)],
      });
      expect(findings[0]?.measured?.value).toBe(8);
    });

    it('adds up prednisone 5 mg and prednisolone 5 mg: two ingredients are two products (10 mg/day)', () => {
      const prednisolone = order({
        id: 'pl',
        product: 'prednisolone',
        dosage: dosage(5, 'mg', 'QD', START),
        start: START,
      });
      const { findings } = run(glucocorticoidDoseHigh, {
        orders: [mmf1gBid('m'), prednisone('p1', 5), prednisolone],
      });
      expect(findings[0]?.measured?.value).toBe(10);
    });

    it('still counts duplicated MMF as mycophenolate for the multitarget limit (prednisone 10 mg with tacrolimus is fine)', () => {
      const tacrolimus = order({
        id: 'tac',
        product: 'tacrolimus1cap',
        dosage: dosage(2, '{capsule}', 'BID', START),
        start: START,
      });
      expect(
        codes([glucocorticoidDoseHigh], {
          orders: [mmf1gBid('a'), mmf1gBid('b'), tacrolimus, prednisone('p', 10)],
        }),
      ).toEqual([]);
    });
  });

  describe('azathioprine', () => {
    it('stays silent when azathioprine 100 mg daily is ordered twice at 70 kg (not 2.86 mg/kg/day)', () => {
      const outcome = run(azathioprineDoseHigh, {
        orders: [azathioprine('a', 100), azathioprine('b', 100)],
        observations: [weight70],
      });
      expect(outcome.findings).toEqual([]);
      expect(outcome.notes).toContain(
        'azathioprine-dose-high: azathioprine 100 mg/day ordered more than once (same product, same daily dose): a reconciliation duplicate, which order is taken is unknown',
      );
    });

    it('stays silent when azathioprine 50 mg daily is ordered twice at 70 kg in the first 18 months (0.71 or 1.43 mg/kg/day: which is unknown)', () => {
      expect(
        codes([azathioprineDoseLow, azathioprineDoseHigh], {
          orders: [azathioprine('a', 50), azathioprine('b', 50)],
          observations: [weight70],
        }),
      ).toEqual([]);
    });

    it('adds up azathioprine 100 mg and 50 mg daily at 70 kg (2.14 mg/kg/day) and warns', () => {
      const { findings } = run(azathioprineDoseHigh, {
        orders: [azathioprine('a', 100), azathioprine('b', 50)],
        observations: [weight70],
      });
      expect(findings[0]?.dose?.mgPerKgPerDay).toBe(2.14);
    });
  });
});
