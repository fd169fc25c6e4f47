import { condition, lupusNephritis, order, result, tacrolimus } from './record-builders';
import { egfrResult, scenariosOf } from './support/rule-scenarios';

/**
 * clinical-rules-wave2.md §4.4 rule 4a, now = 2026-06-01T09:00Z. Scenarios have their creatinine
 * results read (nothing unavailable) unless they say otherwise.
 */
const CODE = 'cni-kidney-function-overdue';

const { decideWith, cardsOf, fires } = scenariosOf(CODE);

const egfr = (date: string) => egfrResult(85, date);
const creatinine = (date: string, unit = 'mg/dL') => result({ loinc: '2160-0', value: 1.1, unit, date });
const voclosporin = (start: string, extra: Parameters<typeof order>[0] = {}) =>
  order({ text: 'voclosporin 7.9 MG Oral Capsule [Lupkynis]', start, doseMg: 23.7, ...extra });
const cyclosporine = (start: string) => order({ rxnorm: '3008', text: 'cyclosporine 100 mg capsule', start });

describe('cni-kidney-function-overdue (wave 2 §4.4, 4a)', () => {
  it('reminds when tacrolimus runs since January 2025 and the last eGFR and creatinine are from January and February', () => {
    const cards = cardsOf({
      medicationRequests: [tacrolimus({ start: '2025-01-10' })],
      observations: [egfr('2026-01-15'), creatinine('2026-02-01')],
    });
    expect(cards.map((card) => [card.summary, card.indicator])).toEqual([
      [
        'No eGFR or creatinine in the last 90 days on tacrolimus (since 2025-01-10): kidney function check due',
        'info',
      ],
    ]);
  });

  it('counts a creatinine whose unit cannot be read: a result was drawn (page example)', () => {
    const observations = [egfr('2026-01-15'), creatinine('2026-05-02', 'furlongs')];
    expect(fires({ medicationRequests: [tacrolimus()], observations })).toBe(false);
  });

  it('counts an eGFR alone, and a creatinine alone, as a kidney function check', () => {
    expect(fires({ medicationRequests: [tacrolimus()], observations: [egfr('2026-05-02')] })).toBe(false);
    expect(fires({ medicationRequests: [tacrolimus()], observations: [creatinine('2026-05-02')] })).toBe(
      false,
    );
  });

  it('does not count a cancelled or entered-in-error eGFR', () => {
    const observations = [
      result({
        loinc: '98979-8',
        value: 80,
        unit: 'mL/min/{1.73_m2}',
        date: '2026-05-02',
        status: 'cancelled',
      }),
      result({ loinc: '2160-0', value: 1, unit: 'mg/dL', date: '2026-05-02', status: 'entered-in-error' }),
    ];
    expect(fires({ medicationRequests: [tacrolimus()], observations })).toBe(true);
  });

  it('reminds on voclosporin since March with the last eGFR 37 days ago: the Lupkynis window is 28 days', () => {
    const cards = cardsOf({
      medicationRequests: [voclosporin('2026-03-01')],
      observations: [egfr('2026-04-25')],
    });
    expect(cards.map((card) => card.summary)).toEqual([
      'No eGFR or creatinine in the last 28 days on voclosporin (since 2026-03-01): kidney function check due',
    ]);
  });

  describe('window edges (inclusive, §7)', () => {
    it('is due for tacrolimus started exactly 90 days ago, not one second later', () => {
      expect(fires({ medicationRequests: [tacrolimus({ start: '2026-03-03T09:00:00Z' })] })).toBe(true);
      expect(fires({ medicationRequests: [tacrolimus({ start: '2026-03-03T09:00:01Z' })] })).toBe(false);
    });

    it('counts a result exactly 90 days old, not one a second older', () => {
      expect(
        fires({ medicationRequests: [tacrolimus()], observations: [egfr('2026-03-03T09:00:00Z')] }),
      ).toBe(false);
      expect(
        fires({ medicationRequests: [tacrolimus()], observations: [egfr('2026-03-03T08:59:59Z')] }),
      ).toBe(true);
    });

    it('uses 28 days for voclosporin: started exactly 28 days ago is due, a creatinine exactly 28 days old counts', () => {
      expect(fires({ medicationRequests: [voclosporin('2026-05-04T09:00:00Z')] })).toBe(true);
      expect(fires({ medicationRequests: [voclosporin('2026-05-04T09:00:01Z')] })).toBe(false);
      const onVoclosporin = { medicationRequests: [voclosporin('2026-01-02')] };
      expect(fires({ ...onVoclosporin, observations: [creatinine('2026-05-04T09:00:00Z')] })).toBe(false);
      expect(fires({ ...onVoclosporin, observations: [creatinine('2026-05-04T08:59:59Z')] })).toBe(true);
    });

    it('uses 90 days for cyclosporine', () => {
      const onCyclosporine = { medicationRequests: [cyclosporine('2025-06-01')] };
      expect(fires({ ...onCyclosporine, observations: [egfr('2026-03-04')] })).toBe(false);
      expect(
        cardsOf({ ...onCyclosporine, observations: [egfr('2026-03-02')] }).map((c) => c.summary),
      ).toEqual([
        'No eGFR or creatinine in the last 90 days on cyclosporine (since 2025-06-01): kidney function check due',
      ]);
    });

    it('counts from the first start: a renewal last month does not reset it (§7)', () => {
      const first = tacrolimus({ start: '2025-01-10', end: '2026-05-01', status: 'completed' });
      const renewal = tacrolimus({ start: '2026-05-01' });
      expect(fires({ medicationRequests: [first, renewal] })).toBe(true);
    });
  });

  it('gives one card for two calcineurin inhibitors, naming both and quoting the shorter window', () => {
    const cards = cardsOf({
      medicationRequests: [tacrolimus({ start: '2025-01-10' }), voclosporin('2026-03-01')],
      observations: [egfr('2026-02-01')],
    });
    expect(cards.map((card) => card.summary)).toEqual([
      'No eGFR or creatinine in the last 28 days on voclosporin (since 2026-03-01) and tacrolimus (since 2025-01-10): kidney function check due',
    ]);
  });

  it('names only the overdue drug when the other is within its own window', () => {
    const cards = cardsOf({
      medicationRequests: [tacrolimus({ start: '2025-01-10' }), voclosporin('2026-03-01')],
      observations: [egfr('2026-04-22')],
    });
    expect(cards.map((card) => card.summary)).toEqual([
      'No eGFR or creatinine in the last 28 days on voclosporin (since 2026-03-01): kidney function check due',
    ]);
  });

  it('is silent when the creatinine results could not be read, and says why', () => {
    const decision = decideWith({
      medicationRequests: [tacrolimus()],
      observations: [egfr('2026-01-15')],
      unavailable: new Set(['creatinine']),
    });
    expect(decision.cards.filter((card) => card.source.topic?.code === CODE)).toEqual([]);
    expect(decision.notes).toContain(
      'cni-kidney-function-overdue: creatinine results unavailable, cannot tell whether kidney function was checked',
    );
  });

  it('is silent once tacrolimus has ended, and for a transplant recipient', () => {
    const ended = tacrolimus({ start: '2024-01-01', end: '2026-05-01' });
    expect(fires({ medicationRequests: [ended] })).toBe(false);
    const liver = condition('http://hl7.org/fhir/sid/icd-10-cm', 'Z94.4');
    expect(fires({ medicationRequests: [tacrolimus()], conditions: [lupusNephritis(), liver] })).toBe(false);
  });

  describe('order hooks', () => {
    const unrelated = order({ id: 'bp', text: 'amlodipine 5 mg', status: 'draft' });

    it('is silent when a draft stops tacrolimus', () => {
      const stop = tacrolimus({ id: 'tac-stop', status: 'stopped', start: '2026-06-01T09:00:00Z' });
      expect(fires({ hook: 'order-sign', medicationRequests: [tacrolimus()], draftOrders: [stop] })).toBe(
        false,
      );
    });

    it('reminds when tacrolimus is renewed by a draft, and when it is only active', () => {
      const renewal = tacrolimus({ id: 'tac-renew', status: 'draft', start: '2026-06-01T09:00:00Z' });
      expect(fires({ hook: 'order-sign', medicationRequests: [tacrolimus()], draftOrders: [renewal] })).toBe(
        true,
      );
      expect(
        fires({ hook: 'order-select', medicationRequests: [tacrolimus()], draftOrders: [unrelated] }),
      ).toBe(true);
    });

    it('proposes a serum creatinine (LOINC 2160-0) with eGFR', () => {
      const [card] = cardsOf({
        hook: 'order-select',
        medicationRequests: [tacrolimus()],
        draftOrders: [unrelated],
      });
      expect(card?.suggestions?.map((s) => s.label)).toEqual(['Order serum creatinine with eGFR']);
      expect(card?.suggestions?.[0]?.actions?.[0]).toMatchObject({
        type: 'create',
        resource: {
          resourceType: 'ServiceRequest',
          status: 'draft',
          intent: 'order',
          subject: { reference: 'Patient/pt' },
          code: { coding: [{ system: 'http://loinc.org', code: '2160-0' }] },
        },
      });
    });
  });
});
