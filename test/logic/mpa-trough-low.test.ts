import { mpaTroughLow } from '../../src/logic/rules/mpa-trough-low';
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

const MAINTENANCE_START = '2023-12-14T09:00:00.000Z';
const RECENT = '2026-05-12T09:00:00.000Z';

function scenario(
  value: number,
  unit = 'mg/L',
  at = RECENT,
  start = MAINTENANCE_START,
  comparator?: '<',
): Scenario {
  return {
    orders: [order({ id: 'mmf', product: 'mmf500tab', dosage: dosage(1000, 'mg', 'BID', start), start })],
    observations: [observation('mpa', LOINC.mpaTrough, value, unit, at, comparator)],
  };
}

describe('mpa-trough-low', () => {
  it('informs when an MPA trough of 1.5 mg/L in maintenance is below the 2 mg/L linked to remission', () => {
    const { findings } = run(mpaTroughLow, scenario(1.5));
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'mpa-trough-low',
        indicator: 'info',
        measured: { label: 'MPA trough', value: 1.5, unit: 'mg/L', date: '2026-05-12', reference: 'Observation/mpa' },
        target: expect.objectContaining({ label: 'level linked to remission', min: 2, unit: 'mg/L' }),
        direction: 'below',
      }),
    ]);
  });

  it.each<[string, number, string, string[]]>([
    ['2.0 mg/L is on target', 2.0, 'mg/L', []],
    ['1.99 mg/L is low', 1.99, 'mg/L', ['mpa-trough-low']],
    ['1.9 ug/mL (= mg/L) is low', 1.9, 'ug/mL', ['mpa-trough-low']],
    ['6.2 µmol/L (1.99 mg/L) is low', 6.2, 'umol/L', ['mpa-trough-low']],
    ['6.25 µmol/L (2.00 mg/L) is on target', 6.25, 'umol/L', []],
  ])('%s', (_name, value, unit, expected) => {
    expect(codesOf(run(mpaTroughLow, scenario(value, unit)))).toEqual(expected);
  });

  it('shows the µmol/L value as reported next to the converted one', () => {
    const { findings } = run(mpaTroughLow, scenario(4, 'umol/L'));
    expect(findings[0]?.measured).toMatchObject({
      value: 1.28,
      unit: 'mg/L',
      reported: { value: 4, unit: 'umol/L' },
    });
  });

  it('is silent in induction', () => {
    expect(codesOf(run(mpaTroughLow, scenario(1.5, 'mg/L', RECENT, '2026-03-01T09:00:00.000Z')))).toEqual([]);
  });

  it('uses a trough 90 days old but not one older', () => {
    const ninety = new Date(NOW.getTime() - 90 * 86_400_000);
    expect(codesOf(run(mpaTroughLow, scenario(1.5, 'mg/L', ninety.toISOString())))).toEqual([
      'mpa-trough-low',
    ]);
    expect(
      codesOf(run(mpaTroughLow, scenario(1.5, 'mg/L', new Date(ninety.getTime() - 1).toISOString()))),
    ).toEqual([]);
  });

  it('trusts "< 1.0 mg/L" as low', () => {
    expect(codesOf(run(mpaTroughLow, scenario(1.0, 'mg/L', RECENT, MAINTENANCE_START, '<')))).toEqual([
      'mpa-trough-low',
    ]);
  });

  it('is silent with a note on "< 3.0 mg/L", which may or may not be below 2.0', () => {
    const outcome = run(mpaTroughLow, scenario(3.0, 'mg/L', RECENT, MAINTENANCE_START, '<'));
    expect(outcome.findings).toEqual([]);
    expect(outcome.notes).toContain(
      'mpa-trough-low: comparator of the latest MPA trough does not settle the question',
    );
  });

  it('is silent with a note on a trough in an unknown unit', () => {
    const outcome = run(mpaTroughLow, scenario(1.5, 'mg/dL/h'));
    expect(outcome.findings).toEqual([]);
    expect(outcome.notes.some((n) => n.startsWith('mpa-trough-low: latest MPA trough unreadable'))).toBe(
      true,
    );
  });

  it('is silent when mycophenolate is no longer taken', () => {
    expect(codesOf(run(mpaTroughLow, { ...scenario(1.5), orders: [] }))).toEqual([]);
  });
});
