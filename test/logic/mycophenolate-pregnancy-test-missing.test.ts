import { decide } from '../../src/logic/decide';
import type { OptionalData, PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { NOW, lupusNephritis, mmf, order, record, sequentialIds } from './record-builders';
import { hcg, pregnancyCondition, woman } from './support/pregnancy-builders';

/**
 * clinical-rules-wave2.md rule 7b: a new mycophenolate start for a female patient aged 12–50
 * without a qualitative hCG in the last 7 days (NOW = 2026-06-01T09:00Z: the window opens at
 * 2026-05-25T09:00Z; the 90-day look-back at 2026-03-03T09:00Z).
 */
const CODE = 'mycophenolate-pregnancy-test-missing';

function decideWith(parts: Partial<PatientRecord>) {
  return decide({ record: record(parts), now: NOW, newId: sequentialIds(), targets: DEFAULT_TARGETS });
}
const codes = (parts: Partial<PatientRecord>) =>
  decideWith(parts).cards.map((card) => card.source.topic?.code);
const fires = (parts: Partial<PatientRecord>): boolean => codes(parts).includes(CODE);

/** MMF 1 g twice daily drafted today, as a first start (in induction: no dose card). */
const newMmf = mmf({ id: 'mmf-draft', status: 'draft', start: '2026-06-01T09:00:00Z', doseMg: 1000 });

/** A 38-year-old woman (born 12 April 1988) being started on MMF, with these extra parts. */
const startingMmf = (parts: Partial<PatientRecord> = {}): Partial<PatientRecord> => ({
  hook: 'order-sign',
  patient: woman('1988-04-12'),
  draftOrders: [newMmf],
  ...parts,
});

describe('mycophenolate-pregnancy-test-missing (rule 7b)', () => {
  it('reminds, as info, to test a 38-year-old woman started on MMF with no hCG on record', () => {
    const decision = decideWith(startingMmf());
    expect(decision.cards.map((card) => card.source.topic?.code)).toEqual([CODE]);
    const [card] = decision.cards;
    expect(card?.indicator).toBe('info');
    expect(card?.summary).toBe(
      'Starting mycophenolate: no pregnancy test in the last 7 days (label: test immediately before starting and 8–10 days later)',
    );
    expect(card?.suggestions?.[0]?.label).toBe('Order serum pregnancy test');
    const action = card?.suggestions?.[0]?.actions?.[0];
    expect(action?.type).toBe('create');
    expect((action?.resource as fhir4.ServiceRequest).code?.coding?.[0]?.code).toBe('2118-8');
  });

  it('links both the CellCept and the Myfortic label when the draft says only "mycophenolate"', () => {
    const bare = order({ id: 'bare', status: 'draft', text: 'mycophenolate', start: '2026-06-01T09:00:00Z' });
    const [card] = decideWith(startingMmf({ draftOrders: [bare] })).cards;
    expect(card?.links?.map((link) => link.label)).toEqual([
      'CellCept (mycophenolate mofetil) prescribing information (DailyMed)',
      'Myfortic (mycophenolic acid) prescribing information (DailyMed search)',
    ]);
  });

  it('is silent after a negative serum hCG on 29 May', () => {
    expect(
      fires(startingMmf({ observations: [hcg('negative', '2026-05-29T09:00:00Z', { loinc: '2118-8' })] })),
    ).toBe(false);
  });

  it('counts a test exactly 7 days old, and not one a second older', () => {
    expect(fires(startingMmf({ observations: [hcg('negative', '2026-05-25T09:00:00Z')] }))).toBe(false);
    expect(fires(startingMmf({ observations: [hcg('negative', '2026-05-25T08:59:59Z')] }))).toBe(true);
  });

  it('counts a test whose answer cannot be read: a test was done', () => {
    expect(fires(startingMmf({ observations: [hcg('unreadable', '2026-05-30T09:00:00Z')] }))).toBe(false);
  });

  it('does not count a cancelled test, nor one dated after now', () => {
    expect(
      fires(
        startingMmf({ observations: [hcg('negative', '2026-05-30T09:00:00Z', { status: 'cancelled' })] }),
      ),
    ).toBe(true);
    expect(fires(startingMmf({ observations: [hcg('negative', '2026-06-02T09:00:00Z')] }))).toBe(true);
  });

  it('is silent with a pregnancy test that has no date (it may be recent), and says why', () => {
    const decision = decideWith(startingMmf({ observations: [hcg('negative', undefined)] }));
    expect(decision.cards).toEqual([]);
    expect(decision.notes).toContain(`${CODE}: a pregnancy test without a readable date may be recent`);
  });

  it('gives way to the critical pregnancy card when the test in the window is positive', () => {
    expect(codes(startingMmf({ observations: [hcg('positive', '2026-05-30T09:00:00Z')] }))).toEqual([
      'pregnancy-teratogenic-drug',
    ]);
  });

  it('gives way to the critical pregnancy card when a pregnancy is already recorded', () => {
    const conditions = [lupusNephritis(), pregnancyCondition({ onsetDateTime: '2026-04-20' })];
    expect(codes(startingMmf({ conditions }))).toEqual(['pregnancy-teratogenic-drug']);
  });

  it('is silent for a male patient', () => {
    expect(fires(startingMmf({ patient: woman('1988-04-12', 'male') }))).toBe(false);
  });

  it('is silent, with a note, when the Patient has no gender or no birth date', () => {
    const noGender = decideWith(startingMmf({ patient: woman('1988-04-12', null) }));
    expect(noGender.cards).toEqual([]);
    expect(noGender.notes).toContain(`${CODE}: no gender recorded`);
    const noBirthDate = decideWith(startingMmf({ patient: woman(undefined) }));
    expect(noBirthDate.cards).toEqual([]);
    expect(noBirthDate.notes).toContain(`${CODE}: no birth date`);
  });

  it('is silent, with a note, when the Patient could not be read', () => {
    const decision = decideWith(
      startingMmf({ patient: undefined, unavailable: new Set<OptionalData>(['patient']) }),
    );
    expect(decision.cards).toEqual([]);
    expect(decision.notes).toContain(`${CODE}: patient unavailable`);
  });

  it('is silent, with a note, when pregnancy tests could not be read', () => {
    const decision = decideWith(startingMmf({ unavailable: new Set<OptionalData>(['pregnancy']) }));
    expect(decision.cards).toEqual([]);
    expect(decision.notes).toContain(`${CODE}: pregnancy tests unavailable`);
  });

  it('includes a girl on her 12th birthday, not the day before', () => {
    expect(fires(startingMmf({ patient: woman('2014-06-01') }))).toBe(true);
    expect(fires(startingMmf({ patient: woman('2014-06-02') }))).toBe(false);
  });

  it('includes a woman aged 50 until the day before her 51st birthday', () => {
    expect(fires(startingMmf({ patient: woman('1975-06-02') }))).toBe(true);
    expect(fires(startingMmf({ patient: woman('1975-06-01') }))).toBe(false);
  });

  it('is silent when a partial birth date (1975) cannot tell 50 from 51', () => {
    const decision = decideWith(startingMmf({ patient: woman('1975') }));
    expect(decision.cards).toEqual([]);
    expect(decision.notes).toContain(`${CODE}: partial birth date at the age band's edge`);
    expect(fires(startingMmf({ patient: woman('1990-03') }))).toBe(true);
  });

  it('is silent for a renewal: MMF already active', () => {
    expect(fires(startingMmf({ medicationRequests: [mmf({ start: '2025-01-10', doseMg: 1000 })] }))).toBe(
      false,
    );
  });

  it('treats MMF that ended exactly 90 days ago as a renewal, and 91 days ago as a new start', () => {
    const ended = (end: string) => mmf({ status: 'completed', start: '2025-06-01', end, doseMg: 1000 });
    expect(fires(startingMmf({ medicationRequests: [ended('2026-03-03T09:00:00Z')] }))).toBe(false);
    expect(fires(startingMmf({ medicationRequests: [ended('2026-03-02T09:00:00Z')] }))).toBe(true);
  });

  it('treats a stopped MMF order without an end as running until now: a renewal', () => {
    expect(
      fires(startingMmf({ medicationRequests: [mmf({ status: 'stopped', start: '2024-01-10' })] })),
    ).toBe(false);
  });

  it('is silent when the draft stops MMF', () => {
    expect(
      fires(startingMmf({ draftOrders: [mmf({ id: 'stop', status: 'stopped', start: '2026-06-01' })] })),
    ).toBe(false);
  });

  it('is silent in patient-view (there is no start being written)', () => {
    expect(fires({ patient: woman('1988-04-12'), medicationRequests: [mmf({ start: '2026-05-30' })] })).toBe(
      false,
    );
  });
});
