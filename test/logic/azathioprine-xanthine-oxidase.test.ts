import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { LOINC, PRODUCT, decisionFor, draftOf, lab, prescription } from './support/card-scenarios';
import { ALLOPURINOL_100, byName, codesFor, stopping } from './support/interaction-scenarios';
import { condition, lupusNephritis } from './record-builders';
import { monthsBeforeNow } from './support/dose-scenarios';

/**
 * clinical-rules-wave2.md §4.2: azathioprine with a xanthine-oxidase inhibitor. 2a febuxostat
 * (contraindicated, critical), 2b allopurinol (warning unless the dose is already ≤ 0.67
 * mg/kg/day), and §5.1: azathioprine-dose-low is silent while allopurinol is on.
 */
const azathioprine = (tablets: number, timing: 'QD' | 'BID' = 'QD', start?: string) =>
  prescription({
    id: 'aza',
    ...PRODUCT.aza50tab,
    dose: [tablets, '{tbl}'],
    timing,
    sig: `${tablets} tablets ${timing}`,
    ...(start ? { start } : {}),
  });
const azathioprineDraft = (tablets: number, timing: 'QD' | 'BID' = 'QD', id = 'aza-draft') =>
  draftOf({ id, ...PRODUCT.aza50tab, dose: [tablets, '{tbl}'], timing, sig: `${tablets} tablets ${timing}` });
const febuxostat = byName('febuxostat 40 MG Oral Tablet', {
  id: 'febux',
  dose: [1, '{tbl}'],
  timing: 'QD',
  sig: '1 tablet once daily',
  start: '2025-11-13',
});
const febuxostatDraft = (id = 'febux-draft') =>
  byName(
    'Uloric 40 MG Oral Tablet',
    { id, dose: [1, '{tbl}'], timing: 'QD', sig: '1 tablet once daily' },
    true,
  );
const allopurinol = ALLOPURINOL_100;
const weighed = (kg: number, date = '2026-05-12T09:00:00Z') => lab('wt', LOINC.weight, kg, 'kg', date);

