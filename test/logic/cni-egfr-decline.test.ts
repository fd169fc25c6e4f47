import type { PatientRecord } from '../../src/logic/record/patient-record';
import { order, tacrolimus } from './record-builders';
import { egfrResult as egfr, scenariosOf } from './support/rule-scenarios';

/**
 * clinical-rules-wave2.md §4.4 rule 4b, now = 2026-06-01T09:00Z. The page's patient: tacrolimus
 * first started 2025-06-01, so the baseline window is 2025-03-03 … 2025-06-01 (both inclusive).
 */
const CODE = 'cni-egfr-decline';
const START = '2025-06-01T00:00:00Z';

const { cardsOf, fires } = scenariosOf(CODE);

const onTacrolimus = (...observations: fhir4.Observation[]): Partial<PatientRecord> => ({
  medicationRequests: [tacrolimus({ start: START })],
  observations,
});
const voclosporin = (extra: Parameters<typeof order>[0] = {}) =>
  order({ text: 'voclosporin 7.9 MG Oral Capsule [Lupkynis]', start: '2026-01-02', doseMg: 23.7, ...extra });
const cyclosporine = (start: string, end?: string) =>
  order({
    rxnorm: '3008',
    text: 'cyclosporine 100 mg capsule',
    start,
    end,
    status: end ? 'completed' : 'active',
  });

