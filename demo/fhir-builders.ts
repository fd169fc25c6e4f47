/**
 * Small builders of plain FHIR R4 resources for the demo patients (demo/patients.ts). They write
 * the shapes an EHR sends — the same as fixtures/acceptance uses — so the demo exercises the
 * service's real readers: coded Conditions, MedicationRequests with RxNorm codes, FHIR R4
 * `Dosage` (https://hl7.org/fhir/R4/dosage.html) and UCUM-coded lab results.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

export const SYSTEMS = {
  snomed: 'http://snomed.info/sct',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  gtsAbbreviation: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
} as const;

/** An instant `days` before `now`, as FHIR dateTime (UTC). Fractions of a day are allowed. */
export function daysBefore(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY_MS).toISOString();
}

export function daysAfter(now: Date, days: number): string {
  return daysBefore(now, -days);
}

export interface Coded {
  readonly system: string;
  readonly code: string;
  readonly display: string;
}

export function buildPatient(options: {
  readonly id: string;
  readonly given: string;
  readonly family: string;
  readonly gender: 'female' | 'male';
  readonly birthDate: string;
}): fhir4.Patient {
  return {
    resourceType: 'Patient',
    id: options.id,
    // A clearly synthetic record: the name says so, and the identifier system is a demo one.
    identifier: [{ system: 'urn:ln-cds-hooks:demo-patient', value: options.id }],
    name: [
      {
        use: 'official',
        family: options.family,
        given: [options.given],
        text: `${options.given} ${options.family} (synthetic)`,
      },
    ],
    gender: options.gender,
    birthDate: options.birthDate,
  };
}

export function buildPractitioner(id: string): fhir4.Practitioner {
  return {
    resourceType: 'Practitioner',
    id,
    name: [
      {
        family: 'Demonephrologist',
        given: ['Synthetic'],
        prefix: ['Dr'],
        text: 'Dr Synthetic Demonephrologist',
      },
    ],
  };
}

export function buildCondition(options: {
  readonly id: string;
  readonly patientId: string;
  readonly code: Coded;
  readonly onset: string;
  readonly clinicalStatus?: 'active' | 'remission' | 'inactive';
}): fhir4.Condition {
  return {
    resourceType: 'Condition',
    id: options.id,
    subject: { reference: `Patient/${options.patientId}` },
    clinicalStatus: {
      coding: [{ system: SYSTEMS.conditionClinical, code: options.clinicalStatus ?? 'active' }],
    },
    verificationStatus: { coding: [{ system: SYSTEMS.conditionVerification, code: 'confirmed' }] },
    category: [{ coding: [{ system: SYSTEMS.conditionCategory, code: 'problem-list-item' }] }],
    code: { coding: [{ ...options.code }], text: options.code.display },
    onsetDateTime: options.onset,
  };
}

/** A medicine: RxNorm coding when the drug table of clinical-rules.md §2 has one, else a name. */
export interface Drug {
  readonly rxnorm?: string;
  readonly text: string;
}

export type TimingCode = 'QD' | 'BID' | 'TID';

export interface OrderSpec {
  readonly id: string;
  readonly patientId: string;
  readonly drug: Drug;
  /** Per administration: `mg`, or a count unit (`{tbl}`, `{capsule}`) times the product strength. */
  readonly dose: { readonly value: number; readonly unit: 'mg' | '{tbl}' | '{capsule}' };
  readonly timing:
    TimingCode | { readonly frequency: number; readonly period: number; readonly periodUnit: 'd' | 'wk' };
  readonly start: string;
  /** The planned end of the course (`timing.repeat.boundsPeriod.end`). */
  readonly end?: string;
  /** `draft` for an order hook's draft order; `stopped` there discontinues the drug (§2). */
  readonly status?: 'active' | 'completed' | 'stopped' | 'draft';
  readonly route?: 'oral' | 'subcutaneous';
  readonly requester?: string;
}

const ROUTES: Readonly<Record<'oral' | 'subcutaneous', Coded>> = {
  oral: { system: SYSTEMS.snomed, code: '26643006', display: 'Oral route' },
  subcutaneous: { system: SYSTEMS.snomed, code: '34206005', display: 'Subcutaneous route' },
};

function describeTiming(timing: OrderSpec['timing']): string {
  if (typeof timing === 'string') return timing;
  return `${timing.frequency} per ${timing.period === 1 ? '' : `${timing.period} `}${timing.periodUnit === 'wk' ? 'week' : 'day'}`;
}

export function buildMedicationRequest(spec: OrderSpec): fhir4.MedicationRequest {
  const repeat: fhir4.TimingRepeat = {
    boundsPeriod: { start: spec.start, ...(spec.end ? { end: spec.end } : {}) },
    ...(typeof spec.timing === 'string' ? {} : { ...spec.timing }),
  };
  const timing: fhir4.Timing =
    typeof spec.timing === 'string'
      ? {
          code: { coding: [{ system: SYSTEMS.gtsAbbreviation, code: spec.timing }], text: spec.timing },
          repeat,
        }
      : { repeat };
  const route = ROUTES[spec.route ?? 'oral'];
  return {
    resourceType: 'MedicationRequest',
    id: spec.id,
    status: spec.status ?? 'active',
    intent: 'order',
    subject: { reference: `Patient/${spec.patientId}` },
    authoredOn: spec.start,
    ...(spec.requester ? { requester: { reference: spec.requester } } : {}),
    medicationCodeableConcept: {
      ...(spec.drug.rxnorm
        ? { coding: [{ system: SYSTEMS.rxnorm, code: spec.drug.rxnorm, display: spec.drug.text }] }
        : {}),
      text: spec.drug.text,
    },
    dosageInstruction: [
      {
        text: `${spec.dose.value} ${spec.dose.unit} ${describeTiming(spec.timing)}`,
        timing,
        route: { coding: [{ ...route }], text: route.display },
        doseAndRate: [
          {
            doseQuantity: {
              value: spec.dose.value,
              unit: spec.dose.unit,
              system: SYSTEMS.ucum,
              code: spec.dose.unit,
            },
          },
        ],
      },
    ],
  };
}

export interface ResultSpec {
  readonly id: string;
  readonly patientId: string;
  readonly loinc: string;
  readonly display: string;
  readonly value: number;
  /** UCUM code, also shown as the unit. */
  readonly unit: string;
  readonly at: string;
  readonly status?: 'final' | 'amended' | 'preliminary';
  readonly category?: 'laboratory' | 'vital-signs';
}

export function buildObservation(spec: ResultSpec): fhir4.Observation {
  const category = spec.category ?? 'laboratory';
  return {
    resourceType: 'Observation',
    id: spec.id,
    status: spec.status ?? 'final',
    subject: { reference: `Patient/${spec.patientId}` },
    category: [{ coding: [{ system: SYSTEMS.observationCategory, code: category }] }],
    code: {
      coding: [{ system: SYSTEMS.loinc, code: spec.loinc, display: spec.display }],
      text: spec.display,
    },
    effectiveDateTime: spec.at,
    // Results are released a few hours after the sample is drawn.
    issued: new Date(Date.parse(spec.at) + 5 * 60 * 60 * 1000).toISOString(),
    valueQuantity: { value: spec.value, unit: spec.unit, system: SYSTEMS.ucum, code: spec.unit },
  };
}
