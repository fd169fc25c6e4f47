import { decide } from '../../src/logic/decide';
import type { PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { NOW, condition, record, sequentialIds, tacrolimus, tacrolimusLevel } from './record-builders';

/** "Never block prescribing": bad data gives no card and a note, never an exception. */
function decideWith(parts: Partial<PatientRecord>) {
  return decide({ record: record(parts), now: NOW, newId: sequentialIds(), targets: DEFAULT_TARGETS });
}

describe('unexpected data', () => {
  it('does not throw when a condition code is a number instead of a string', () => {
    const broken = {
      ...condition('http://snomed.info/sct', 'x'),
      code: { coding: [{ system: 'http://snomed.info/sct', code: 36402006 }] },
    };
    expect(() => decideWith({ conditions: [broken as unknown as fhir4.Condition] })).not.toThrow();
  });

  it('keeps the other rules running when one order is malformed', () => {
    const malformed = {
      ...tacrolimus(),
      dosageInstruction: 'twice daily',
    } as unknown as fhir4.MedicationRequest;
    const decision = decideWith({
      medicationRequests: [malformed, tacrolimus()],
      observations: [tacrolimusLevel(3)],
    });
    expect(decision.cards.map((c) => c.source.topic?.code)).toEqual(['tacrolimus-trough-low']);
    expect(decision.notes).toContain('malformed medication order ignored');
  });

  it('writes notes without the record’s free text, ids or values', () => {
    const oddUnit = tacrolimusLevel(5, { id: 'obs-secret-id', unit: 'see Dr Jane Roe', system: null });
    const decision = decideWith({
      medicationRequests: [tacrolimus({ id: 'mr-secret-id' })],
      observations: [oddUnit],
    });
    expect(decision.cards).toEqual([]);
    expect(decision.notes).toEqual(
      expect.arrayContaining([expect.stringContaining('not a UCUM unit expression')]),
    );
    const joined = decision.notes.join(' ');
    for (const secret of ['Jane', 'Roe', 'secret', '5']) expect(joined).not.toContain(secret);
  });
});
