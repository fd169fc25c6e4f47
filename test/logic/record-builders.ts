import type { HookName, OptionalData, PatientRecord } from '../../src/logic/record/patient-record';

/**
 * Small builders for clinical scenarios: every resource a test needs, with only what matters to
 * the scenario spelled out. Dates are fixed; `NOW` is the injected clock.
 */
export const NOW = new Date('2026-06-01T09:00:00.000Z');
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const UCUM = 'http://unitsofmeasure.org';

export function lupusNephritis(overrides: Partial<fhir4.Condition> = {}): fhir4.Condition {
  return {
    resourceType: 'Condition',
    id: 'ln',
    subject: { reference: 'Patient/pt' },
    clinicalStatus: { coding: [{ code: 'active' }] },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }] },
    ...overrides,
  };
}

export function condition(system: string, code: string, verification?: string): fhir4.Condition {
  return {
    resourceType: 'Condition',
    id: `cond-${code}`,
    subject: { reference: 'Patient/pt' },
    code: { coding: [{ system, code }] },
    ...(verification ? { verificationStatus: { coding: [{ code: verification }] } } : {}),
  };
}

export interface OrderOptions {
  readonly id?: string;
  readonly status?: fhir4.MedicationRequest['status'];
  readonly start?: string;
  readonly end?: string;
  readonly rxnorm?: string;
  readonly text?: string;
  readonly route?: string;
  readonly doseMg?: number;
  readonly timingCode?: string;
}

let orderCounter = 0;

export function order(options: OrderOptions): fhir4.MedicationRequest {
  orderCounter += 1;
  const boundsPeriod =
    options.start || options.end
      ? {
          boundsPeriod: {
            ...(options.start ? { start: options.start } : {}),
            ...(options.end ? { end: options.end } : {}),
          },
        }
      : undefined;
  return {
    resourceType: 'MedicationRequest',
    id: options.id ?? `mr-${orderCounter}`,
    status: options.status ?? 'active',
    intent: 'order',
    subject: { reference: 'Patient/pt' },
    ...(options.start ? { authoredOn: options.start } : {}),
    medicationCodeableConcept: {
      ...(options.rxnorm ? { coding: [{ system: RXNORM, code: options.rxnorm }] } : {}),
      ...(options.text ? { text: options.text } : {}),
    },
    dosageInstruction: [
      {
        ...(options.route ? { route: { text: options.route } } : {}),
        timing: {
          ...(boundsPeriod ? { repeat: boundsPeriod } : {}),
          code: { coding: [{ code: options.timingCode ?? 'BID' }] },
        },
        doseAndRate: [{ doseQuantity: { value: options.doseMg ?? 1, unit: 'mg', system: UCUM, code: 'mg' } }],
      },
    ],
  };
}

export const tacrolimus = (options: Omit<OrderOptions, 'rxnorm'> = {}): fhir4.MedicationRequest =>
  order({ rxnorm: '42316', text: 'tacrolimus 1 MG Oral Capsule', start: '2025-01-10', ...options });
export const mmf = (options: Omit<OrderOptions, 'rxnorm'> = {}): fhir4.MedicationRequest =>
  order({
    rxnorm: '200060',
    text: 'mycophenolate mofetil 500 MG Oral Tablet',
    start: '2025-01-10',
    doseMg: 500,
    ...options,
  });

export interface LevelOptions {
  readonly id?: string;
  readonly loinc?: string;
  readonly value?: number;
  readonly unit?: string;
  readonly system?: string | null;
  readonly comparator?: fhir4.Quantity['comparator'];
  readonly date?: string;
  readonly status?: fhir4.Observation['status'];
}

let observationCounter = 0;

export function result(options: LevelOptions): fhir4.Observation {
  observationCounter += 1;
  const unit = options.unit ?? 'ng/mL';
  return {
    resourceType: 'Observation',
    id: options.id ?? `obs-${observationCounter}`,
    status: options.status ?? 'final',
    code: { coding: [{ system: 'http://loinc.org', code: options.loinc ?? '77348-1' }] },
    subject: { reference: 'Patient/pt' },
    effectiveDateTime: options.date ?? '2026-05-20T08:00:00Z',
    ...(options.value === undefined
      ? {}
      : {
          valueQuantity: {
            value: options.value,
            unit,
            ...(options.system === null ? {} : { system: options.system ?? UCUM, code: unit }),
            ...(options.comparator ? { comparator: options.comparator } : {}),
          },
        }),
  };
}

export const tacrolimusLevel = (
  value: number,
  options: Omit<LevelOptions, 'value'> = {},
): fhir4.Observation => result({ value, ...options });

/**
 * By default the scenario's allergies and creatinine results were not read (an EHR that
 * prefetches only the first wave's keys, no fhirServer), so the rules that need them
 * (`hydroxychloroquine-not-prescribed`, `cni-kidney-function-overdue`) stay silent and a scenario
 * about another rule need not spell out an HCQ order and a recent kidney-function test. Scenarios
 * of those rules pass `unavailable` themselves.
 */
export const FIRST_WAVE_DATA_ONLY: ReadonlySet<OptionalData> = new Set(['allergies', 'creatinine']);

export function record(parts: Partial<PatientRecord> & { hook?: HookName } = {}): PatientRecord {
  return {
    hook: 'patient-view',
    patientId: 'pt',
    conditions: [lupusNephritis()],
    medicationRequests: [],
    medications: [],
    observations: [],
    draftOrders: [],
    unavailable: FIRST_WAVE_DATA_ONLY,
    ...parts,
  };
}

export function sequentialIds(): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  };
}
