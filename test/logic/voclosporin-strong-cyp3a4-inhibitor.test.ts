import { LOINC, PRODUCT, decisionFor, draftOf, lab, prescription } from './support/card-scenarios';
import { LUPKYNIS, byName, codesFor, stopping } from './support/interaction-scenarios';
import { condition, lupusNephritis } from './record-builders';

/**
 * clinical-rules-wave2.md 6a: voclosporin with a strong CYP3A4 inhibitor is contraindicated
 * (Lupkynis label §4, §7). Critical, all four hooks; a drafted inhibitor is offered for removal.
 */
const lupkynis = LUPKYNIS;
const mmf = prescription({
  id: 'mmf',
  ...PRODUCT.mmf500tab,
  dose: [2, '{tbl}'],
  timing: 'BID',
  sig: '2 tablets twice daily',
  start: '2026-03-01',
});
const clarithromycin = (id: string, draft = true) =>
  (draft ? draftOf : prescription)({
    id,
    ...PRODUCT.clarithromycin,
    dose: [500, 'mg'],
    timing: 'BID',
    sig: '500 mg twice daily',
    ...(draft ? {} : { start: '2026-05-27' }),
  });
const ritonavir = prescription({
  id: 'rtv',
  rxnorm: '85762',
  name: 'ritonavir 100 MG Oral Tablet',
  dose: [1, '{tbl}'],
  timing: 'QD',
  sig: '1 tablet once daily',
  start: '2025-06-01',
});
const itraconazoleDraft = byName(
  'itraconazole 100 MG Oral Capsule',
  { id: 'itra', dose: [2, '{capsule}'], timing: 'QD', sig: '2 capsules once daily' },
  true,
);
const CODE = 'voclosporin-strong-cyp3a4-inhibitor';
const cardsOf = (situation: Parameters<typeof decisionFor>[0]) =>
  decisionFor(situation).cards.filter((card) => card.source.topic?.code === CODE);