describe('azathioprine-febuxostat (2a)', () => {
  it('is critical when febuxostat is drafted for a patient on azathioprine, and offers to remove the draft', () => {
    const decision = decisionFor({
      hook: 'order-select',
      orders: [azathioprine(2)],
      drafts: [febuxostatDraft()],
      results: [weighed(60)],
    });
    const [card] = decision.cards.filter((c) => c.source.topic?.code === 'azathioprine-febuxostat');
    expect(card?.indicator).toBe('critical');
    expect(card?.summary).toBe(
      'Febuxostat with azathioprine is contraindicated (febuxostat label): risk of severe myelotoxicity',
    );
    expect(card?.suggestions).toEqual([
      expect.objectContaining({
        label: 'Remove the febuxostat order',
        actions: [
          {
            type: 'delete',
            description: 'Remove the febuxostat order',
            resourceId: 'MedicationRequest/febux-draft',
          },
        ],
      }),
    ]);
  });

  it.each(['order-sign', 'medication-prescribe'] as const)('fires in %s as in order-select', (hook) => {
    expect(
      codesFor({ hook, orders: [azathioprine(2)], drafts: [febuxostatDraft()], results: [weighed(60)] }),
    ).toEqual(['azathioprine-febuxostat']);
  });

  it('fires in patient-view when both are active, without a suggestion', () => {
    const decision = decisionFor({ orders: [azathioprine(2), febuxostat], results: [weighed(60)] });
    expect(decision.cards.map((c) => c.source.topic?.code)).toEqual(['azathioprine-febuxostat']);
    expect(decision.cards[0]?.suggestions).toBeUndefined();
  });

  it('fires when azathioprine is drafted for a patient on febuxostat, without offering to remove febuxostat', () => {
    const decision = decisionFor({
      orders: [febuxostat],
      drafts: [azathioprineDraft(2)],
      results: [weighed(60)],
    });
    const card = decision.cards.find((c) => c.source.topic?.code === 'azathioprine-febuxostat');
    expect(card).toBeDefined();
    expect(card?.suggestions).toBeUndefined();
  });

  it('counts drug groups, not orders: two azathioprine orders with febuxostat give one card', () => {
    const second = prescription({
      id: 'aza-25',
      rxnorm: '199310',
      name: 'azathioprine 25 MG Oral Tablet',
      dose: [1, '{tbl}'],
      timing: 'QD',
      sig: '1 tablet once daily',
    });
    expect(codesFor({ orders: [azathioprine(2), second, febuxostat], results: [weighed(70)] })).toEqual([
      'azathioprine-febuxostat',
    ]);
  });

  it('is silent when a draft stops azathioprine while febuxostat is active', () => {
    expect(
      codesFor({
        orders: [azathioprine(2, 'QD', '2023-01-28'), febuxostat],
        drafts: [stopping(azathioprine(2), 'aza-stop')],
      }),
    ).not.toContain('azathioprine-febuxostat');
  });

  it('is silent when a draft stops febuxostat', () => {
    expect(
      codesFor({
        orders: [azathioprine(2), febuxostat],
        drafts: [stopping(febuxostat, 'febux-stop')],
        results: [weighed(60)],
      }),
    ).toEqual([]);
  });

  it('is silent when the febuxostat course has ended', () => {
    const ended = { ...febuxostat, status: 'completed' as const };
    expect(codesFor({ orders: [azathioprine(2), ended], results: [weighed(60)] })).toEqual([]);
  });

  it('offers no removal when two febuxostat drafts are written (removing one would not end the combination)', () => {
    const decision = decisionFor({
      hook: 'order-select',
      orders: [azathioprine(2)],
      drafts: [febuxostatDraft('f1'), febuxostatDraft('f2')],
      results: [weighed(60)],
    });
    expect(decision.cards.map((c) => c.source.topic?.code)).toEqual(['azathioprine-febuxostat']);
    expect(decision.cards[0]?.suggestions).toBeUndefined();
  });

  it('offers no removal of a febuxostat draft without an id (a delete must name it)', () => {
    const { id: _id, ...withoutId } = febuxostatDraft();
    const decision = decisionFor({
      hook: 'order-select',
      orders: [azathioprine(2)],
      drafts: [withoutId],
      results: [weighed(60)],
    });
    expect(decision.cards[0]?.suggestions).toBeUndefined();
  });

  it('is silent for a transplant recipient (transplant gate)', () => {
    const transplant = condition('http://hl7.org/fhir/sid/icd-10-cm', 'Z94.0');
    expect(
      codesFor({
        orders: [azathioprine(2), febuxostat],
        conditions: [lupusNephritis(), transplant],
      }),
    ).toEqual([]);
  });
});

