import { decide } from '../../src/logic/decide';
import type { OptionalData, PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { NOW, lupusNephritis, mmf, order, record, sequentialIds, tacrolimus } from './record-builders';
import { pregnancyCondition } from './support/pregnancy-builders';

function decideWith(parts: Partial<PatientRecord>) {
  return decide({ record: record(parts), now: NOW, newId: sequentialIds(), targets: DEFAULT_TARGETS });
}
const stoppedEarly = (parts: Partial<PatientRecord>) =>
  decideWith(parts).findings.filter((f) => f.code === 'immunosuppression-stopped-early');

describe('immunosuppression-stopped-early in order hooks (§5, §7)', () => {
  it('warns when the only immunosuppressant is stopped at month 14', () => {
    const decision = decideWith({
      hook: 'order-sign',
      medicationRequests: [mmf({ id: 'mmf', start: '2025-04-01T09:00:00Z' })],
      draftOrders: [mmf({ id: 'stop', status: 'stopped', start: '2026-06-01' })],
    });
    expect(decision.cards.map((c) => c.summary)).toEqual([
      'LN immunosuppression ends after 14 months; ≥ 36 months are recommended',
    ]);
    expect(decision.findings[0]?.draftOrderId).toBe('stop');
    expect(decision.cards[0]?.detail).toContain('repeat kidney biopsy');
    expect(decision.cards[0]?.detail).toContain('before 2 years');
  });

  it('warns when a draft gives the last immunosuppressant an end before 36 months', () => {
    const draft = mmf({ id: 'course', status: 'draft', start: '2026-06-01', end: '2027-01-01' });
    expect(
      stoppedEarly({
        hook: 'order-sign',
        medicationRequests: [mmf({ start: '2025-04-01' })],
        draftOrders: [draft],
      }),
    ).toHaveLength(1);
  });

  it('uses a strict 36-month boundary: an end exactly at start + 36 months is enough', () => {
    const start = '2024-08-31T00:00:00Z';
    const atBoundary = mmf({ id: 'd', status: 'draft', start: '2026-06-01', end: '2027-08-31T00:00:00Z' });
    expect(
      stoppedEarly({ hook: 'order-sign', medicationRequests: [mmf({ start })], draftOrders: [atBoundary] }),
    ).toEqual([]);
    const justBefore = mmf({ id: 'd', status: 'draft', start: '2026-06-01', end: '2027-08-30T23:59:59Z' });
    expect(
      stoppedEarly({ hook: 'order-sign', medicationRequests: [mmf({ start })], draftOrders: [justBefore] }),
    ).toHaveLength(1);
  });

  it('is silent when the stopped drug is one the patient is not on (nothing ends)', () => {
    const stopMmf = mmf({ id: 'stop', status: 'cancelled', start: '2026-06-01' });
    expect(stoppedEarly({ hook: 'order-sign', medicationRequests: [], draftOrders: [stopMmf] })).toEqual([]);
  });

  it('is silent when the stopped drug ended long ago and nothing else is given', () => {
    const oldCourse = mmf({ id: 'old', status: 'completed', start: '2025-01-01', end: '2025-06-01' });
    const stop = mmf({ id: 'stop', status: 'stopped', start: '2026-06-01' });
    expect(
      stoppedEarly({ hook: 'order-sign', medicationRequests: [oldCourse], draftOrders: [stop] }),
    ).toEqual([]);
  });

  it('is silent when another immunosuppressant continues without an end', () => {
    const stop = mmf({ id: 'stop', status: 'stopped' });
    expect(
      stoppedEarly({ hook: 'order-sign', medicationRequests: [mmf(), tacrolimus()], draftOrders: [stop] }),
    ).toEqual([]);
  });

  it('is silent after 36 months of therapy', () => {
    const stop = mmf({ id: 'stop', status: 'stopped' });
    expect(
      stoppedEarly({
        hook: 'order-sign',
        medicationRequests: [mmf({ start: '2023-01-01' })],
        draftOrders: [stop],
      }),
    ).toEqual([]);
  });

  it('never fires for an unrelated draft, even when the record already shows an early stop', () => {
    const ended = mmf({ start: '2025-04-01', status: 'completed', end: '2026-05-01' });
    const amlodipine = order({ text: 'amlodipine 5 mg', status: 'draft', end: '2026-07-01' });
    expect(
      stoppedEarly({ hook: 'order-sign', medicationRequests: [ended], draftOrders: [amlodipine] }),
    ).toEqual([]);
  });

  it('is silent for a dispense validity period: renewals are routine', () => {
    const renewal: fhir4.MedicationRequest = {
      ...mmf({ id: 'renew', status: 'draft', start: '2026-06-01' }),
      dispenseRequest: { validityPeriod: { start: '2026-06-01', end: '2026-09-01' } },
    };
    expect(
      stoppedEarly({
        hook: 'order-sign',
        medicationRequests: [mmf({ start: '2025-04-01' })],
        draftOrders: [renewal],
      }),
    ).toEqual([]);
  });
});

describe('immunosuppression-stopped-early in patient-view (§5, §7)', () => {
  it('warns when therapy stopped 2 months ago after 12 months', () => {
    const ended = mmf({ start: '2025-04-01', status: 'completed', end: '2026-04-01' });
    expect(stoppedEarly({ medicationRequests: [ended] }).map((f) => f.facts?.monthsCompleted)).toEqual([12]);
  });

  it('counts a stop without an end date as now', () => {
    const stopped = mmf({ start: '2025-04-01', status: 'stopped' });
    expect(stoppedEarly({ medicationRequests: [stopped] })).toHaveLength(1);
  });

  it('looks back exactly 12 months', () => {
    const atEdge = mmf({ start: '2024-12-01', status: 'completed', end: '2025-06-01T09:00:00Z' });
    expect(stoppedEarly({ medicationRequests: [atEdge] })).toHaveLength(1);
    const older = mmf({ start: '2024-12-01', status: 'completed', end: '2025-06-01T08:59:59Z' });
    expect(stoppedEarly({ medicationRequests: [older] })).toEqual([]);
  });

  it('is silent while any LN immunosuppressant is still active', () => {
    const ended = mmf({ start: '2025-04-01', status: 'completed', end: '2026-04-01' });
    const aza = order({ rxnorm: '1256', start: '2026-04-01' });
    expect(stoppedEarly({ medicationRequests: [ended, aza] })).toEqual([]);
  });

  it('is silent when only a glucocorticoid was ever given', () => {
    const prednisone = order({ rxnorm: '8640', start: '2025-04-01', status: 'completed', end: '2026-04-01' });
    expect(stoppedEarly({ medicationRequests: [prednisone] })).toEqual([]);
  });
});

describe('immunosuppression-stopped-early with a pregnancy recorded (wave 2 §5.3)', () => {
  const stopMmfAtMonth14 = {
    hook: 'order-sign' as const,
    medicationRequests: [mmf({ id: 'mmf', start: '2025-04-01T09:00:00Z' })],
    draftOrders: [mmf({ id: 'stop', status: 'stopped', start: '2026-06-01' })],
  };
  const detailOf = (parts: Partial<PatientRecord>) =>
    decideWith(parts).cards.find((card) => card.source.topic?.code === 'immunosuppression-stopped-early')?.detail;

  it('advises a pregnancy-compatible agent instead of continuing MMF when a pregnancy is recorded', () => {
    const detail = detailOf({
      ...stopMmfAtMonth14,
      conditions: [lupusNephritis(), pregnancyCondition({ onsetDateTime: '2026-04-20' })],
    });
    expect(detail).toContain(
      'Pregnancy is recorded (2026-04-20): rather than stopping, switch to a pregnancy-compatible agent (azathioprine, tacrolimus).',
    );
    expect(detail).not.toContain('stopping MMF before 2 years');
  });

  it('keeps the usual wording when the pregnancy ended before now', () => {
    const ended = pregnancyCondition({ onsetDateTime: '2025-09-01', abatementDateTime: '2026-05-15' });
    const detail = detailOf({ ...stopMmfAtMonth14, conditions: [lupusNephritis(), ended] });
    expect(detail).toContain('stopping MMF before 2 years was linked to more flares');
    expect(detail).not.toContain('pregnancy-compatible');
  });

  it('keeps the usual wording when pregnancy tests could not be read', () => {
    const detail = detailOf({
      ...stopMmfAtMonth14,
      conditions: [lupusNephritis(), pregnancyCondition({ onsetDateTime: '2026-04-20' })],
      unavailable: new Set<OptionalData>(['pregnancy']),
    });
    expect(detail).toContain('stopping MMF before 2 years was linked to more flares');
  });
});
