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
