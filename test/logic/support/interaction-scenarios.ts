import { NOW } from '../record-builders';
import { decisionFor, draftOf, prescription, type Prescription, type Situation } from './card-scenarios';

/**
 * Orders for the interaction rules of the second wave (azathioprine with febuxostat or
 * allopurinol, voclosporin with a strong CYP3A4 inhibitor), as an EHR writes them.
 */
export function codesFor(situation: Situation): (string | undefined)[] {
  return decisionFor(situation).cards.map((card) => card.source.topic?.code);
}

/** Drugs without a verified RxNorm code are ordered by name only (clinical-rules-wave2.md §1.1). */
export function byName(
  name: string,
  p: Omit<Prescription, 'rxnorm' | 'name'>,
  draft = false,
): fhir4.MedicationRequest {
  const order = (draft ? draftOf : prescription)({ ...p, rxnorm: '', name });
  return { ...order, medicationCodeableConcept: { text: name } };
}

/** A draft that stops (status stopped) the drug of `order`, as an EHR sends a discontinuation. */
export function stopping(order: fhir4.MedicationRequest, id: string): fhir4.MedicationRequest {
  return { ...order, id, status: 'stopped', authoredOn: NOW.toISOString() };
}

/** Lupkynis 7.9 mg capsules, 3 twice daily, since 2026-03-01 (ordered by name: no RxCUI). */
export const LUPKYNIS = byName('voclosporin 7.9 MG Oral Capsule [Lupkynis]', {
  id: 'vcs',
  dose: [3, '{capsule}'],
  timing: 'BID',
  sig: '3 capsules twice daily',
  start: '2026-03-01',
});

/** Allopurinol 100 mg tablets (RxNorm 197319), 1 once daily, since 2026-02-21. */
export const ALLOPURINOL_100 = prescription({
  id: 'allo',
  rxnorm: '197319',
  name: 'allopurinol 100 MG Oral Tablet',
  dose: [1, '{tbl}'],
  timing: 'QD',
  sig: '1 tablet once daily',
  start: '2026-02-21',
});
