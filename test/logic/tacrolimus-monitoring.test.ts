import { decide } from '../../src/logic/decide';
import type { PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { NOW, order, record, sequentialIds, tacrolimus, tacrolimusLevel } from './record-builders';

function decideWith(parts: Partial<PatientRecord>) {
  return decide({ record: record(parts), now: NOW, newId: sequentialIds(), targets: DEFAULT_TARGETS });
}
const codes = (parts: Partial<PatientRecord>) => decideWith(parts).cards.map((c) => c.source.topic?.code);

describe('tacrolimus-trough-overdue (§5, §7)', () => {
  it('suggests a trough when tacrolimus started 150 days ago and no level was ever drawn', () => {
    const decision = decideWith({ medicationRequests: [tacrolimus({ start: '2026-01-02' })] });
    expect(decision.cards.map((c) => c.summary)).toEqual([
      'No tacrolimus level in the last 90 days (none on record): order a trough',
    ]);
    expect(decision.cards[0]?.indicator).toBe('info');
  });

  it('counts from exactly 90 days after the first start, not a second earlier', () => {
    expect(codes({ medicationRequests: [tacrolimus({ start: '2026-03-03T09:00:00Z' })] })).toEqual([
      'tacrolimus-trough-overdue',
    ]);
    expect(codes({ medicationRequests: [tacrolimus({ start: '2026-03-03T09:00:01Z' })] })).toEqual([]);
  });

  it('applies in induction too, counted from the first tacrolimus start (a renewal does not reset it)', () => {
    const first = tacrolimus({ start: '2026-02-01', status: 'completed', end: '2026-05-01' });
    const renewal = tacrolimus({ start: '2026-05-01' });
    expect(codes({ medicationRequests: [first, renewal] })).toEqual(['tacrolimus-trough-overdue']);
  });

  it('counts an unreadable level as a level: not overdue, and no trough card', () => {
    const unreadable = tacrolimusLevel(5, { unit: 'furlongs' });
    expect(codes({ medicationRequests: [tacrolimus()], observations: [unreadable] })).toEqual([]);
  });

  it('is not overdue with a level exactly 90 days old', () => {
    const level = tacrolimusLevel(5, { date: '2026-03-03T09:00:00Z' });
    expect(codes({ medicationRequests: [tacrolimus()], observations: [level] })).toEqual([]);
    const older = tacrolimusLevel(5, { date: '2026-03-03T08:59:59Z' });
    expect(codes({ medicationRequests: [tacrolimus()], observations: [older] })).toEqual([
      'tacrolimus-trough-overdue',
    ]);
  });

  it('is silent once tacrolimus is no longer active', () => {
    const ended = tacrolimus({ start: '2023-01-01', end: '2026-05-01' });
    const mmf = order({ rxnorm: '68149', start: '2023-01-01', doseMg: 1000 });
    expect(codes({ medicationRequests: [ended, mmf] })).toEqual([]);
  });

  it('offers a ServiceRequest for LOINC 77348-1 in an order hook, 12 h after the last dose', () => {
    const unrelated = order({ id: 'draft-bp', text: 'amlodipine 5 mg', status: 'draft' });
    const decision = decideWith({
      hook: 'order-select',
      medicationRequests: [tacrolimus()],
      draftOrders: [unrelated],
    });
    const suggestion = decision.cards[0]?.suggestions?.[0];
    expect(suggestion?.label).toBe('Order a tacrolimus trough level');
    expect(suggestion?.actions?.[0]).toMatchObject({
      type: 'create',
      resource: {
        resourceType: 'ServiceRequest',
        status: 'draft',
        intent: 'order',
        subject: { reference: 'Patient/pt' },
        code: { coding: [{ system: 'http://loinc.org', code: '77348-1' }] },
        note: [{ text: 'Draw as a trough 12 h after the last tacrolimus dose, before the next dose.' }],
      },
    });
  });

  it('asks for a sample about 24 h after the dose for once-daily Envarsus XR', () => {
    const envarsus = order({
      rxnorm: '1664461',
      text: 'Envarsus XR 1 mg',
      start: '2025-01-01',
      timingCode: 'QD',
    });
    const decision = decideWith({ hook: 'order-sign', medicationRequests: [envarsus], draftOrders: [] });
    const action = decision.cards[0]?.suggestions?.[0]?.actions?.[0];
    expect(JSON.stringify(action?.resource)).toContain('about 24 h after the last dose');
  });

  it('has no suggestion in patient-view', () => {
    const decision = decideWith({ medicationRequests: [tacrolimus()] });
    expect(decision.cards[0]?.suggestions).toBeUndefined();
  });
});

describe('tacrolimus-cyp3a4-interaction (§5)', () => {
  it('warns when clarithromycin is drafted for a patient on tacrolimus', () => {
    const clarithromycin = order({
      id: 'clari',
      rxnorm: '21212',
      text: 'clarithromycin 500 mg',
      status: 'draft',
    });
    const decision = decideWith({
      hook: 'order-select',
      medicationRequests: [tacrolimus()],
      observations: [tacrolimusLevel(5)],
      draftOrders: [clarithromycin],
    });
    expect(decision.cards.map((c) => c.summary)).toEqual([
      'Tacrolimus with clarithromycin: CYP3A4 inhibition raises tacrolimus levels; recheck the trough',
    ]);
    expect(decision.findings[0]?.draftOrderId).toBe('clari');
  });

  it('warns about an active inducer (rifampin) in patient-view', () => {
    const rifampin = order({ rxnorm: '9384', text: 'rifampin 600 mg', start: '2026-05-01' });
    const decision = decideWith({
      medicationRequests: [tacrolimus(), rifampin],
      observations: [tacrolimusLevel(5)],
    });
    expect(decision.cards[0]?.summary).toBe(
      'Tacrolimus with rifampin: CYP3A4 induction lowers tacrolimus levels; recheck the trough',
    );
  });

  it('is silent without tacrolimus, or when the inhibitor course has ended', () => {
    const mmf = order({ rxnorm: '68149', start: '2024-01-01', doseMg: 1000 });
    const voriconazole = order({ rxnorm: '121243', start: '2026-05-01' });
    expect(codes({ medicationRequests: [mmf, voriconazole] })).toEqual([]);
    const past = order({ rxnorm: '121243', start: '2026-04-01', end: '2026-04-15' });
    expect(codes({ medicationRequests: [tacrolimus(), past], observations: [tacrolimusLevel(5)] })).toEqual(
      [],
    );
  });

  it('ignores topical ketoconazole', () => {
    const cream = order({ text: 'ketoconazole 2% cream', start: '2026-05-01' });
    expect(codes({ medicationRequests: [tacrolimus(), cream], observations: [tacrolimusLevel(5)] })).toEqual(
      [],
    );
  });
});

describe('tacrolimus-cyp3a4-interaction: a draft ends only its own drug', () => {
  const clarithromycin = order({
    id: 'clari',
    rxnorm: '21212',
    text: 'clarithromycin 500 mg',
    start: '2026-05-27',
  });
  const stopClarithromycin = { ...clarithromycin, id: 'clari-stop', status: 'stopped' as const };
  const onTacrolimus = (others: fhir4.MedicationRequest[]): Partial<PatientRecord> => ({
    hook: 'order-sign',
    medicationRequests: [tacrolimus(), ...others],
    observations: [tacrolimusLevel(5)],
    draftOrders: [stopClarithromycin],
  });

  it('still warns about active voriconazole when a draft stops clarithromycin', () => {
    const voriconazole = order({
      id: 'vori',
      rxnorm: '121243',
      text: 'voriconazole 200 mg',
      start: '2026-05-01',
    });
    expect(decideWith(onTacrolimus([clarithromycin, voriconazole])).cards.map((c) => c.summary)).toEqual([
      'Tacrolimus with voriconazole: CYP3A4 inhibition raises tacrolimus levels; recheck the trough',
    ]);
  });

  it('is silent when a draft stops the only interacting drug', () => {
    expect(codes(onTacrolimus([clarithromycin]))).toEqual([]);
  });
});