describe('voclosporin-strong-cyp3a4-inhibitor (6a)', () => {
  it('is critical when clarithromycin is drafted for a patient on voclosporin and MMF, with the last eGFR 37 days ago', () => {
    const [card, ...others] = cardsOf({
      hook: 'order-select',
      orders: [lupkynis, mmf],
      drafts: [clarithromycin('clari')],
      results: [lab('egfr', LOINC.egfr, 85, 'mL/min/{1.73_m2}', '2026-04-25T09:00:00Z')],
    });
    expect(others).toEqual([]);
    expect(card?.indicator).toBe('critical');
    expect(card?.summary).toBe(
      'Clarithromycin with voclosporin is contraindicated (Lupkynis label): strong CYP3A4 inhibition raises voclosporin exposure',
    );
    expect(card?.detail).toContain('(for example azithromycin for clarithromycin)');
    expect(card?.suggestions?.map((s) => s.actions)).toEqual([
      [
        {
          type: 'delete',
          description: 'Remove the clarithromycin order',
          resourceId: 'MedicationRequest/clari',
        },
      ],
    ]);
  });

  it.each(['order-sign', 'medication-prescribe'] as const)('fires in %s as in order-select', (hook) => {
    expect(cardsOf({ hook, orders: [lupkynis], drafts: [clarithromycin('clari')] })).toHaveLength(1);
  });

  it('fires in patient-view when both are active, without a suggestion', () => {
    const cards = cardsOf({ orders: [lupkynis, clarithromycin('clari', false)] });
    expect(cards).toHaveLength(1);
    expect(cards[0]?.suggestions).toBeUndefined();
  });

  it('names an inhibitor matched by name (itraconazole) and gives no azithromycin example for it', () => {
    const [card] = cardsOf({ hook: 'order-select', orders: [lupkynis], drafts: [itraconazoleDraft] });
    expect(card?.summary).toBe(
      'Itraconazole with voclosporin is contraindicated (Lupkynis label): strong CYP3A4 inhibition raises voclosporin exposure',
    );
    expect(card?.detail).not.toContain('azithromycin');
    expect(card?.suggestions?.[0]?.label).toBe('Remove the itraconazole order');
  });

  it('fires when voclosporin is drafted for a patient on ritonavir, without offering to remove ritonavir', () => {
    const voclosporinDraft = byName(
      'Lupkynis 7.9 MG Oral Capsule',
      { id: 'vcs-draft', dose: [3, '{capsule}'], timing: 'BID', sig: '3 capsules twice daily' },
      true,
    );
    const cards = cardsOf({ orders: [ritonavir], drafts: [voclosporinDraft] });
    expect(cards.map((c) => c.summary)).toEqual([
      'Ritonavir with voclosporin is contraindicated (Lupkynis label): strong CYP3A4 inhibition raises voclosporin exposure',
    ]);
    expect(cards[0]?.suggestions).toBeUndefined();
  });

  it('is silent when a draft stops the clarithromycin course', () => {
    expect(
      cardsOf({
        orders: [lupkynis, mmf, clarithromycin('clari', false)],
        drafts: [stopping(clarithromycin('x'), 'clari-stop')],
      }),
    ).toEqual([]);
  });

  it('is silent when a draft stops voclosporin', () => {
    expect(
      cardsOf({
        orders: [lupkynis, clarithromycin('clari', false)],
        drafts: [stopping(lupkynis, 'vcs-stop')],
      }),
    ).toEqual([]);
  });

  it('still fires about ritonavir when a draft stops only clarithromycin (one inhibitor does not end another)', () => {
    const cards = cardsOf({
      orders: [lupkynis, ritonavir, clarithromycin('clari', false)],
      drafts: [stopping(clarithromycin('x'), 'clari-stop')],
    });
    expect(cards.map((c) => c.summary)).toEqual([
      'Ritonavir with voclosporin is contraindicated (Lupkynis label): strong CYP3A4 inhibition raises voclosporin exposure',
    ]);
  });

  it('still fires about active ritonavir when clarithromycin is drafted, and offers to remove only the draft', () => {
    const [card] = cardsOf({
      hook: 'order-select',
      orders: [lupkynis, ritonavir],
      drafts: [clarithromycin('clari')],
    });
    expect(card?.summary).toBe(
      'Clarithromycin, ritonavir with voclosporin is contraindicated (Lupkynis label): strong CYP3A4 inhibition raises voclosporin exposure',
    );
    expect(card?.suggestions?.map((s) => s.label)).toEqual(['Remove the clarithromycin order']);
  });

  it('offers no removal when two inhibitors are drafted, and names both', () => {
    const [card] = cardsOf({
      hook: 'order-select',
      orders: [lupkynis],
      drafts: [clarithromycin('clari'), itraconazoleDraft],
    });
    expect(card?.summary).toBe(
      'Clarithromycin, itraconazole with voclosporin is contraindicated (Lupkynis label): strong CYP3A4 inhibition raises voclosporin exposure',
    );
    expect(card?.suggestions).toBeUndefined();
  });

  it('lists every inhibitor in the detail when the summary is clipped at 140 characters', () => {
    const [card] = cardsOf({
      hook: 'order-select',
      orders: [lupkynis, ritonavir],
      drafts: [clarithromycin('clari'), itraconazoleDraft],
    });
    expect(card?.summary.length).toBeLessThan(140);
    expect(card?.summary.endsWith('…')).toBe(true);
    expect(card?.detail).toContain('Strong CYP3A4 inhibitors: clarithromycin, itraconazole, ritonavir.');
  });

  it('ignores topical ketoconazole', () => {
    const cream = byName('ketoconazole 2% cream', {
      id: 'keto',
      dose: [1, 'g'],
      timing: 'BID',
      sig: 'apply twice daily',
    });
    expect(cardsOf({ orders: [lupkynis, cream] })).toEqual([]);
  });

  it('is silent without lupus nephritis (LN gate)', () => {
    expect(
      codesFor({
        orders: [lupkynis, clarithromycin('clari', false)],
        conditions: [condition('http://snomed.info/sct', '55464009')],
      }),
    ).toEqual([]);
  });

  it('is silent for a transplant recipient (transplant gate)', () => {
    const transplant = condition('http://hl7.org/fhir/sid/icd-10-cm', 'Z94.0');
    expect(
      codesFor({
        orders: [lupkynis, clarithromycin('clari', false)],
        conditions: [lupusNephritis(), transplant],
      }),
    ).toEqual([]);
  });
});