describe('azathioprine-allopurinol (2b)', () => {
  it('warns at 150 mg/day and 70 kg (2.14 mg/kg/day), beside azathioprine-dose-high', () => {
    const decision = decisionFor({ orders: [azathioprine(3), allopurinol], results: [weighed(70)] });
    expect(decision.cards.map((c) => [c.source.topic?.code, c.summary])).toEqual([
      [
        'azathioprine-dose-high',
        'Azathioprine dose 2.14 mg/kg/day is above the LN maintenance range of 1.5–2 mg/kg/day',
      ],
      [
        'azathioprine-allopurinol',
        'Allopurinol with azathioprine 150 mg/day (2.14 mg/kg): label requires ⅓–¼ of the usual azathioprine dose',
      ],
    ]);
    expect(decision.cards[1]?.indicator).toBe('warning');
  });

  it.each<[string, number, string[]]>([
    ['50 mg/day at 75 kg is 0.67 mg/kg/day: already reduced, silent', 75, []],
    ['50 mg/day at 73.5 kg is 0.68 mg/kg/day: warns', 73.5, ['azathioprine-allopurinol']],
  ])('%s', (_name, kg, expected) => {
    expect(
      codesFor({ orders: [azathioprine(1, 'QD', '2024-01-10'), allopurinol], results: [weighed(kg)] }),
    ).toEqual(expected);
  });

  it('says why it is silent at 0.67 mg/kg/day', () => {
    const { notes } = decisionFor({ orders: [azathioprine(1), allopurinol], results: [weighed(75)] });
    expect(notes).toContain('azathioprine-allopurinol: azathioprine dose already reduced for allopurinol');
  });

  it('reads the limit from the targets file', () => {
    const targets = { ...DEFAULT_TARGETS, azathioprineWithAllopurinol: { maxMgPerKgPerDay: 0.7 } };
    expect(codesFor({ orders: [azathioprine(1), allopurinol], results: [weighed(73.5)], targets })).toEqual(
      [],
    );
  });

  it('still warns when no weight was recorded, and says the dose was not checked', () => {
    const decision = decisionFor({ orders: [azathioprine(3), allopurinol] });
    expect(decision.cards.map((c) => c.summary)).toEqual([
      'Allopurinol with azathioprine: label requires ⅓–¼ of the usual azathioprine dose (dose not checked)',
    ]);
    expect(decision.cards[0]?.detail).toContain(
      'The azathioprine dose was not checked: no body weight in the last 12 months.',
    );
  });

  it('uses a weight exactly 12 months old, but not one older (then the dose is not checked)', () => {
    const onTheDay = decisionFor({
      orders: [azathioprine(1), allopurinol],
      results: [weighed(75, monthsBeforeNow(12))],
    });
    expect(onTheDay.cards).toEqual([]);
    const older = decisionFor({
      orders: [azathioprine(1), allopurinol],
      results: [weighed(75, monthsBeforeNow(12, -1))],
    });
    expect(older.cards.map((c) => c.summary)).toEqual([
      'Allopurinol with azathioprine: label requires ⅓–¼ of the usual azathioprine dose (dose not checked)',
    ]);
    expect(older.notes).toContain('azathioprine-allopurinol: no body weight in the last 12 months');
  });

  it('still warns when the azathioprine dose cannot be read, and says the dose was not checked', () => {
    const unreadable = { ...azathioprine(1), dosageInstruction: [{ text: 'as directed' }] };
    const decision = decisionFor({ orders: [unreadable, allopurinol], results: [weighed(75)] });
    expect(decision.cards.map((c) => c.summary)).toEqual([
      'Allopurinol with azathioprine: label requires ⅓–¼ of the usual azathioprine dose (dose not checked)',
    ]);
    expect(decision.cards[0]?.detail).toContain(
      'The azathioprine dose was not checked: the azathioprine daily dose could not be read.',
    );
  });

  it('reads the draft, not the active order, when azathioprine is being reduced (the draft supersedes)', () => {
    expect(
      codesFor({
        orders: [azathioprine(3), allopurinol],
        drafts: [azathioprineDraft(1)],
        results: [weighed(75)],
      }),
    ).toEqual([]);
  });

  it('is silent when a draft stops allopurinol', () => {
    expect(
      codesFor({
        orders: [azathioprine(3), allopurinol],
        drafts: [stopping(allopurinol, 'allo-stop')],
        results: [weighed(70)],
      }),
    ).toEqual(['azathioprine-dose-high']);
  });

  it('is silent when a draft stops azathioprine', () => {
    expect(
      codesFor({
        orders: [azathioprine(3, 'QD', '2022-01-10'), allopurinol],
        drafts: [stopping(azathioprine(3), 'aza-stop')],
        results: [weighed(75)],
      }),
    ).toEqual([]);
  });

  it('fires when allopurinol is drafted for a patient on full-dose azathioprine, without a dose suggestion', () => {
    const allopurinolDraft = draftOf({
      id: 'allo-draft',
      rxnorm: '197319',
      name: 'allopurinol 100 MG Oral Tablet',
      dose: [1, '{tbl}'],
      timing: 'QD',
      sig: '1 tablet once daily',
    });
    const decision = decisionFor({
      orders: [azathioprine(2)],
      drafts: [allopurinolDraft],
      results: [weighed(70)],
    });
    const card = decision.cards.find((c) => c.source.topic?.code === 'azathioprine-allopurinol');
    expect(card?.summary).toBe(
      'Allopurinol with azathioprine 100 mg/day (1.43 mg/kg): label requires ⅓–¼ of the usual azathioprine dose',
    );
    expect(card?.suggestions).toBeUndefined();
  });

  describe('the dose suggestion (order hooks, azathioprine drafted)', () => {
    it('proposes the largest whole-tablet dose at or below 0.67 mg/kg/day: 1 × 50 mg once daily at 80 kg', () => {
      const decision = decisionFor({
        orders: [allopurinol],
        drafts: [azathioprineDraft(3)],
        results: [weighed(80)],
      });
      expect(decision.cards[0]?.suggestions?.map((s) => s.label)).toEqual([
        'Change to 1 × 50 mg tablet once daily (50 mg/day)',
      ]);
    });

    it('proposes 2 × 25 mg tablets once daily at 80 kg for a 25 mg product', () => {
      const draft = draftOf({
        id: 'aza25',
        rxnorm: '199310',
        name: 'azathioprine 25 MG Oral Tablet',
        dose: [4, '{tbl}'],
        timing: 'QD',
        sig: '4 tablets once daily',
      });
      const decision = decisionFor({ orders: [allopurinol], drafts: [draft], results: [weighed(80)] });
      expect(decision.cards[0]?.suggestions?.map((s) => s.label)).toEqual([
        'Change to 2 × 25 mg tablets once daily (50 mg/day)',
      ]);
    });

    it('proposes nothing when not one tablet per dose fits: 50 mg twice daily at 70 kg (limit 46.9 mg/day)', () => {
      const decision = decisionFor({
        orders: [allopurinol],
        drafts: [azathioprineDraft(1, 'BID')],
        results: [weighed(70)],
      });
      expect(decision.cards.map((c) => c.source.topic?.code)).toEqual(['azathioprine-allopurinol']);
      expect(decision.cards[0]?.suggestions).toBeUndefined();
    });

    it('proposes nothing when the tablet strength is unknown (never a guessed strength)', () => {
      const unknownStrength = byName(
        'azathioprine',
        { id: 'aza-mg', dose: [150, 'mg'], timing: 'QD', sig: '150 mg once daily' },
        true,
      );
      const decision = decisionFor({
        orders: [allopurinol],
        drafts: [unknownStrength],
        results: [weighed(80)],
      });
      expect(decision.cards.map((c) => c.source.topic?.code)).toEqual(['azathioprine-allopurinol']);
      expect(decision.cards[0]?.suggestions).toBeUndefined();
    });

    it('proposes nothing when the dose was not checked (no weight)', () => {
      const decision = decisionFor({ orders: [allopurinol], drafts: [azathioprineDraft(3)] });
      expect(decision.cards[0]?.suggestions).toBeUndefined();
    });
  });
});

