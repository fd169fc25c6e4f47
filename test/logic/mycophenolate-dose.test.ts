import { mycophenolateDoseHigh, mycophenolateDoseLow } from '../../src/logic/rules/mycophenolate-dose';
import {
  NOW,
  codesOf,
  dosage,
  draft,
  monthsBeforeNow,
  order,
  run,
  type ProductKey,
  type Scenario,
} from './support/dose-scenarios';

const MAINTENANCE_START = '2025-01-17T09:00:00.000Z';
const INDUCTION_START = '2026-04-01T09:00:00.000Z';

function both(scenario: Scenario): string[] {
  return [...codesOf(run(mycophenolateDoseLow, scenario)), ...codesOf(run(mycophenolateDoseHigh, scenario))];
}

function onMycophenolate(
  product: ProductKey,
  mgPerDose: number,
  start: string,
  extra: Partial<Scenario> = {},
): Scenario {
  return {
    orders: [
      order({ id: 'myco', product, dosage: dosage(mgPerDose, 'mg', 'BID', start), start }),
      ...(extra.orders ?? []),
    ],
    ...(extra.drafts ? { drafts: extra.drafts } : {}),
  };
}

const tacrolimus = order({
  id: 'tac',
  product: 'tacrolimus1cap',
  dosage: dosage(2, '{capsule}', 'BID', MAINTENANCE_START),
  start: MAINTENANCE_START,
});