describe('cni-egfr-decline (wave 2 §4.4, 4b)', () => {
  it('warns when eGFR fell from 70 before tacrolimus to 52 (−25.71 %) (page example)', () => {
    const cards = cardsOf(onTacrolimus(egfr(70, '2025-05-20'), egfr(52, '2026-05-15')));
    expect(cards.map((card) => [card.summary, card.indicator])).toEqual([
      [
        'eGFR 52 is 25.71 % below the pre-tacrolimus baseline of 70 (2025-05-20): possible CNI nephrotoxicity',
        'warning',
      ],
    ]);
  });

  it('is silent for a decline of 18.6 % (57), and for 62 (≥ 60) (page examples)', () => {
    expect(fires(onTacrolimus(egfr(70, '2025-05-20'), egfr(57, '2026-05-15')))).toBe(false);
    expect(fires(onTacrolimus(egfr(70, '2025-05-20'), egfr(62, '2026-05-15')))).toBe(false);
  });

  it('is silent without an eGFR in the 90 days before tacrolimus was started (page example)', () => {
    expect(fires(onTacrolimus(egfr(70, '2025-03-02'), egfr(52, '2026-05-15')))).toBe(false);
  });

  describe('thresholds (percentages rounded to two decimals)', () => {
    it('is silent at exactly 20.00 % and fires at 20.01 %', () => {
      expect(fires(onTacrolimus(egfr(70, '2025-05-20'), egfr(56, '2026-05-15')))).toBe(false);
      expect(fires(onTacrolimus(egfr(70, '2025-05-20'), egfr(55.99, '2026-05-15')))).toBe(true);
    });

    it('is silent at an eGFR of 60 and fires at 59.9, with the same 25 % decline', () => {
      expect(fires(onTacrolimus(egfr(80, '2025-05-20'), egfr(60, '2026-05-15')))).toBe(false);
      expect(fires(onTacrolimus(egfr(80, '2025-05-20'), egfr(59.9, '2026-05-15')))).toBe(true);
    });
  });

  describe('baseline window S − 90 days … S (inclusive)', () => {
    it('takes a baseline exactly 90 days before the start, not one a second older', () => {
      expect(fires(onTacrolimus(egfr(70, '2025-03-03T00:00:00Z'), egfr(52, '2026-05-15')))).toBe(true);
      expect(fires(onTacrolimus(egfr(70, '2025-03-02T23:59:59Z'), egfr(52, '2026-05-15')))).toBe(false);
    });

    it('takes a baseline drawn at the start itself, not one a second after', () => {
      expect(fires(onTacrolimus(egfr(70, START), egfr(52, '2026-05-15')))).toBe(true);
      expect(fires(onTacrolimus(egfr(70, '2025-06-01T00:00:01Z'), egfr(52, '2026-05-15')))).toBe(false);
    });

    it('takes the latest eGFR of the window as the baseline', () => {
      const cards = cardsOf(
        onTacrolimus(egfr(90, '2025-04-01'), egfr(64, '2025-05-25'), egfr(52, '2026-05-15')),
      );
      expect(cards).toEqual([]);
    });

    it('is silent when the baseline cannot be read, even with a readable older one in the window', () => {
      const unreadable = egfr(70, '2025-05-20', { unit: 'furlongs' });
      expect(fires(onTacrolimus(egfr(75, '2025-04-01'), unreadable, egfr(52, '2026-05-15')))).toBe(false);
    });

    it('is silent when cyclosporine was active during the baseline window (baseline not CNI-free)', () => {
      const tacrolimusAfterCyclosporine = (cyclosporineOrder: fhir4.MedicationRequest) => ({
        medicationRequests: [cyclosporineOrder, tacrolimus({ start: START })],
        observations: [egfr(70, '2025-05-20'), egfr(52, '2026-05-15')],
      });
      expect(fires(tacrolimusAfterCyclosporine(cyclosporine('2025-01-01', '2025-03-10')))).toBe(false);
      expect(fires(tacrolimusAfterCyclosporine(cyclosporine('2025-01-01', '2025-03-02')))).toBe(true);
    });
  });

  describe('current eGFR', () => {
    it('is silent when the latest eGFR cannot be read, never falling back to an older one', () => {
      const latestUnreadable = egfr(50, '2026-05-20', { unit: 'furlongs' });
      expect(fires(onTacrolimus(egfr(70, '2025-05-20'), egfr(52, '2026-05-15'), latestUnreadable))).toBe(
        false,
      );
    });

    it('is silent when the latest eGFR is older than 90 days', () => {
      expect(fires(onTacrolimus(egfr(70, '2025-05-20'), egfr(52, '2026-03-03T08:59:59Z')))).toBe(false);
      expect(fires(onTacrolimus(egfr(70, '2025-05-20'), egfr(52, '2026-03-03T09:00:00Z')))).toBe(true);
    });

    it('is silent until an eGFR is drawn after the start (tacrolimus started 12 days ago)', () => {
      const recent = { medicationRequests: [tacrolimus({ start: '2026-05-20' })] };
      expect(fires({ ...recent, observations: [egfr(70, '2026-04-01'), egfr(52, '2026-05-15')] })).toBe(
        false,
      );
    });

    it('is silent when a value has a comparator (the decline cannot be computed)', () => {
      expect(fires(onTacrolimus(egfr(90, '2025-05-20', { comparator: '>' }), egfr(52, '2026-05-15')))).toBe(
        false,
      );
    });
  });

  it('is silent when a draft stops tacrolimus', () => {
    const stop = tacrolimus({ id: 'stop', status: 'stopped', start: '2026-06-01T09:00:00Z' });
    expect(
      fires({
        ...onTacrolimus(egfr(70, '2025-05-20'), egfr(52, '2026-05-15')),
        hook: 'order-sign',
        draftOrders: [stop],
      }),
    ).toBe(false);
  });

  describe('voclosporin (Lupkynis label bands)', () => {
    const baseline = egfr(70, '2025-12-23');
    const draft = (doseMg: number) =>
      voclosporin({ id: 'vcs-draft', status: 'draft', start: '2026-06-01T09:00:00Z', doseMg });

    it('proposes one capsule less per dose for a decline between 20 and 30 % (23.7 → 15.8 mg twice daily)', () => {
      const [card] = cardsOf({
        hook: 'order-sign',
        medicationRequests: [voclosporin()],
        draftOrders: [draft(23.7)],
        observations: [baseline, egfr(54, '2026-05-18')],
      });
      expect(card?.summary).toBe(
        'eGFR 54 is 22.86 % below the pre-voclosporin baseline of 70 (2025-12-23): possible CNI nephrotoxicity',
      );
      expect(card?.detail).toContain('reduce voclosporin by 7.9 mg twice daily and reassess within 2 weeks');
      expect(card?.suggestions?.map((s) => s.label)).toEqual([
        'Change to 2 × 7.9 mg capsules twice daily (31.6 mg/day)',
        'Repeat creatinine/eGFR within 2 weeks',
      ]);
      const update = card?.suggestions?.[0]?.actions?.[0]?.resource as fhir4.MedicationRequest;
      expect(update.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity?.value).toBe(15.8);
    });

    it('proposes no dose change at a decline of 30 % or more, and says the label discontinues', () => {
      const [card] = cardsOf({
        hook: 'order-sign',
        medicationRequests: [voclosporin()],
        draftOrders: [draft(23.7)],
        observations: [baseline, egfr(49, '2026-05-18')],
      });
      expect(card?.detail).toContain('discontinue voclosporin and reassess within 2 weeks');
      expect(card?.suggestions?.map((s) => s.label)).toEqual(['Repeat creatinine/eGFR within 2 weeks']);
    });

    it('proposes no dose change for a draft of one capsule (7.9 mg) per dose', () => {
      const [card] = cardsOf({
        hook: 'order-sign',
        medicationRequests: [voclosporin()],
        draftOrders: [draft(7.9)],
        observations: [baseline, egfr(54, '2026-05-18')],
      });
      expect(card?.suggestions?.map((s) => s.label)).toEqual(['Repeat creatinine/eGFR within 2 weeks']);
    });

    it('proposes no dose change in patient-view', () => {
      const [card] = cardsOf({
        medicationRequests: [voclosporin()],
        observations: [baseline, egfr(54, '2026-05-18')],
      });
      expect(card?.suggestions?.map((s) => s.label)).toEqual(['Repeat creatinine/eGFR within 2 weeks']);
    });

    it('is silent when tacrolimus was active in the 90 days before voclosporin (a switch)', () => {
      const switched = tacrolimus({ start: '2024-01-01', end: '2025-12-31', status: 'completed' });
      expect(
        fires({
          medicationRequests: [switched, voclosporin()],
          observations: [baseline, egfr(54, '2026-05-18')],
        }),
      ).toBe(false);
    });
  });
});
