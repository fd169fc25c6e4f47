import { computeDailyDose } from '../../src/logic/dose/daily-dose';
import { toPrednisoneEquivalentMg } from '../../src/logic/vocabulary/prednisone-equivalent';

const UCUM = 'http://unitsofmeasure.org';
const GTS = 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation';
const now = new Date('2026-06-01T09:00:00.000Z');

function dose(value: number, code: string, system: string | undefined = UCUM): fhir4.Dosage['doseAndRate'] {
  return [{ doseQuantity: system === undefined ? { value, unit: code } : { value, system, code } }];
}

function withCode(abbreviation: string, value: number, unit: string): fhir4.Dosage {
  return {
    timing: { code: { coding: [{ system: GTS, code: abbreviation }] } },
    doseAndRate: dose(value, unit),
  };
}

function withFrequency(
  frequency: number,
  period: number,
  periodUnit: string,
  value: number,
  unit: string,
): fhir4.Dosage {
  return {
    timing: { repeat: { frequency, period, periodUnit: periodUnit as 'd' } },
    doseAndRate: dose(value, unit),
  };
}

function expectMgPerDay(result: ReturnType<typeof computeDailyDose>): number {
  if (!result.ok) throw new Error(`expected a dose, got: ${result.reason}`);
  return result.mgPerDay;
}

