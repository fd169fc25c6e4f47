import { mpaAucOutOfRange } from '../../src/logic/rules/mpa-auc';
import {
  LOINC,
  NOW,
  codesOf,
  dosage,
  observation,
  order,
  run,
  type Scenario,
} from './support/dose-scenarios';

const START = '2026-03-01T09:00:00.000Z'; // induction: the AUC rule applies in both phases
const RECENT = '2026-05-12T09:00:00.000Z';

function scenario(value: number, unit = 'mg.h/L', at = RECENT): Scenario {
  return {
    orders: [
      order({ id: 'mmf', product: 'mmf500tab', dosage: dosage(1000, 'mg', 'BID', START), start: START }),
    ],
    observations: [observation('auc', LOINC.mpaAuc, value, unit, at)],
  };
}

describe('mpa-auc-out-of-range', () => {
  it('informs when an MPA AUC0-12 of 45 mg·h/L is below the 60–90 literature target, saying it is not a guideline', () => {
    const { findings } = run(mpaAucOutOfRange, scenario(45));
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'mpa-auc-out-of-range',
        indicator: 'info',
        measured: expect.objectContaining({ label: 'MPA AUC0-12', value: 45, unit: 'mg.h/L' }),
        target: expect.objectContaining({ label: 'literature target (not a guideline)', min: 60, max: 90 }),
        direction: 'below',
      }),
    ]);
  });

  it.each<[string, number, string, string[]]>([
    ['59.99 is below', 59.99, 'mg.h/L', ['mpa-auc-out-of-range']],
    ['60 is on target', 60, 'mg.h/L', []],
    ['90 ug.h/mL (= mg.h/L) is on target', 90, 'ug.h/mL', []],
    ['90.01 is above', 90.01, 'mg.h/L', ['mpa-auc-out-of-range']],
  ])('%s', (_name, value, unit, expected) => {
    expect(codesOf(run(mpaAucOutOfRange, scenario(value, unit)))).toEqual(expected);
  });

  it('says "above" for an AUC of 120 mg·h/L', () => {
    expect(run(mpaAucOutOfRange, scenario(120)).findings[0]?.direction).toBe('above');
  });

  it('uses an AUC 180 days old but not one older', () => {
    const limit = new Date(NOW.getTime() - 180 * 86_400_000);
    expect(codesOf(run(mpaAucOutOfRange, scenario(45, 'mg.h/L', limit.toISOString())))).toEqual([
      'mpa-auc-out-of-range',
    ]);
    expect(
      codesOf(run(mpaAucOutOfRange, scenario(45, 'mg.h/L', new Date(limit.getTime() - 1).toISOString()))),
    ).toEqual([]);
  });

  it('is silent with a note on an AUC in an unknown unit, or "> 85" that may still be on target', () => {
    const unknownUnit = run(mpaAucOutOfRange, scenario(45, 'mg/L'));
    expect(unknownUnit.findings).toEqual([]);
    expect(
      unknownUnit.notes.some((n) => n.startsWith('mpa-auc-out-of-range: latest MPA AUC unreadable')),
    ).toBe(true);
    const uncertain = run(mpaAucOutOfRange, {
      ...scenario(85),
      observations: [
        {
          ...observation('auc', LOINC.mpaAuc, 85, 'mg.h/L', RECENT),
          valueQuantity: {
            value: 85,
            comparator: '>',
            unit: 'mg.h/L',
            system: 'http://unitsofmeasure.org',
            code: 'mg.h/L',
          },
        },
      ],
    });
    expect(uncertain.findings).toEqual([]);
    expect(uncertain.notes).toContain(
      'mpa-auc-out-of-range: comparator of the latest MPA AUC does not settle the question',
    );
  });

  it('is silent without mycophenolate', () => {
    expect(codesOf(run(mpaAucOutOfRange, { ...scenario(45), orders: [] }))).toEqual([]);
  });
});
