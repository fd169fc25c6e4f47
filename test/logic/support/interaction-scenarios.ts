import { decide, type Decision } from '../../../src/logic/decide';
import { DEFAULT_TARGETS, type Targets } from '../../../src/logic/targets';
import { NOW, lupusNephritis, sequentialIds } from '../record-builders';
import { draftOf, prescription, type Prescription, type Situation } from './card-scenarios';

/**
 * Patients for the interaction rules of the second wave (azathioprine with febuxostat or
 * allopurinol, voclosporin with a strong CYP3A4 inhibitor): orders as an EHR writes them, decided
 * with the fixed NOW (2026-06-01T09:00Z), with the debug notes.
 */
export interface InteractionSituation extends Situation {
  readonly conditions?: readonly fhir4.Condition[];
  readonly targets?: Targets;
}

export function decisionFor(situation: InteractionSituation): Decision {
  const hook = situation.hook ?? (situation.drafts ? 'order-sign' : 'patient-view');
  return decide({
    record: {
      hook,
      patientId: 'pt',
      conditions: [...(situation.conditions ?? [lupusNephritis()])],
      medicationRequests: [...(situation.orders ?? [])],
      medications: [],
      observations: [...(situation.results ?? [])],
      draftOrders: [...(situation.drafts ?? [])],
    },
    now: NOW,
    newId: sequentialIds(),
    targets: situation.targets ?? DEFAULT_TARGETS,
  });
}

export function codesFor(situation: InteractionSituation): (string | undefined)[] {
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