describe('computeDailyDose', () => {
  describe('dose per administration', () => {
    it('has no dose for a value so large that the daily total overflows (1e308 mg twice daily)', () => {
      const result = computeDailyDose([withCode('BID', 1e308, 'mg')], { now });
      expect(result.ok).toBe(false);
    });

    it('reads MMF 1000 mg BID as 2000 mg/day', () => {
      const result = computeDailyDose([withCode('BID', 1000, 'mg')], { now });
      expect(result).toEqual({
        ok: true,
        mgPerDay: 2000,
        prn: false,
        how: '1000 mg twice daily',
      });
    });

    it('converts 1 g twice daily to 2000 mg/day', () => {
      expect(expectMgPerDay(computeDailyDose([withCode('BID', 1, 'g')], { now }))).toBe(2000);
    });

    it.each(['ug', 'mcg', 'µg', 'μg'])('converts 500000 %s once daily to 500 mg/day', (unit) => {
      expect(expectMgPerDay(computeDailyDose([withCode('QD', 500_000, unit)], { now }))).toBe(500);
    });

    it('multiplies the Sandbox {pill} count by the product strength (2 × 500 mg once daily)', () => {
      const result = computeDailyDose([withFrequency(1, 1, 'd', 2, '{pill}')], {
        now,
        strength: { mg: 500, per: 'unit' },
      });
      expect(result).toEqual({
        ok: true,
        mgPerDay: 1000,
        prn: false,
        how: '2 × 500 mg pills once daily',
      });
    });

    it.each(['{tbl}', '{capsule}', '{tablet}', 'TAB', 'CAP', 'tablet', 'capsules'])(
      'treats %s as a count of the 250 mg product',
      (unit) => {
        expect(
          expectMgPerDay(
            computeDailyDose([withCode('BID', 1, unit)], { now, strength: { mg: 250, per: 'unit' } }),
          ),
        ).toBe(500);
      },
    );

    it('reads a non-UCUM dose from its printable unit (1 tablet BID of 500 mg)', () => {
      const dosage: fhir4.Dosage = {
        timing: { code: { text: 'BID' } },
        doseAndRate: [
          { doseQuantity: { value: 1, unit: 'tablet', system: 'http://snomed.info/sct', code: '732936001' } },
        ],
      };
      expect(expectMgPerDay(computeDailyDose([dosage], { now, strength: { mg: 500, per: 'unit' } }))).toBe(
        1000,
      );
    });

    it('stays silent when a tablet count has no known product strength', () => {
      expect(computeDailyDose([withCode('BID', 2, '{tbl}')], { now })).toEqual({
        ok: false,
        reason: 'count dose without a product strength',
      });
    });

    it('reads 5 mL of 200 mg/mL suspension twice daily as 2000 mg/day', () => {
      expect(
        expectMgPerDay(
          computeDailyDose([withCode('BID', 5, 'mL')], { now, strength: { mg: 200, per: 'mL' } }),
        ),
      ).toBe(2000);
    });

    it('uses the doseAndRate entry typed "ordered" over the first one', () => {
      const dosage: fhir4.Dosage = {
        timing: { code: { coding: [{ code: 'BID' }] } },
        doseAndRate: [
          { type: { coding: [{ code: 'calculated' }] }, doseQuantity: { value: 250, unit: 'mg' } },
          {
            type: {
              coding: [{ system: 'http://terminology.hl7.org/CodeSystem/dose-rate-type', code: 'ordered' }],
            },
            doseQuantity: { value: 750, unit: 'mg' },
          },
        ],
      };
      expect(expectMgPerDay(computeDailyDose([dosage], { now }))).toBe(1500);
    });

    it.each<[string, fhir4.Dosage, string]>([
      ['an unknown unit', withCode('BID', 2, 'puffs'), 'dose unit not recognised'],
      [
        'a dose range',
        {
          timing: { code: { text: 'BID' } },
          doseAndRate: [{ doseRange: { low: { value: 500, unit: 'mg' } } }],
        },
        'dose given as a range',
      ],
      ['no doseAndRate', { timing: { code: { text: 'BID' } } }, 'no doseAndRate'],
      ['a zero dose', withCode('BID', 0, 'mg'), 'dose value missing or not positive'],
      [
        'a unitless dose',
        { timing: { code: { text: 'BID' } }, doseAndRate: [{ doseQuantity: { value: 500 } }] },
        'dose without a unit',
      ],
      [
        'a comparator',
        {
          timing: { code: { text: 'BID' } },
          doseAndRate: [{ doseQuantity: { value: 500, unit: 'mg', comparator: '<' } }],
        },
        'dose with a comparator',
      ],
    ])('gives no dose for %s', (_label, dosage, reason) => {
      expect(computeDailyDose([dosage], { now })).toEqual({ ok: false, reason });
    });
  });

  describe('administrations per day', () => {
    it.each<[string, number]>([
      ['QD', 1],
      ['AM', 1],
      ['PM', 1],
      ['BID', 2],
      ['TID', 3],
      ['QID', 4],
      ['QOD', 0.5],
    ])('reads timing code %s as %s per day', (code, perDay) => {
      expect(expectMgPerDay(computeDailyDose([withCode(code, 100, 'mg')], { now }))).toBe(100 * perDay);
    });

    it('reads the timing code from its text ("b.i.d.") when no coding matches', () => {
      const dosage: fhir4.Dosage = {
        timing: {
          code: { coding: [{ system: 'http://snomed.info/sct', code: '229799001' }], text: 'b.i.d.' },
        },
        doseAndRate: dose(500, 'mg'),
      };
      expect(expectMgPerDay(computeDailyDose([dosage], { now }))).toBe(1000);
    });

    it('does not let a repeat holding only boundsPeriod hide the BID code', () => {
      const dosage: fhir4.Dosage = {
        timing: {
          code: { coding: [{ system: GTS, code: 'BID' }] },
          repeat: { boundsPeriod: { start: '2025-01-17' } },
        },
        doseAndRate: dose(4, '{tbl}'),
      };
      expect(expectMgPerDay(computeDailyDose([dosage], { now, strength: { mg: 500, per: 'unit' } }))).toBe(
        4000,
      );
    });

    it('prefers repeat.frequency over the timing code', () => {
      const dosage: fhir4.Dosage = {
        ...withFrequency(3, 1, 'd', 500, 'mg'),
        timing: { code: { text: 'BID' }, repeat: { frequency: 3, period: 1, periodUnit: 'd' } },
      };
      expect(expectMgPerDay(computeDailyDose([dosage], { now }))).toBe(1500);
    });

    it.each<[string, number, number, string, number]>([
      ['every 12 h', 1, 12, 'h', 2],
      ['every 720 min', 1, 720, 'min', 2],
      ['every 43200 s', 1, 43_200, 's', 2],
      ['14 times a week', 14, 1, 'wk', 2],
      ['every other day', 1, 2, 'd', 0.5],
      ['once a month (30.4375 d)', 1, 1, 'mo', 1 / 30.4375],
      ['once a year (365.25 d)', 1, 1, 'a', 1 / 365.25],
    ])('reads 700 mg %s from frequency/period', (_label, frequency, period, unit, perDay) => {
      const mg = expectMgPerDay(
        computeDailyDose([withFrequency(frequency, period, unit, 700, 'mg')], { now }),
      );
      expect(mg).toBeCloseTo(700 * perDay, 5);
    });

    it('reads 50 mg three times a week as 21.43 mg/day', () => {
      const mg = expectMgPerDay(computeDailyDose([withFrequency(3, 1, 'wk', 50, 'mg')], { now }));
      expect(mg).toBeCloseTo(150 / 7, 5);
    });

    it.each<[string, fhir4.Dosage, string]>([
      ['no timing', { doseAndRate: dose(500, 'mg') }, 'no timing'],
      ['an unknown timing code', withCode('Q4H', 500, 'mg'), 'timing code not recognised'],
      [
        'conflicting codes',
        { timing: { code: { coding: [{ code: 'BID' }], text: 'TID' } }, doseAndRate: dose(500, 'mg') },
        'conflicting timing codes',
      ],
      [
        'a frequency without period',
        { timing: { repeat: { frequency: 2 } }, doseAndRate: dose(500, 'mg') },
        'frequency without a period',
      ],
      ['an unknown period unit', withFrequency(2, 1, 'fortnight', 500, 'mg'), 'period unit not recognised'],
      [
        'a dayOfWeek schedule',
        {
          timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', dayOfWeek: ['mon', 'thu'] } },
          doseAndRate: dose(500, 'mg'),
        },
        'dayOfWeek schedule',
      ],
    ])('gives no dose for %s', (_label, dosage, reason) => {
      expect(computeDailyDose([dosage], { now })).toEqual({ ok: false, reason });
    });
  });

  describe('several instructions', () => {
    it('adds concurrent instructions without sequence (1000 mg AM + 500 mg PM = 1500 mg/day)', () => {
      const result = computeDailyDose([withCode('AM', 1000, 'mg'), withCode('PM', 500, 'mg')], { now });
      expect(result).toEqual({
        ok: true,
        mgPerDay: 1500,
        prn: false,
        how: '1000 mg every morning + 500 mg every evening',
      });
    });

    it('adds instructions sharing one sequence number', () => {
      const dosages = [
        { ...withCode('AM', 10, 'mg'), sequence: 1 },
        { ...withCode('PM', 5, 'mg'), sequence: 1 },
      ];
      expect(expectMgPerDay(computeDailyDose(dosages, { now }))).toBe(15);
    });

    function step(sequence: number, mg: number, start: string, end?: string): fhir4.Dosage {
      return {
        sequence,
        timing: {
          code: { text: 'QD' },
          repeat: { boundsPeriod: end === undefined ? { start } : { start, end } },
        },
        doseAndRate: dose(mg, 'mg'),
      };
    }

    it('applies the taper step whose boundsPeriod contains now (prednisone 10 mg step, not 20 mg)', () => {
      const taper = [
        step(1, 20, '2026-05-01', '2026-05-31T23:59:59Z'),
        step(2, 10, '2026-06-01', '2026-06-30'),
        step(3, 5, '2026-07-01'),
      ];
      expect(expectMgPerDay(computeDailyDose(taper, { now }))).toBe(10);
    });

    it('includes a taper step ending exactly now', () => {
      const taper = [step(1, 20, '2026-05-01', '2026-06-01T09:00:00Z'), step(2, 10, '2026-06-02')];
      expect(expectMgPerDay(computeDailyDose(taper, { now }))).toBe(20);
    });

    it('gives no dose when no taper step covers now', () => {
      const taper = [step(1, 20, '2026-04-01', '2026-04-30'), step(2, 10, '2026-07-01')];
      expect(computeDailyDose(taper, { now })).toEqual({ ok: false, reason: 'no taper step covers now' });
    });

    it('gives no dose when overlapping taper steps both cover now', () => {
      const taper = [step(1, 20, '2026-05-01'), step(2, 10, '2026-06-01')];
      expect(computeDailyDose(taper, { now })).toEqual({
        ok: false,
        reason: 'several taper steps cover now',
      });
    });

    it('chooses the one bounded step covering now, and gives no dose when no step has bounds', () => {
      const taper = [step(1, 20, '2026-05-01'), { ...withCode('QD', 10, 'mg'), sequence: 2 }];
      expect(expectMgPerDay(computeDailyDose(taper, { now }))).toBe(20);
      const unbounded = [
        { ...withCode('QD', 20, 'mg'), sequence: 1 },
        { ...withCode('QD', 10, 'mg'), sequence: 2 },
      ];
      expect(computeDailyDose(unbounded, { now })).toEqual({ ok: false, reason: 'no taper step covers now' });
    });

    it('gives no dose when taper steps sit next to an unsequenced instruction', () => {
      const dosages = [step(1, 20, '2026-05-01'), step(2, 10, '2026-07-01'), withCode('QD', 5, 'mg')];
      expect(computeDailyDose(dosages, { now })).toEqual({
        ok: false,
        reason: 'taper steps mixed with unsequenced instructions',
      });
    });

    it('gives no dose when one concurrent instruction is unreadable', () => {
      expect(computeDailyDose([withCode('AM', 1000, 'mg'), withCode('PM', 2, 'puffs')], { now })).toEqual({
        ok: false,
        reason: 'dose unit not recognised',
      });
    });

    it('gives no dose without any instruction', () => {
      expect(computeDailyDose([], { now })).toEqual({ ok: false, reason: 'no dosageInstruction' });
      expect(computeDailyDose(undefined, { now })).toEqual({ ok: false, reason: 'no dosageInstruction' });
    });
  });

  describe('as needed', () => {
    it('marks an asNeededBoolean dose PRN and still computes it', () => {
      const result = computeDailyDose([{ ...withCode('QD', 5, 'mg'), asNeededBoolean: true }], { now });
      expect(result).toEqual({
        ok: true,
        mgPerDay: 5,
        prn: true,
        how: '5 mg once daily as needed',
      });
    });

    it('marks the total PRN when one concurrent instruction is as needed for a reason', () => {
      const dosages = [
        withCode('QD', 5, 'mg'),
        { ...withCode('QD', 5, 'mg'), asNeededCodeableConcept: { text: 'flare' } },
      ];
      const result = computeDailyDose(dosages, { now });
      expect(result.ok && result.prn).toBe(true);
    });

    it('does not mark asNeededBoolean false as PRN', () => {
      const result = computeDailyDose([{ ...withCode('QD', 5, 'mg'), asNeededBoolean: false }], { now });
      expect(result.ok && result.prn).toBe(false);
    });
  });
});

describe('toPrednisoneEquivalentMg', () => {
  it.each<['prednisone' | 'prednisolone' | 'methylprednisolone', number, number]>([
    ['prednisone', 10, 10],
    ['prednisolone', 10, 10],
    ['methylprednisolone', 8, 10],
  ])('counts %s %s mg/day as %s mg prednisone', (drug, mg, equivalent) => {
    expect(toPrednisoneEquivalentMg(drug, mg)).toBe(equivalent);
  });
});