describe('mycophenolate-dose-low / -high', () => {
  it('warns when a draft of MMF 250 mg twice daily is below the 1500–2000 mg/day maintenance range (and proposes 3 capsules BID)', () => {
    const scenario: Scenario = {
      orders: [
        order({
          id: 'old',
          product: 'mmf500tab',
          dosage: dosage(2, '{tbl}', 'BID', MAINTENANCE_START),
          start: MAINTENANCE_START,
        }),
      ],
      drafts: [
        draft({ id: 'new', product: 'mmf250cap', dosage: dosage(1, '{capsule}', 'BID', NOW.toISOString()) }),
      ],
    };
    const { findings } = run(mycophenolateDoseLow, scenario);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({
      code: 'mycophenolate-dose-low',
      indicator: 'warning',
      measured: { label: 'Mycophenolate mofetil daily dose', value: 500, unit: 'mg/day' },
      target: { label: 'MMF maintenance range', min: 1500, max: 2000, unit: 'mg/day' },
      direction: 'below',
      dose: { mgPerDay: 500, how: '1 × 250 mg capsule × 2/day (BID) = 500 mg/day' },
      draftOrderId: 'new',
      facts: { phase: 'maintenance', multitarget: false },
    });
    const proposed = finding?.proposedDraft?.dosageInstruction?.[0];
    expect(proposed?.doseAndRate?.[0]?.doseQuantity?.value).toBe(3);
    expect(proposed?.text).toBe('3 {capsule} (750 mg) per dose, 2/day (BID): 1500 mg/day');
    expect(finding?.proposedDraft?.id).toBe('new');
    expect(run(mycophenolateDoseHigh, scenario).findings).toEqual([]);
  });

  it('warns when MMF 2 g twice daily (4 × 500 mg tablets BID) is above the maintenance range, without a suggestion in patient-view', () => {
    const scenario: Scenario = {
      orders: [
        order({
          id: 'mmf',
          product: 'mmf500tab',
          dosage: dosage(4, '{tbl}', 'BID', MAINTENANCE_START),
          start: MAINTENANCE_START,
        }),
      ],
    };
    const { findings } = run(mycophenolateDoseHigh, scenario);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ measured: { value: 4000 }, direction: 'above' });
    expect(findings[0]?.proposedDraft).toBeUndefined();
  });

  describe('maintenance boundaries are in range', () => {
    it.each<[string, ProductKey, number, string[]]>([
      ['MMF 1499 mg/day is low', 'mmf500tab', 749.5, ['mycophenolate-dose-low']],
      ['MMF 1500 mg/day is in range', 'mmf500tab', 750, []],
      ['MMF 2000 mg/day is in range', 'mmf500tab', 1000, []],
      ['MMF 2001 mg/day is high', 'mmf500tab', 1000.5, ['mycophenolate-dose-high']],
      ['MPA 1079 mg/day is low', 'mpa360tab', 539.5, ['mycophenolate-dose-low']],
      ['MPA 1080 mg/day is in range', 'mpa360tab', 540, []],
      ['MPA 1440 mg/day is in range', 'mpa360tab', 720, []],
      ['MPA 1441 mg/day is high', 'mpa360tab', 720.5, ['mycophenolate-dose-high']],
    ])('in maintenance: %s', (_name, product, mg, expected) => {
      expect(both(onMycophenolate(product, mg, MAINTENANCE_START))).toEqual(expected);
    });
  });

  describe('induction ranges (first 6 months)', () => {
    it.each<[string, ProductKey, number, string[]]>([
      ['MMF 1999 mg/day is low', 'mmf500tab', 999.5, ['mycophenolate-dose-low']],
      ['MMF 2000 mg/day is in range', 'mmf500tab', 1000, []],
      ['MMF 3000 mg/day is in range', 'mmf500tab', 1500, []],
      ['MMF 3001 mg/day is high', 'mmf500tab', 1500.5, ['mycophenolate-dose-high']],
      ['MPA 1439 mg/day is low', 'mpa360tab', 719.5, ['mycophenolate-dose-low']],
      ['MPA 1440 mg/day is in range', 'mpa360tab', 720, []],
      ['MPA 2160 mg/day is in range', 'mpa360tab', 1080, []],
      ['MPA 2161 mg/day is high', 'mpa360tab', 1080.5, ['mycophenolate-dose-high']],
    ])('in induction: %s', (_name, product, mg, expected) => {
      expect(both(onMycophenolate(product, mg, INDUCTION_START))).toEqual(expected);
    });

    it('is still induction 1 ms before start + 6 months: MMF 1500 mg/day is low there', () => {
      expect(both(onMycophenolate('mmf500tab', 750, monthsBeforeNow(6, 1)))).toEqual([
        'mycophenolate-dose-low',
      ]);
    });

    it('is maintenance from start + 6 months exactly: MMF 1500 mg/day is in range there', () => {
      expect(both(onMycophenolate('mmf500tab', 750, monthsBeforeNow(6)))).toEqual([]);
    });

    it('stays silent on a first MMF 1 g BID draft, which starts induction now (2000 mg/day is in range)', () => {
      const scenario: Scenario = {
        hook: 'order-select',
        drafts: [
          draft({ id: 'd', product: 'mmf500tab', dosage: dosage(1000, 'mg', 'BID', NOW.toISOString()) }),
        ],
      };
      expect(both(scenario)).toEqual([]);
      expect(run(mycophenolateDoseLow, scenario).context.timeline.phase).toBe('induction');
    });
  });

  describe('multitarget (with tacrolimus)', () => {
    it('warns when MMF 1 g twice daily with tacrolimus is above the 500–750 mg/day multitarget maintenance range', () => {
      const { findings } = run(
        mycophenolateDoseHigh,
        onMycophenolate('mmf500tab', 1000, MAINTENANCE_START, { orders: [tacrolimus] }),
      );
      expect(findings[0]).toMatchObject({
        target: { label: 'MMF multitarget maintenance range', min: 500, max: 750 },
        facts: { multitarget: true },
      });
      expect(findings[0]?.evidence.some((e) => e.reference === 'MedicationRequest/tac')).toBe(true);
    });

    it.each<[string, ProductKey, number, string[]]>([
      ['MMF 499 mg/day is low', 'mmf500tab', 249.5, ['mycophenolate-dose-low']],
      ['MMF 500 mg/day is in range', 'mmf500tab', 250, []],
      ['MMF 750 mg/day is in range', 'mmf500tab', 375, []],
      ['MMF 751 mg/day is high', 'mmf500tab', 375.5, ['mycophenolate-dose-high']],
      ['MPA 359 mg/day is low', 'mpa180tab', 179.5, ['mycophenolate-dose-low']],
      ['MPA 360 mg/day is in range', 'mpa180tab', 180, []],
      ['MPA 540 mg/day is in range', 'mpa180tab', 270, []],
      ['MPA 541 mg/day is high', 'mpa180tab', 270.5, ['mycophenolate-dose-high']],
    ])('with tacrolimus in maintenance: %s', (_name, product, mg, expected) => {
      expect(both(onMycophenolate(product, mg, MAINTENANCE_START, { orders: [tacrolimus] }))).toEqual(
        expected,
      );
    });

    it('counts a drafted tacrolimus as multitarget', () => {
      const tacDraft = draft({
        id: 'tac-d',
        product: 'tacrolimus1cap',
        dosage: dosage(1, '{capsule}', 'BID'),
      });
      expect(both(onMycophenolate('mmf500tab', 1000, MAINTENANCE_START, { drafts: [tacDraft] }))).toEqual([
        'mycophenolate-dose-high',
      ]);
    });

    it('applies only the induction maximum in multitarget induction (MMF 500 mg/day is not "low")', () => {
      const tacInduction = order({
        id: 'tac',
        product: 'tacrolimus1cap',
        dosage: dosage(2, '{capsule}', 'BID', INDUCTION_START),
        start: INDUCTION_START,
      });
      expect(both(onMycophenolate('mmf500tab', 250, INDUCTION_START, { orders: [tacInduction] }))).toEqual(
        [],
      );
      const { findings } = run(
        mycophenolateDoseHigh,
        onMycophenolate('mmf500tab', 1750, INDUCTION_START, { orders: [tacInduction] }),
      );
      expect(findings[0]?.target).toMatchObject({ label: 'MMF multitarget induction maximum', max: 3000 });
      expect(findings[0]?.target?.min).toBeUndefined();
    });
  });

  describe('drafts and orders', () => {
    it('reads the draft dose, not draft + old order (draft MMF 500 mg BID next to an active 1 g BID order)', () => {
      const scenario = onMycophenolate('mmf500tab', 1000, MAINTENANCE_START, {
        drafts: [draft({ id: 'd', product: 'mmf500tab', dosage: dosage(500, 'mg', 'BID') })],
      });
      const { findings } = run(mycophenolateDoseLow, scenario);
      expect(findings[0]?.measured?.value).toBe(1000);
      expect(run(mycophenolateDoseHigh, scenario).findings).toEqual([]);
    });

    it('adds two current MMF orders (500 mg tablets + 250 mg capsules, both BID = 1500 mg/day)', () => {
      const scenario: Scenario = {
        orders: [
          order({
            id: 'a',
            product: 'mmf500tab',
            dosage: dosage(1, '{tbl}', 'BID', MAINTENANCE_START),
            start: MAINTENANCE_START,
          }),
          order({
            id: 'b',
            product: 'mmf250cap',
            dosage: dosage(1, '{capsule}', 'BID', MAINTENANCE_START),
            start: MAINTENANCE_START,
          }),
        ],
      };
      expect(both(scenario)).toEqual([]);
    });

    it('is silent when a draft stops mycophenolate', () => {
      const stop = draft({
        id: 's',
        product: 'mmf500tab',
        dosage: dosage(250, 'mg', 'BID'),
        status: 'stopped',
      });
      expect(both(onMycophenolate('mmf500tab', 250, MAINTENANCE_START, { drafts: [stop] }))).toEqual([]);
    });

    it('proposes 1000 mg per dose for a 1500 mg BID draft in maintenance (500 mg tablets)', () => {
      const { findings } = run(mycophenolateDoseHigh, {
        drafts: [
          draft({
            id: 'd',
            product: 'mmf500tab',
            dosage: dosage(1500, 'mg', 'BID', MAINTENANCE_START),
            start: MAINTENANCE_START,
          }),
        ],
      });
      expect(findings[0]?.proposedDraft?.dosageInstruction?.[0]?.doseAndRate).toEqual([
        { doseQuantity: { value: 1000, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } },
      ]);
      expect(findings[0]?.facts?.proposedDose).toBe('1000 mg per dose, 2/day (BID): 2000 mg/day');
    });

    it('proposes nothing when no whole tablet lands in range (500 mg tablets BID vs multitarget 500–750)', () => {
      const { findings } = run(mycophenolateDoseHigh, {
        orders: [tacrolimus],
        drafts: [draft({ id: 'd', product: 'mmf500tab', dosage: dosage(1, '{tbl}', 'BID') })],
      });
      expect(findings).toHaveLength(1);
      expect(findings[0]?.proposedDraft).toBeUndefined();
    });
  });

  describe('staying silent', () => {
    it('never calls an as-needed dose low, but still calls it high', () => {
      const prnLow = { ...dosage(250, 'mg', 'BID', MAINTENANCE_START), asNeededBoolean: true };
      const prnHigh = { ...dosage(1500, 'mg', 'BID', MAINTENANCE_START), asNeededBoolean: true };
      expect(
        both({
          orders: [order({ id: 'a', product: 'mmf500tab', dosage: prnLow, start: MAINTENANCE_START })],
        }),
      ).toEqual([]);
      expect(
        both({
          orders: [order({ id: 'a', product: 'mmf500tab', dosage: prnHigh, start: MAINTENANCE_START })],
        }),
      ).toEqual(['mycophenolate-dose-high']);
    });

    it('is silent with a note when MMF and MPA are both current', () => {
      const scenario = onMycophenolate('mmf500tab', 250, MAINTENANCE_START, {
        orders: [
          order({
            id: 'mpa',
            product: 'mpa180tab',
            dosage: dosage(180, 'mg', 'BID', MAINTENANCE_START),
            start: MAINTENANCE_START,
          }),
        ],
      });
      const outcome = run(mycophenolateDoseLow, scenario);
      expect(outcome.findings).toEqual([]);
      expect(outcome.notes).toContain('mycophenolate-dose-low: MMF and MPA ordered together');
    });

    it('is silent with a note when the dose cannot be read (2 puffs BID)', () => {
      const outcome = run(mycophenolateDoseLow, {
        orders: [
          order({
            id: 'a',
            product: 'mmf500tab',
            dosage: dosage(2, 'puffs', 'BID', MAINTENANCE_START),
            start: MAINTENANCE_START,
          }),
        ],
      });
      expect(outcome.findings).toEqual([]);
      expect(outcome.notes).toContain(
        'mycophenolate-dose-low: mycophenolate mofetil dose unreadable (dose unit not recognised)',
      );
    });

    it('is silent with a note when the order has neither a start nor authoredOn (phase unknown)', () => {
      const undated = order({
        id: 'a',
        product: 'mmf500tab',
        dosage: dosage(250, 'mg', 'BID'),
        start: MAINTENANCE_START,
      });
      delete undated.authoredOn;
      const outcome = run(mycophenolateDoseLow, { orders: [undated] });
      expect(outcome.findings).toEqual([]);
      expect(outcome.notes).toContain('mycophenolate-dose-low: no therapy start, phase unknown');
    });

    it('is silent without any mycophenolate', () => {
      expect(both({ orders: [tacrolimus] })).toEqual([]);
    });
  });
});
