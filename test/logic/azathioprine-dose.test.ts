import { azathioprineDoseHigh, azathioprineDoseLow } from '../../src/logic/rules/azathioprine-dose';
import {
  LOINC,
  codesOf,
  dosage,
  draft,
  monthsBeforeNow,
  observation,
  order,
  run,
  type Scenario,
} from './support/dose-scenarios';

const LONG_AGO = '2024-03-23T09:00:00.000Z';
const RECENT_WEIGHT = '2026-04-22T09:00:00.000Z';

function scenario(
  mgPerDose: number,
  kg: number,
  start = LONG_AGO,
  weightUnit = 'kg',
  weighedAt = RECENT_WEIGHT,
): Scenario {
  return {
    orders: [order({ id: 'aza', product: 'aza50tab', dosage: dosage(mgPerDose, 'mg', 'BID', start), start })],
    observations: [observation('wt', LOINC.weight, kg, weightUnit, weighedAt)],
  };
}

function both(s: Scenario): string[] {
  return [...codesOf(run(azathioprineDoseLow, s)), ...codesOf(run(azathioprineDoseHigh, s))];
}

describe('azathioprine-dose-high / -low', () => {
  it('warns when azathioprine 200 mg/day at 70 kg (2.86 mg/kg/day) is above 2 mg/kg/day', () => {
    const { findings } = run(azathioprineDoseHigh, {
      orders: [
        order({
          id: 'aza',
          product: 'aza50tab',
          dosage: dosage(2, '{tbl}', 'BID', LONG_AGO),
          start: LONG_AGO,
        }),
      ],
      observations: [observation('wt', LOINC.weight, 70, 'kg', RECENT_WEIGHT)],
    });
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'azathioprine-dose-high',
        measured: { label: 'Azathioprine dose', value: 2.86, unit: 'mg/kg/day' },
        target: expect.objectContaining({ min: 1.5, max: 2, unit: 'mg/kg/day' }),
        dose: {
          mgPerDay: 200,
          how: '2 × 50 mg tablets twice daily',
          mgPerKgPerDay: 2.86,
          weightKg: 70,
          weightDate: '2026-04-22',
        },
        facts: expect.objectContaining({ weightKg: 70 }),
      }),
    ]);
  });

  it.each<[string, number, number, string[]]>([
    ['140 mg/day at 70 kg is exactly 2.0', 70, 70, []],
    ['141 mg/day at 70 kg (2.01) is high', 70.5, 70, ['azathioprine-dose-high']],
    ['140.3 mg/day at 70 kg (2.004 → 2.00) is in range', 70.15, 70, []],
  ])('%s', (_name, mg, kg, expected) => {
    expect(both(scenario(mg, kg))).toEqual(expected);
  });

  it('reads the weight in pounds (154 lb = 69.85 kg) and grams', () => {
    expect(
      run(azathioprineDoseHigh, scenario(100, 154, LONG_AGO, '[lb_av]')).findings[0]?.measured?.value,
    ).toBe(2.86);
    expect(run(azathioprineDoseHigh, scenario(100, 70000, LONG_AGO, 'g')).findings[0]?.measured?.value).toBe(
      2.86,
    );
  });

  describe('low dose during the first 18 months', () => {
    it('warns when 75 mg/day at 70 kg (1.07 mg/kg/day) is below 1.5 mg/kg/day in month 3', () => {
      expect(both(scenario(37.5, 70, monthsBeforeNow(3)))).toEqual(['azathioprine-dose-low']);
    });

    it.each<[string, number, string[]]>([
      ['105 mg/day at 70 kg is exactly 1.5', 52.5, []],
      ['104 mg/day at 70 kg (1.49) is low', 52, ['azathioprine-dose-low']],
    ])('%s', (_name, mg, expected) => {
      expect(both(scenario(mg, 70, monthsBeforeNow(3)))).toEqual(expected);
    });

    it('still checks 1 ms before first start + 18 months, no longer at 18 months', () => {
      expect(both(scenario(37.5, 70, monthsBeforeNow(18, 1)))).toEqual(['azathioprine-dose-low']);
      expect(both(scenario(37.5, 70, monthsBeforeNow(18)))).toEqual([]);
    });

    it('counts 18 months from the first azathioprine start, not from a renewal', () => {
      const s = scenario(37.5, 70, monthsBeforeNow(2));
      const first = order({
        id: 'first',
        product: 'aza50tab',
        dosage: dosage(50, 'mg', 'BID', LONG_AGO),
        start: LONG_AGO,
        status: 'completed',
      });
      expect(both({ ...s, orders: [first, ...(s.orders ?? [])] })).toEqual([]);
    });

    it('is silent with a note when the azathioprine start is unknown', () => {
      const s = scenario(37.5, 70);
      const undated = order({
        id: 'aza',
        product: 'aza50tab',
        dosage: dosage(37.5, 'mg', 'BID'),
        start: LONG_AGO,
      });
      delete undated.authoredOn;
      const outcome = run(azathioprineDoseLow, { ...s, orders: [undated] });
      expect(outcome.findings).toEqual([]);
      expect(outcome.notes).toContain('azathioprine-dose-low: azathioprine start unknown');
    });

    it('never calls an as-needed dose low', () => {
      const start = monthsBeforeNow(3);
      const prn = { ...dosage(37.5, 'mg', 'BID', start), asNeededBoolean: true };
      expect(
        both({
          ...scenario(37.5, 70, start),
          orders: [order({ id: 'aza', product: 'aza50tab', dosage: prn, start })],
        }),
      ).toEqual([]);
    });
  });

  describe('weight', () => {
    it('uses a weight 12 months old but not an older one', () => {
      expect(both(scenario(100, 70, LONG_AGO, 'kg', monthsBeforeNow(12)))).toEqual([
        'azathioprine-dose-high',
      ]);
      const outcome = run(azathioprineDoseHigh, scenario(100, 70, LONG_AGO, 'kg', monthsBeforeNow(12, -1)));
      expect(outcome.findings).toEqual([]);
      expect(outcome.notes).toContain('azathioprine-dose-high: no body weight in the last 12 months');
    });

    it('is silent with a note on a weight in an unknown unit', () => {
      const outcome = run(azathioprineDoseHigh, scenario(100, 11, LONG_AGO, 'stone'));
      expect(outcome.findings).toEqual([]);
      expect(
        outcome.notes.some((n) => n.startsWith('azathioprine-dose-high: latest body weight unreadable')),
      ).toBe(true);
    });
  });

  it('proposes 2 × 50 mg tablets twice daily (2 mg/kg/day) for a draft of 4 tablets BID at 100 kg', () => {
    const { findings } = run(azathioprineDoseHigh, {
      ...scenario(100, 100),
      drafts: [draft({ id: 'd', product: 'aza50tab', dosage: dosage(4, '{tbl}', 'BID') })],
    });
    expect(findings[0]?.measured?.value).toBe(4);
    expect(findings[0]?.facts?.proposedDose).toBe('2 tablets (100 mg) twice daily');
  });

  it('proposes nothing at 70 kg, where no whole number of 50 mg tablets BID lands in 105–140 mg/day', () => {
    const { findings } = run(azathioprineDoseHigh, {
      ...scenario(100, 70),
      drafts: [draft({ id: 'd', product: 'aza50tab', dosage: dosage(4, '{tbl}', 'BID') })],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.proposedDraft).toBeUndefined();
  });
});
