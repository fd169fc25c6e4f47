import { readIntent, readMedication, readMedicationChoice, readStatus } from './draft-orders';
import type { FhirResource } from './prefetch';
import { readDosage } from './r4-dosage';
import {
  isObject,
  readBoolean,
  readCodeableConcept,
  readList,
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
  return {
    resourceType: 'Condition',
    id: readString(raw.id),
    subject: readReference(raw.subject) ?? {},
    clinicalStatus: readCodeableConcept(raw.clinicalStatus),
    verificationStatus: readCodeableConcept(raw.verificationStatus),
    category: readList(raw.category, readCodeableConcept),
    code: readCodeableConcept(raw.code),
    onsetDateTime: readString(raw.onsetDateTime),
    onsetPeriod: readPeriod(raw.onsetPeriod),
    abatementDateTime: readString(raw.abatementDateTime),
    abatementPeriod: readPeriod(raw.abatementPeriod),
    // Abated, but when is not a date: a pregnancy with it is no evidence either way (wave 2 §3).
    abatementString: readString(raw.abatementString),
    recordedDate: readString(raw.recordedDate),
  };
}

const ALLERGY_TYPES: ReadonlySet<string> = new Set(['allergy', 'intolerance']);

/**
 * An AllergyIntolerance (wave 2 rule 5a): type, statuses, the substance (`code`, and each
 * reaction's `substance`). Reactions' manifestations are not read: any recorded reaction to the
 * drug counts.
 */
export function readAllergyIntolerance(raw: FhirResource): fhir4.AllergyIntolerance {
  const type = readString(raw.type);
  return {
    resourceType: 'AllergyIntolerance',
    id: readString(raw.id),
    patient: readReference(raw.patient) ?? {},
    type: type !== undefined && ALLERGY_TYPES.has(type) ? (type as fhir4.AllergyIntolerance['type']) : undefined,
    clinicalStatus: readCodeableConcept(raw.clinicalStatus),
    verificationStatus: readCodeableConcept(raw.verificationStatus),
    code: readCodeableConcept(raw.code),
    reaction: readList(raw.reaction, readReactionSubstance),
  };
}

function readReactionSubstance(value: unknown): fhir4.AllergyIntoleranceReaction | undefined {
  if (!isObject(value)) return undefined;
  const substance = readCodeableConcept(value.substance);
  return substance === undefined ? undefined : { substance, manifestation: [] };
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
  return {
    resourceType: 'Observation',
    id: readString(raw.id),
    // An unreadable status is `unknown`, which no rule accepts.
    status: status !== undefined && OBSERVATION_STATUSES.has(status) ? (status as fhir4.Observation['status']) : 'unknown',
    subject: readReference(raw.subject),
    code: readCodeableConcept(raw.code) ?? {},
    effectiveDateTime: readString(raw.effectiveDateTime),
    effectivePeriod: readPeriod(raw.effectivePeriod),
    effectiveInstant: readString(raw.effectiveInstant),
    issued: readString(raw.issued),
    valueQuantity: readQuantity(raw.valueQuantity),
    valueString: readString(raw.valueString),
    valueCodeableConcept: readCodeableConcept(raw.valueCodeableConcept),
    interpretation: readList(raw.interpretation, readCodeableConcept),
    dataAbsentReason: readCodeableConcept(raw.dataAbsentReason),
  };
}

/**
 * A MedicationRequest of the record: only the elements a rule reads (§2–§4: status, intent,
 * dates, the medication, the dosage, the modifier `doNotPerform`). Unlike a draft, nothing else
 * is passed through: a record order is never sent back in a suggestion (only drafts are updated,
 * src/logic/dose/propose-dose.ts), and this read runs on every order of every hook. A missing
 * status is `unknown`, not `draft`.
 */
export function readRecordMedicationRequest(raw: FhirResource, index: number, notes: string[]): fhir4.MedicationRequest {
  const { medicationCodeableConcept, medicationReference, contained } = readMedicationChoice(raw);
  return {
    resourceType: 'MedicationRequest',
    id: readString(raw.id),
    status: readStatus(raw.status, index, notes, 'unknown'),
    intent: readIntent(raw.intent),
    doNotPerform: readBoolean(raw.doNotPerform),
    subject: readReference(raw.subject) ?? {},
    authoredOn: readString(raw.authoredOn),
    dosageInstruction: readList(raw.dosageInstruction, readDosage),
    medicationCodeableConcept,
    medicationReference,
    contained,
    // Why it was stopped (wave 2 rule 5a), and the order it renews (rule 3's continuous run).
    statusReason: readCodeableConcept(raw.statusReason),
    priorPrescription: readReference(raw.priorPrescription),
  };
}

export function readRecordMedication(raw: FhirResource): fhir4.Medication {
  return readMedication(raw);
}

const GENDERS: ReadonlySet<string> = new Set(['male', 'female', 'other', 'unknown']);

/**
 * Only what rule 7b reads (gender, birth date): no name, address or identifier travels further.
 * An unknown gender code is dropped, so the rule stays silent.
 */
export function readPatient(raw: FhirResource): fhir4.Patient {
  const gender = readString(raw.gender);
  return {
    resourceType: 'Patient',
    id: readString(raw.id),
    gender: gender !== undefined && GENDERS.has(gender) ? (gender as fhir4.Patient['gender']) : undefined,
    birthDate: readString(raw.birthDate),
  };
}

