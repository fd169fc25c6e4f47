import { mycophenolateDoseHigh, mycophenolateDoseLow } from '../../src/logic/rules/mycophenolate-dose';
import { glucocorticoidDoseHigh } from '../../src/logic/rules/glucocorticoid-dose';
import { buildCard } from '../../src/logic/cards/cards';
import type { Finding } from '../../src/logic/rules/rule';
import { sequentialIds } from './record-builders';
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
      dose: { mgPerDay: 500, how: '1 × 250 mg capsule twice daily' },
      draftOrderId: 'new',
      facts: { phase: 'maintenance', multitarget: false },
    });
    const proposed = finding?.proposedDraft?.dosageInstruction?.[0];
    expect(proposed?.doseAndRate?.[0]?.doseQuantity?.value).toBe(3);
    expect(proposed?.text).toBe('3 capsules (750 mg) twice daily');
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

  describe('with tacrolimus (multitarget therapy or tacrolimus added to full dose: §5)', () => {
    const withTacrolimus = (product: ProductKey, mgPerDose: number, start = MAINTENANCE_START) =>
      onMycophenolate(product, mgPerDose, start, { orders: [tacrolimus] });

    it.each<[string, ProductKey, number, string[]]>([
      ['MMF 499 mg/day is below both ranges', 'mmf500tab', 249.5, ['mycophenolate-dose-low']],
      ['MMF 500 mg/day is the multitarget minimum', 'mmf500tab', 250, []],
      ['MMF 750 mg/day is the multitarget maximum', 'mmf500tab', 375, []],
      ['MMF 1000 mg/day lies between the ranges', 'mmf500tab', 500, []],
      ['MMF 1500 mg/day is the full-dose minimum', 'mmf500tab', 750, []],
      ['MMF 2000 mg/day is the full-dose maximum', 'mmf500tab', 1000, []],
      ['MMF 2001 mg/day is above both ranges', 'mmf500tab', 1000.5, ['mycophenolate-dose-high']],
      ['MPA 359 mg/day is below both ranges', 'mpa180tab', 179.5, ['mycophenolate-dose-low']],
      ['MPA 360 mg/day is the multitarget minimum', 'mpa180tab', 180, []],
      ['MPA 720 mg/day lies between the ranges', 'mpa180tab', 360, []],
      ['MPA 1440 mg/day is the full-dose maximum', 'mpa180tab', 720, []],
      ['MPA 1441 mg/day is above both ranges', 'mpa180tab', 720.5, ['mycophenolate-dose-high']],
    ])('in maintenance: %s', (_name, product, mg, expected) => {
      expect(both(withTacrolimus(product, mg))).toEqual(expected);
    });

    it('stays silent on MMF 1.5 g/day with tacrolimus — it may be full-dose MMF with tacrolimus added for refractory proteinuria', () => {
      const scenario = withTacrolimus('mmf500tab', 750);
      expect(both(scenario)).toEqual([]);
      expect(run(mycophenolateDoseHigh, scenario).notes).toEqual([]);
    });

    it('stays silent on MMF 1 g/day with tacrolimus and says why in the debug log', () => {
      const outcome = run(mycophenolateDoseHigh, withTacrolimus('mmf500tab', 500));
      expect(outcome.findings).toEqual([]);
      expect(outcome.notes).toEqual([
        'mycophenolate-dose-high: MMF 1000 mg/day with tacrolimus lies between the multitarget and full-dose ranges: planned multitarget therapy cannot be told from tacrolimus added to full dose',
      ]);
    });

    it('notes "between the ranges" only for a dose between them, not for one below both (MMF 400 mg/day)', () => {
      const scenario = withTacrolimus('mmf500tab', 200);
      expect(codesOf(run(mycophenolateDoseLow, scenario))).toEqual(['mycophenolate-dose-low']);
      expect(run(mycophenolateDoseHigh, scenario).notes).toEqual([]);
    });

    it('names both ranges on the card when MMF 1250 mg twice daily with tacrolimus is above them', () => {
      const { findings } = run(mycophenolateDoseHigh, withTacrolimus('mmf500tab', 1250));
      expect(findings).toHaveLength(1);
      const [finding] = findings;
      expect(finding).toMatchObject({
        measured: { value: 2500, unit: 'mg/day' },
        target: { label: 'MMF multitarget (500–750) and full-dose (1500–2000) ranges', min: 500, max: 2000 },
        direction: 'above',
        facts: { multitarget: true },
      });
      expect(finding?.evidence.some((e) => e.reference === 'MedicationRequest/tac')).toBe(true);
      const card = buildCard(finding as Finding, sequentialIds());
      expect(card.summary).toBe(
        'Mycophenolate mofetil daily dose 2500 mg/day is above the MMF multitarget (500–750) and full-dose (1500–2000) ranges of 500–2000 mg/day',
      );
      expect(card.summary.length).toBeLessThan(140);
    });

    it('names both MPA ranges when MPA 180 mg twice daily with tacrolimus is below them', () => {
      const [finding] = run(mycophenolateDoseLow, withTacrolimus('mpa180tab', 90)).findings;
      expect(finding?.target).toMatchObject({
        label: 'MPA multitarget (360–540) and full-dose (1080–1440) ranges',
        min: 360,
        max: 1440,
      });
      expect(buildCard(finding as Finding, sequentialIds()).summary.length).toBeLessThan(140);
    });

    it('suggests the full-dose maximum (2000 mg/day), not the multitarget 750, for a draft of 3 × 500 mg tablets twice daily', () => {
      const { findings } = run(mycophenolateDoseHigh, {
        orders: [tacrolimus],
        drafts: [draft({ id: 'd', product: 'mmf500tab', dosage: dosage(3, '{tbl}', 'BID') })],
      });
      expect(findings).toHaveLength(1);
      expect(findings[0]?.facts?.proposedDose).toBe('2 tablets (1000 mg) twice daily');
    });

    it('suggests the multitarget minimum (500 mg/day) for a draft of one 250 mg capsule daily', () => {
      const { findings } = run(mycophenolateDoseLow, {
        orders: [tacrolimus],
        drafts: [draft({ id: 'd', product: 'mmf250cap', dosage: dosage(1, '{capsule}', 'QD') })],
      });
      expect(findings).toHaveLength(1);
      expect(findings[0]?.facts?.proposedDose).toBe('2 capsules (500 mg) once daily');
    });

    it('suggests the full-dose maximum for MPA too (360 mg tablets: 1440 mg/day)', () => {
      const { findings } = run(mycophenolateDoseHigh, {
        orders: [tacrolimus],
        drafts: [draft({ id: 'd', product: 'mpa360tab', dosage: dosage(3, '{tbl}', 'BID') })],
      });
      expect(findings[0]?.facts?.proposedDose).toBe('2 tablets (720 mg) twice daily');
    });

    it('counts a drafted tacrolimus: MMF 500 mg/day is low alone, silent with the tacrolimus draft', () => {
      const tacDraft = draft({
        id: 'tac-d',
        product: 'tacrolimus1cap',
        dosage: dosage(1, '{capsule}', 'BID'),
      });
      expect(both(onMycophenolate('mmf500tab', 250, MAINTENANCE_START))).toEqual(['mycophenolate-dose-low']);
      expect(both(onMycophenolate('mmf500tab', 250, MAINTENANCE_START, { drafts: [tacDraft] }))).toEqual([]);
    });

    it('keeps the glucocorticoid multitarget limit of 10 mg/day with tacrolimus and MMF 1 g/day (between the ranges)', () => {
      const prednisone = (mg: number) =>
        order({
          id: 'gc',
          product: 'prednisone5tab',
          dosage: dosage(mg, 'mg', 'QD', MAINTENANCE_START),
          start: MAINTENANCE_START,
        });
      const orders = (mg: number) => [...(withTacrolimus('mmf500tab', 500).orders ?? []), prednisone(mg)];
      expect(both({ orders: orders(10) })).toEqual([]);
      expect(codesOf(run(glucocorticoidDoseHigh, { orders: orders(10) }))).toEqual([]);
      const [finding] = run(glucocorticoidDoseHigh, { orders: orders(10.5) }).findings;
      expect(finding?.target).toMatchObject({ label: 'LN multitarget maintenance limit', max: 10 });
    });

    describe('in induction only the induction maximum applies (multitarget induction regimens vary)', () => {
      const tacInduction = order({
        id: 'tac',
        product: 'tacrolimus1cap',
        dosage: dosage(2, '{capsule}', 'BID', INDUCTION_START),
        start: INDUCTION_START,
      });
      const inInduction = (product: ProductKey, mg: number) =>
        onMycophenolate(product, mg, INDUCTION_START, { orders: [tacInduction] });

      it.each<[string, ProductKey, number, string[]]>([
        ['MMF 500 mg/day is not low', 'mmf500tab', 250, []],
        ['MMF 1000 mg/day is not low', 'mmf500tab', 500, []],
        ['MMF 3000 mg/day is the induction maximum', 'mmf500tab', 1500, []],
        ['MMF 3001 mg/day is high', 'mmf500tab', 1500.5, ['mycophenolate-dose-high']],
        ['MPA 360 mg/day is not low', 'mpa180tab', 180, []],
        ['MPA 2160 mg/day is the induction maximum', 'mpa360tab', 1080, []],
        ['MPA 2161 mg/day is high', 'mpa360tab', 1080.5, ['mycophenolate-dose-high']],
      ])('with tacrolimus in induction: %s', (_name, product, mg, expected) => {
        expect(both(inInduction(product, mg))).toEqual(expected);
      });

      it('labels the target as the induction maximum, without a minimum', () => {
        const [finding] = run(mycophenolateDoseHigh, inInduction('mmf500tab', 1750)).findings;
        expect(finding?.target).toMatchObject({ label: 'MMF multitarget induction maximum', max: 3000 });
        expect(finding?.target?.min).toBeUndefined();
      });
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
      expect(findings[0]?.facts?.proposedDose).toBe('1000 mg twice daily');
    });

    it('proposes nothing when no whole tablet lands in range (MMF 200 mg BID with tacrolimus: 500 mg tablets BID give 1000, not 500–750)', () => {
      const { findings } = run(mycophenolateDoseLow, {
        orders: [tacrolimus],
        drafts: [draft({ id: 'd', product: 'mmf500tab', dosage: dosage(200, 'mg', 'BID') })],
      });
      expect(findings).toHaveLength(1);
      expect(findings[0]?.measured?.value).toBe(400);
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