describe('azathioprine-dose-low while allopurinol is on (§5.1)', () => {
  const month10 = '2025-08-05';

  it('is silent for 25 mg/day at 60 kg (0.42 mg/kg/day) in month 10 with allopurinol, and says why', () => {
    const aza25 = prescription({
      id: 'aza25',
      rxnorm: '199310',
      name: 'azathioprine 25 MG Oral Tablet',
      dose: [25, 'mg'],
      timing: 'QD',
      sig: '25 mg once daily',
      start: month10,
    });
    const decision = decisionFor({ orders: [aza25, allopurinol], results: [weighed(60)] });
    expect(decision.cards).toEqual([]);
    expect(decision.notes).toContain(
      'azathioprine-dose-low: allopurinol is on, a reduced azathioprine dose is intended (azathioprine-allopurinol)',
    );
    // Without allopurinol the same dose is low.
    expect(codesFor({ orders: [aza25], results: [weighed(60)] })).toEqual(['azathioprine-dose-low']);
  });

  it('warns again about a low dose once a draft stops allopurinol', () => {
    expect(
      codesFor({
        orders: [azathioprine(1, 'QD', month10), allopurinol],
        drafts: [stopping(allopurinol, 'allo-stop')],
        results: [weighed(60)],
      }),
    ).toEqual(['azathioprine-dose-low']);
  });
});
