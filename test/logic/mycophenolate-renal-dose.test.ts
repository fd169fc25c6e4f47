import { mycophenolateRenalDose } from '../../src/logic/rules/mycophenolate-renal-dose';
import {
  LOINC,
  NOW,
  codesOf,
  dosage,
  draft,
  observation,
  order,
  run,
  type ProductKey,
  type Scenario,
} from './support/dose-scenarios';

const START = '2025-01-17T09:00:00.000Z';
const RECENT = '2026-05-20T09:00:00.000Z';

function scenario(
  product: ProductKey,
  mgPerDose: number,
  egfr: number,
  at = RECENT,
  comparator?: '<' | '>',
): Scenario {
  return {
    orders: [order({ id: 'myco', product, dosage: dosage(mgPerDose, 'mg', 'BID', START), start: START })],
    observations: [observation('egfr', LOINC.egfr, egfr, 'mL/min/{1.73_m2}', at, comparator)],
  };
}

describe('mycophenolate-renal-dose', () => {
  it('warns when MMF 1.5 g twice daily (3000 mg/day) is given at an eGFR of 18 mL/min/1.73 m²', () => {
    const { findings } = run(mycophenolateRenalDose, scenario('mmf500tab', 1500, 18));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'mycophenolate-renal-dose',
      indicator: 'warning',
      measured: { label: 'Mycophenolate mofetil daily dose', value: 3000, unit: 'mg/day' },
      target: { label: 'maximum at eGFR 18 (< 25)', max: 2000, unit: 'mg/day' },
      direction: 'above',
      facts: { egfr: 18 },
    });
    expect(findings[0]?.evidence[0]).toMatchObject({ label: 'Latest eGFR', reference: 'Observation/egfr' });
  });

  it.each<[string, ProductKey, number, number, string[]]>([
    ['MMF 1 g BID (2000 mg/day) at eGFR 18 is allowed', 'mmf500tab', 1000, 18, []],
    ['MMF 1000.5 mg BID at eGFR 18 is above 2000', 'mmf500tab', 1000.5, 18, ['mycophenolate-renal-dose']],
    ['MMF 1.5 g BID at eGFR exactly 25 is not severe impairment', 'mmf500tab', 1500, 25, []],
    ['MMF 1.5 g BID at eGFR 24.99 is', 'mmf500tab', 1500, 24.99, ['mycophenolate-renal-dose']],
    ['MPA 720 mg BID (1440 mg/day) at eGFR 18 is allowed', 'mpa360tab', 720, 18, []],
    [
      'MPA 900 mg BID (1800 mg/day) at eGFR 18 is above 1440',
      'mpa360tab',
      900,
      18,
      ['mycophenolate-renal-dose'],
    ],
  ])('%s', (_name, product, mg, egfr, expected) => {
    expect(codesOf(run(mycophenolateRenalDose, scenario(product, mg, egfr)))).toEqual(expected);
  });

  it('uses an eGFR exactly 90 days old but not one 90 days and 1 ms old', () => {
    const ninetyDays = new Date(NOW.getTime() - 90 * 86_400_000);
    expect(
      codesOf(run(mycophenolateRenalDose, scenario('mmf500tab', 1500, 18, ninetyDays.toISOString()))),
    ).toEqual(['mycophenolate-renal-dose']);
    const older = new Date(ninetyDays.getTime() - 1).toISOString();
    expect(codesOf(run(mycophenolateRenalDose, scenario('mmf500tab', 1500, 18, older)))).toEqual([]);
  });

  it('trusts "< 15" as below 25 but stays silent on "> 20" with a note', () => {
    expect(codesOf(run(mycophenolateRenalDose, scenario('mmf500tab', 1500, 15, RECENT, '<')))).toEqual([
      'mycophenolate-renal-dose',
    ]);
    const outcome = run(mycophenolateRenalDose, scenario('mmf500tab', 1500, 20, RECENT, '>'));
    expect(outcome.findings).toEqual([]);
    expect(outcome.notes).toContain(
      'mycophenolate-renal-dose: comparator of the latest eGFR does not settle the question',
    );
  });

  it('is silent with a note when the latest eGFR has an unknown unit, without falling back to an older one', () => {
    const outcome = run(mycophenolateRenalDose, {
      ...scenario('mmf500tab', 1500, 18, '2026-04-01T09:00:00.000Z'),
      observations: [
        observation('old', LOINC.egfr, 18, 'mL/min/{1.73_m2}', '2026-04-01T09:00:00.000Z'),
        observation('new', LOINC.egfr, 18, 'furlongs', RECENT),
      ],
    });
    expect(outcome.findings).toEqual([]);
    expect(outcome.notes.some((n) => n.startsWith('mycophenolate-renal-dose: latest eGFR unreadable'))).toBe(
      true,
    );
  });

  it('reads the draft in an order hook and proposes 1 g twice daily (2 tablets)', () => {
    const { findings } = run(mycophenolateRenalDose, {
      ...scenario('mmf500tab', 1000, 18),
      drafts: [draft({ id: 'd', product: 'mmf500tab', dosage: dosage(3, '{tbl}', 'BID') })],
    });
    expect(findings[0]?.measured?.value).toBe(3000);
    expect(findings[0]?.draftOrderId).toBe('d');
    expect(findings[0]?.proposedDraft?.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity?.value).toBe(2);
  });

  it('is silent without an eGFR or without mycophenolate', () => {
    expect(
      codesOf(run(mycophenolateRenalDose, { ...scenario('mmf500tab', 1500, 18), observations: [] })),
    ).toEqual([]);
    expect(codesOf(run(mycophenolateRenalDose, { ...scenario('mmf500tab', 1500, 18), orders: [] }))).toEqual(
      [],
    );
  });
});
