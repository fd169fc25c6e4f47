import { glucocorticoidDoseHigh } from '../../src/logic/rules/glucocorticoid-dose';
import { codesOf, dosage, draft, order, run, type ProductKey, type Scenario } from './support/dose-scenarios';

const MAINTENANCE_START = '2024-07-01T09:00:00.000Z';
const INDUCTION_START = '2026-04-01T09:00:00.000Z';

const mmf = (start = MAINTENANCE_START) =>
  order({ id: 'mmf', product: 'mmf500tab', dosage: dosage(1000, 'mg', 'BID', start), start });
const tacrolimus = order({
  id: 'tac',
  product: 'tacrolimus1cap',
  dosage: dosage(2, '{capsule}', 'BID', MAINTENANCE_START),
  start: MAINTENANCE_START,
});
const steroid = (product: ProductKey, mg: number, id = 'gc') =>
  order({ id, product, dosage: dosage(mg, 'mg', 'QD', MAINTENANCE_START), start: MAINTENANCE_START });

function codes(scenario: Scenario): string[] {
  return codesOf(run(glucocorticoidDoseHigh, scenario));
}

describe('glucocorticoid-dose-high', () => {
  it('warns when prednisone 15 mg daily in maintenance is above the 7.5 mg/day limit', () => {
    const { findings } = run(glucocorticoidDoseHigh, { orders: [mmf(), steroid('prednisone5tab', 15)] });
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'glucocorticoid-dose-high',
        indicator: 'warning',
        measured: { label: 'Prednisone-equivalent daily dose', value: 15, unit: 'mg/day' },
        target: expect.objectContaining({ label: 'LN maintenance limit', max: 7.5, unit: 'mg/day' }),
        direction: 'above',
        dose: { mgPerDay: 15, how: '15 mg once daily' },
      }),
    ]);
  });

  it.each<[string, ProductKey, number, string[]]>([
    ['prednisone 7.5 mg is at the limit', 'prednisone5tab', 7.5, []],
    ['prednisone 7.6 mg is above', 'prednisone5tab', 7.6, ['glucocorticoid-dose-high']],
    ['prednisolone 7.5 mg equals 7.5 mg prednisone', 'prednisolone', 7.5, []],
    ['methylprednisolone 6 mg equals 7.5 mg prednisone', 'methylprednisolone', 6, []],
    [
      'methylprednisolone 8 mg equals 10 mg prednisone',
      'methylprednisolone',
      8,
      ['glucocorticoid-dose-high'],
    ],
  ])('%s', (_name, product, mg, expected) => {
    expect(codes({ orders: [mmf(), steroid(product, mg)] })).toEqual(expected);
  });

  it('shows the methylprednisolone conversion in the derivation', () => {
    const { findings } = run(glucocorticoidDoseHigh, { orders: [mmf(), steroid('methylprednisolone', 8)] });
    expect(findings[0]?.dose?.how).toBe('8 mg once daily → 10 mg/day prednisone-equivalent');
  });

  it('allows up to 10 mg/day with tacrolimus + mycophenolate (multitarget)', () => {
    expect(codes({ orders: [mmf(), tacrolimus, steroid('prednisone5tab', 10)] })).toEqual([]);
    const { findings } = run(glucocorticoidDoseHigh, {
      orders: [mmf(), tacrolimus, steroid('prednisone5tab', 10.5)],
    });
    expect(findings[0]?.target).toMatchObject({ label: 'LN multitarget maintenance limit', max: 10 });
  });

  it('keeps the 7.5 mg/day limit with tacrolimus alone', () => {
    expect(codes({ orders: [tacrolimus, steroid('prednisone5tab', 10)] })).toEqual([
      'glucocorticoid-dose-high',
    ]);
  });

  it('adds concurrent glucocorticoid orders (prednisone 5 mg + methylprednisolone 4 mg = 10 mg)', () => {
    const orders = [mmf(), steroid('prednisone5tab', 5, 'p'), steroid('methylprednisolone', 4, 'm')];
    const { findings } = run(glucocorticoidDoseHigh, { orders });
    expect(findings[0]?.measured?.value).toBe(10);
  });

  it('is silent in induction, when high-dose glucocorticoids are expected', () => {
    const start = INDUCTION_START;
    const pred = order({ id: 'gc', product: 'prednisone5tab', dosage: dosage(40, 'mg', 'QD', start), start });
    expect(codes({ orders: [mmf(start), pred] })).toEqual([]);
  });

  it('is silent without LN immunosuppression (no therapy start, no phase)', () => {
    expect(codes({ orders: [steroid('prednisone5tab', 20)] })).toEqual([]);
  });

  it('reads a prednisone taper at the step covering now', () => {
    const taper: fhir4.Dosage[] = [
      {
        ...dosage(20, 'mg', 'QD'),
        sequence: 1,
        timing: {
          code: { text: 'QD' },
          repeat: { boundsPeriod: { start: '2026-05-01', end: '2026-05-25' } },
        },
      },
      {
        ...dosage(5, 'mg', 'QD'),
        sequence: 2,
        timing: { code: { text: 'QD' }, repeat: { boundsPeriod: { start: '2026-05-25' } } },
      },
    ];
    const pred = order({ id: 'gc', product: 'prednisone5tab', dosage: taper, start: MAINTENANCE_START });
    expect(codes({ orders: [mmf(), pred] })).toEqual([]);
  });

  it('proposes 1 × 5 mg tablet daily for a draft of 3 tablets daily', () => {
    const { findings } = run(glucocorticoidDoseHigh, {
      orders: [mmf()],
      drafts: [draft({ id: 'd', product: 'prednisone5tab', dosage: dosage(3, '{tbl}', 'QD') })],
    });
    expect(findings[0]?.proposedDraft?.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity?.value).toBe(1);
    expect(findings[0]?.facts?.proposedDose).toBe('1 tablet (5 mg) once daily');
  });

  it('is silent with a note when a glucocorticoid dose is unreadable', () => {
    const unreadable = order({
      id: 'gc',
      product: 'prednisone5tab',
      dosage: dosage(15, 'mg', 'Q4H', MAINTENANCE_START),
      start: MAINTENANCE_START,
    });
    const outcome = run(glucocorticoidDoseHigh, { orders: [mmf(), unreadable] });
    expect(outcome.findings).toEqual([]);
    expect(outcome.notes).toContain(
      'glucocorticoid-dose-high: prednisone dose unreadable (timing code not recognised)',
    );
  });
});
