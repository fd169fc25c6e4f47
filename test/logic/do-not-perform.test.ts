import { decide } from '../../src/logic/decide';
import type { PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { readRecordMedicationRequest } from '../../src/fhir/read-record';
import { NOW, mmf, order, record, sequentialIds, tacrolimus, tacrolimusLevel } from './record-builders';

/**
 * FHIR R4 MedicationRequest.doNotPerform is a modifier element
 * (https://hl7.org/fhir/R4/medicationrequest-definitions.html#MedicationRequest.doNotPerform):
 * "do not give azathioprine" is not azathioprine therapy. Counting it would raise wrong cards
 * (clinical-rules.md: a wrong card is worse than no card).
 */
function codesOf(parts: Partial<PatientRecord>): string[] {
  const decision = decide({
    record: record(parts),
    now: NOW,
    newId: sequentialIds(),
    targets: DEFAULT_TARGETS,
  });
  return decision.cards.map((card) => card.source.topic?.code ?? '');
}

const doNotGive = (request: fhir4.MedicationRequest): fhir4.MedicationRequest =>
  // Read through src/fhir as the service does, so the element survives the edge readers.
  readRecordMedicationRequest({ ...request, doNotPerform: true }, 0, []);

describe('an order not to give a drug (doNotPerform) is not therapy with it', () => {
  it('raises no overimmunosuppression card for MMF with "do not give azathioprine"', () => {
    const azathioprine = order({ rxnorm: '1256', start: '2025-02-01', doseMg: 50, timingCode: 'QD' });
    expect(codesOf({ medicationRequests: [mmf({ doseMg: 750 }), doNotGive(azathioprine)] })).toEqual([]);
  });

  it('raises no CYP3A4 card for tacrolimus with "do not give clarithromycin"', () => {
    const clarithromycin = order({ rxnorm: '21212', start: '2026-05-01', doseMg: 500 });
    expect(
      codesOf({
        medicationRequests: [tacrolimus(), doNotGive(clarithromycin)],
        observations: [tacrolimusLevel(5)],
      }),
    ).toEqual([]);
  });

  it('still warns for clarithromycin actually ordered with tacrolimus', () => {
    const clarithromycin = order({ rxnorm: '21212', start: '2026-05-01', doseMg: 500 });
    expect(
      codesOf({ medicationRequests: [tacrolimus(), clarithromycin], observations: [tacrolimusLevel(5)] }),
    ).toEqual(['tacrolimus-cyp3a4-interaction']);
  });
});
