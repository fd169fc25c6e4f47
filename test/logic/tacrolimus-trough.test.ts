import { decide } from '../../src/logic/decide';
import type { PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import {
  NOW,
  order,
  record,
  result,
  sequentialIds,
  tacrolimus,
  tacrolimusLevel,
  type LevelOptions,
} from './record-builders';

/** Patient on tacrolimus since 2025-01-10 (maintenance on 2026-06-01) unless a scenario says otherwise. */
function decideWith(parts: Partial<PatientRecord>) {
  return decide({
    record: record({ medicationRequests: [tacrolimus()], ...parts }),
    now: NOW,
    newId: sequentialIds(),
    targets: DEFAULT_TARGETS,
  });
}

function codesFor(level: fhir4.Observation | fhir4.Observation[], parts: Partial<PatientRecord> = {}) {
  const observations = Array.isArray(level) ? level : [level];
  return decideWith({ observations, ...parts }).cards.map((c) => c.source.topic?.code);
}

const level = (value: number, options: Omit<LevelOptions, 'value'> = {}) => tacrolimusLevel(value, options);

describe('tacrolimus trough against the 4–6 ng/mL LN maintenance target', () => {
  it('warns when a tacrolimus trough of 3.1 ng/mL is below the 4–6 ng/mL maintenance target', () => {
    const decision = decideWith({ observations: [level(3.1)] });
    expect(decision.cards).toHaveLength(1);
    expect(decision.cards[0]?.summary).toBe(
      'Tacrolimus trough 3.1 ng/mL is below the LN maintenance target of 4–6 ng/mL',
    );
    expect(decision.cards[0]?.indicator).toBe('warning');
  });

  it.each([
    [3.99, ['tacrolimus-trough-low']],
    [4.0, []],
    [6.0, []],
    [6.01, ['tacrolimus-trough-high']],
  ])('at %s ng/mL gives %j (bounds are on target)', (value, expected) => {
    expect(codesFor(level(value))).toEqual(expected);
  });

  it('asks to confirm the sample was a trough when the level is high', () => {
    const decision = decideWith({ observations: [level(8.2)] });
    expect(decision.cards[0]?.summary).toBe(
      'Tacrolimus trough 8.2 ng/mL is above the LN maintenance target of 4–6 ng/mL; confirm it was a trough',
    );
    expect(decision.cards[0]?.overrideReasons?.map((r) => r.code)).toContain('not-a-trough-sample');
  });

  it('reads µg/L and mcg/L as ng/mL', () => {
    expect(codesFor(level(3.5, { unit: 'µg/L', system: null }))).toEqual(['tacrolimus-trough-low']);
    expect(codesFor(level(3.5, { unit: 'mcg/L', system: null }))).toEqual(['tacrolimus-trough-low']);
    expect(codesFor(level(5, { unit: 'ug/L' }))).toEqual([]);
  });

  it('converts nmol/L with 804.02 g/mol and compares at two decimals: 4.9748 nmol/L is 4.00 ng/mL, on target', () => {
    expect(codesFor(level(4.9748, { unit: 'nmol/L' }))).toEqual([]);
    expect(codesFor(level(4.96, { unit: 'nmol/L' }))).toEqual(['tacrolimus-trough-low']);
    expect(codesFor(level(7.47, { unit: 'nmol/L' }))).toEqual(['tacrolimus-trough-high']);
  });

  it('shows the reported value and the converted one in the summary', () => {
    const decision = decideWith({ observations: [level(9, { unit: 'nmol/L' })] });
    expect(decision.cards[0]?.summary).toBe(
      'Tacrolimus trough 9 nmol/L (= 7.24 ng/mL) is above the LN maintenance target of 4–6 ng/mL; confirm it was a trough',
    );
  });

  it('reads the unit text when the quantity has no UCUM system', () => {
    expect(codesFor(level(3, { unit: 'ng/mL', system: null }))).toEqual(['tacrolimus-trough-low']);
  });

  it.each(['11253-2', '33929-1', '74097-7', '74096-9', '32721-3', '76494-4'])(
    'treats a tacrolimus level coded %s as a trough',
    (loinc) => {
      expect(codesFor(level(2.5, { loinc }))).toEqual(['tacrolimus-trough-low']);
    },
  );

  it('ignores a tacrolimus AUC (92727-7): no trough card, the trough is overdue instead', () => {
    expect(codesFor(level(2.5, { loinc: '92727-7' }))).toEqual(['tacrolimus-trough-overdue']);
  });

  it('accepts a preliminary level, ignores cancelled and entered-in-error ones', () => {
    expect(codesFor(level(2.5, { status: 'preliminary' }))).toEqual(['tacrolimus-trough-low']);
    expect(codesFor(level(2.5, { status: 'cancelled' }))).toEqual(['tacrolimus-trough-overdue']);
    expect(codesFor(level(2.5, { status: 'entered-in-error' }))).toEqual(['tacrolimus-trough-overdue']);
  });
});

describe('which level decides', () => {
  it('uses the latest level, not an older low one', () => {
    const older = level(2.5, { date: '2026-04-01T08:00:00Z' });
    const latest = level(5.0, { date: '2026-05-20T08:00:00Z' });
    expect(codesFor([latest, older])).toEqual([]);
  });

  it('orders by effectivePeriod.start, then issued, when effectiveDateTime is absent', () => {
    const byPeriod = {
      ...level(2.5),
      effectiveDateTime: undefined,
      effectivePeriod: { start: '2026-05-25' },
    };
    const byIssued = { ...level(5), effectiveDateTime: undefined, issued: '2026-05-22T10:00:00Z' };
    expect(codesFor([byIssued, byPeriod])).toEqual(['tacrolimus-trough-low']);
  });

  it('stays silent when the latest level has an unknown unit, without falling back to an older low level', () => {
    const older = level(2.5, { date: '2026-04-01T08:00:00Z' });
    const latest = level(5.0, { unit: 'mg/dL/xyz', date: '2026-05-20T08:00:00Z' });
    const decision = decideWith({ observations: [older, latest] });
    expect(decision.cards).toEqual([]);
    expect(decision.notes.some((n) => n.includes('unreadable'))).toBe(true);
    for (const code of ['tacrolimus-trough-low', 'tacrolimus-trough-high']) {
      expect(decision.notes.some((n) => n.startsWith(`${code}: latest tacrolimus level unreadable (`))).toBe(
        true,
      );
    }
  });

  it('stays silent when the latest level has no value', () => {
    const older = level(2.5, { date: '2026-04-01T08:00:00Z' });
    const latest = result({ date: '2026-05-20T08:00:00Z' });
    expect(codesFor([older, latest])).toEqual([]);
  });

  it('ignores a level dated after now', () => {
    const future = level(2.5, { date: '2026-06-02T08:00:00Z' });
    expect(codesFor([future, level(5)])).toEqual([]);
  });

  it('judges a level exactly 90 days old, not one a second older', () => {
    expect(codesFor(level(3, { date: '2026-03-03T09:00:00Z' }))).toEqual(['tacrolimus-trough-low']);
    const tooOld = codesFor(level(3, { date: '2026-03-03T08:59:59Z' }));
    expect(tooOld).not.toContain('tacrolimus-trough-low');
  });

  it('refuses to choose between two results at the same instant that disagree', () => {
    const a = level(3, { date: '2026-05-20T08:00:00Z' });
    const b = level(5, { date: '2026-05-20T08:00:00Z' });
    expect(codesFor([a, b])).toEqual([]);
  });
});

describe('comparators settle the question only when certain (§7)', () => {
  it.each([
    ['<', 2.0, ['tacrolimus-trough-low']],
    ['<', 4.0, ['tacrolimus-trough-low']],
    ['<=', 4.0, []],
    ['<', 5, []],
    ['>', 9, ['tacrolimus-trough-high']],
    ['>', 6.0, ['tacrolimus-trough-high']],
    ['>=', 6.0, []],
    ['>', 3, []],
  ] as const)('a result of %s %s ng/mL gives %j', (comparator, value, expected) => {
    expect(codesFor(level(value, { comparator }))).toEqual(expected);
  });

  it('says why it is silent on "< 5 ng/mL": it may or may not be below 4, and is certainly not above 6', () => {
    const decision = decideWith({ observations: [level(5, { comparator: '<' })] });
    expect(decision.cards).toEqual([]);
    expect(decision.notes.filter((n) => n.includes('comparator'))).toEqual([
      'tacrolimus-trough-low: comparator of the latest tacrolimus level does not settle the question',
    ]);
  });
});

describe('when the trough rules stay silent', () => {
  it('is silent in induction (first 6 months of LN immunosuppression)', () => {
    const recent = tacrolimus({ start: '2026-01-15' });
    expect(codesFor(level(2.5), { medicationRequests: [recent] })).toEqual([]);
  });

  it('uses calendar months: maintenance begins exactly at start + 6 months', () => {
    const started = tacrolimus({ start: '2025-12-01T09:00:00Z' });
    expect(codesFor(level(2.5), { medicationRequests: [started] })).toEqual(['tacrolimus-trough-low']);
    const later = tacrolimus({ start: '2025-12-01T09:00:01Z' });
    expect(codesFor(level(2.5), { medicationRequests: [later] })).toEqual([]);
  });

  it('counts induction from the earliest LN immunosuppressant, not from tacrolimus', () => {
    const mmf = order({
      rxnorm: '68149',
      text: 'mycophenolate mofetil',
      start: '2024-01-01',
      doseMg: 250, // 500 mg/day: in the multitarget range
    });
    const newTacrolimus = tacrolimus({ start: '2026-05-01' });
    expect(codesFor(level(2.5), { medicationRequests: [mmf, newTacrolimus] })).toEqual([
      'tacrolimus-trough-low',
    ]);
  });

  it('is silent when tacrolimus has been stopped', () => {
    const stopped = tacrolimus({ status: 'stopped' });
    // The stop itself (17 months into therapy) is what matters now.
    expect(codesFor(level(2.5), { medicationRequests: [stopped] })).toEqual([
      'immunosuppression-stopped-early',
    ]);
  });

  it('is silent for topical tacrolimus (ointment 313189)', () => {
    const ointment = order({
      rxnorm: '313189',
      text: 'tacrolimus 0.1 % Topical Ointment',
      start: '2024-01-01',
    });
    expect(codesFor(level(2.5), { medicationRequests: [ointment] })).toEqual([]);
  });

  it('is silent for Protopic and for a tacrolimus order with a cutaneous route', () => {
    const protopic = order({ text: 'Protopic 0.03% ointment', start: '2024-01-01' });
    const cutaneous = order({ text: 'tacrolimus', route: 'Cutaneous route', start: '2024-01-01' });
    expect(codesFor(level(2.5), { medicationRequests: [protopic] })).toEqual([]);
    expect(codesFor(level(2.5), { medicationRequests: [cutaneous] })).toEqual([]);
  });

  it('is silent when the tacrolimus order was entered in error', () => {
    expect(
      codesFor(level(2.5), { medicationRequests: [tacrolimus({ status: 'entered-in-error' })] }),
    ).toEqual([]);
  });
});

describe('tacrolimus drafted in an order hook', () => {
  it('warns about a low trough while a tacrolimus dose change is being signed', () => {
    const draft = tacrolimus({ id: 'draft-1', status: 'draft', start: '2026-06-01' });
    const decision = decideWith({ hook: 'order-sign', draftOrders: [draft], observations: [level(3.1)] });
    expect(decision.findings.map((f) => [f.code, f.draftOrderId])).toEqual([
      ['tacrolimus-trough-low', 'draft-1'],
    ]);
  });

  it('is silent when the draft stops tacrolimus', () => {
    const stop = tacrolimus({ id: 'draft-1', status: 'stopped' });
    const decision = decideWith({ hook: 'order-sign', draftOrders: [stop], observations: [level(3.1)] });
    expect(decision.cards.map((c) => c.source.topic?.code)).not.toContain('tacrolimus-trough-low');
  });
});
