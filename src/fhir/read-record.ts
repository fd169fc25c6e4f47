import { readIntent, readMedication, readMedicationChoice, readStatus } from './draft-orders';
import type { FhirResource } from './prefetch';
import {
  compact,
  readBoolean,
  readCodeableConcept,
  readDosage,
  readList,
  put,
  readPeriod,
  readQuantity,
  readReference,
  readString,
} from './r4-elements';

/**
 * Type guards at the edge (STYLE.md, after panva/jose): the record's resources arrive as JSON of
 * unknown quality and leave as typed R4 holding only the elements the rules read. An element of
 * the wrong shape is dropped — the rule that needed it stays silent — so no EHR quirk can turn
 * into a crash or a guess further down.
 */
export function readCondition(raw: FhirResource): fhir4.Condition {
  const condition: fhir4.Condition = { resourceType: 'Condition', subject: {} };
  put(condition, 'id', readString(raw.id));
  put(condition, 'subject', readReference(raw.subject));
  put(condition, 'clinicalStatus', readCodeableConcept(raw.clinicalStatus));
  put(condition, 'verificationStatus', readCodeableConcept(raw.verificationStatus));
  put(condition, 'category', readList(raw.category, readCodeableConcept));
  put(condition, 'code', readCodeableConcept(raw.code));
  put(condition, 'onsetDateTime', readString(raw.onsetDateTime));
  put(condition, 'abatementDateTime', readString(raw.abatementDateTime));
  put(condition, 'recordedDate', readString(raw.recordedDate));
  return condition;
}

const OBSERVATION_STATUSES: ReadonlySet<string> = new Set([
  'registered',
  'preliminary',
  'final',
  'amended',
  'corrected',
  'cancelled',
  'entered-in-error',
  'unknown',
]);

export function readObservation(raw: FhirResource): fhir4.Observation {
  const status = readString(raw.status);
  const observation: fhir4.Observation = {
    resourceType: 'Observation',
    // An unreadable status is `unknown`, which no rule accepts.
    status: status !== undefined && OBSERVATION_STATUSES.has(status) ? (status as fhir4.Observation['status']) : 'unknown',
    code: {},
  };
  put(observation, 'id', readString(raw.id));
  put(observation, 'subject', readReference(raw.subject));
  put(observation, 'code', readCodeableConcept(raw.code));
  put(observation, 'effectiveDateTime', readString(raw.effectiveDateTime));
  put(observation, 'effectivePeriod', readPeriod(raw.effectivePeriod));
  put(observation, 'effectiveInstant', readString(raw.effectiveInstant));
  put(observation, 'issued', readString(raw.issued));
  put(observation, 'valueQuantity', readQuantity(raw.valueQuantity));
  put(observation, 'valueString', readString(raw.valueString));
  put(observation, 'dataAbsentReason', readCodeableConcept(raw.dataAbsentReason));
  return observation;
}

/**
 * A MedicationRequest of the record: only the elements a rule reads (§2–§4: status, intent,
 * dates, the medication, the dosage, the modifier `doNotPerform`). Unlike a draft, nothing else
 * is passed through — a record order is never sent back in a suggestion (only drafts are updated,
 * src/logic/rules/propose-dose.ts) — which makes this read a third of the draft reader's cost on
 * every order of every hook (bench/, issue 5). A missing status is `unknown`, not `draft`.
 */
export function readRecordMedicationRequest(raw: FhirResource, index: number, notes: string[]): fhir4.MedicationRequest {
  const request: fhir4.MedicationRequest = {
    resourceType: 'MedicationRequest',
    status: readStatus(raw.status, index, notes, 'unknown'),
    intent: readIntent(raw.intent),
    subject: {},
  };
  put(request, 'id', readString(raw.id));
  put(request, 'doNotPerform', readBoolean(raw.doNotPerform));
  put(request, 'subject', readReference(raw.subject));
  put(request, 'authoredOn', readString(raw.authoredOn));
  put(request, 'dosageInstruction', readList(raw.dosageInstruction, readDosage));
  const { medicationCodeableConcept, medicationReference, contained } = readMedicationChoice(raw);
  put(request, 'medicationCodeableConcept', medicationCodeableConcept);
  put(request, 'medicationReference', medicationReference);
  put(request, 'contained', contained);
  return request;
}

export function readRecordMedication(raw: FhirResource): fhir4.Medication {
  return readMedication(raw);
}

/** The Patient is not read by any rule: keep only its id, so no demographics travel further. */
export function readPatient(raw: FhirResource): fhir4.Patient {
  return compact<fhir4.Patient>({ resourceType: 'Patient', id: readString(raw.id) });
}

