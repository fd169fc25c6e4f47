import { decide, type CdsCard, type Decision } from '../../../src/logic/decide';
import type { HookName, OptionalData } from '../../../src/logic/record/patient-record';
import { DEFAULT_TARGETS, type Targets } from '../../../src/logic/targets';
import { FIRST_WAVE_DATA_ONLY, NOW, lupusNephritis, sequentialIds } from '../record-builders';

/**
 * One patient per card: orders written as an EHR writes them (RxNorm product, a sig, a structured
 * dose), results with LOINC and UCUM, all relative to the fixed `NOW` (2026-06-01T09:00Z). A
 * therapy started on 2025-01-10 is in maintenance.
 */
export { NOW };
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const UCUM = 'http://unitsofmeasure.org';
const GTS = 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation';
export const MAINTENANCE_START = '2025-01-10';

export interface Prescription {
  readonly id: string;
  /** RxNorm product or ingredient code. */
  readonly rxnorm: string;
  readonly name: string;
  /** The structured dose: value and unit (UCUM code). */
  readonly dose: readonly [number, string];
  readonly timing: 'QD' | 'BID' | 'TID';
  /** The sig as the EHR printed it. */
  readonly sig: string;
  readonly start?: string;
  readonly status?: fhir4.MedicationRequest['status'];
}

export function prescription(p: Prescription): fhir4.MedicationRequest {
  const [value, unit] = p.dose;
  const start = p.start ?? MAINTENANCE_START;
  return {
    resourceType: 'MedicationRequest',
    id: p.id,
    status: p.status ?? 'active',
    intent: 'order',
    subject: { reference: 'Patient/pt' },
    authoredOn: start,
    medicationCodeableConcept: {
      coding: [{ system: RXNORM, code: p.rxnorm, display: p.name }],
      text: p.name,
    },
    dosageInstruction: [
      {
        text: p.sig,
        timing: { code: { coding: [{ system: GTS, code: p.timing }] } },
        doseAndRate: [{ doseQuantity: { value, unit, system: UCUM, code: unit } }],
      },
    ],
  };
}

export function draftOf(p: Prescription): fhir4.MedicationRequest {
  return prescription({ ...p, status: p.status ?? 'draft', start: p.start ?? NOW.toISOString() });
}

export function lab(id: string, loinc: string, value: number, unit: string, date: string): fhir4.Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
    subject: { reference: 'Patient/pt' },
    effectiveDateTime: date,
    valueQuantity: { value, unit, system: UCUM, code: unit },
  };
}

export interface Situation {
  readonly hook?: HookName;
  readonly orders?: readonly fhir4.MedicationRequest[];
  readonly drafts?: readonly fhir4.MedicationRequest[];
  readonly results?: readonly fhir4.Observation[];
  /** Lupus nephritis alone unless given (give `lupusNephritis()` with other Conditions). */
  readonly conditions?: readonly fhir4.Condition[];
  readonly patient?: fhir4.Patient;
  readonly targets?: Targets;
  /** Optional data that could not be read; default: allergies and creatinine (FIRST_WAVE_DATA_ONLY). */
  readonly unavailable?: ReadonlySet<OptionalData>;
}

/** The decision for the situation (cards, findings, notes), ids counted from 1. */
export function decisionFor(situation: Situation): Decision {
  const hook = situation.hook ?? (situation.drafts ? 'order-sign' : 'patient-view');
  return decide({
    record: {
      hook,
      patientId: 'pt',
      ...(situation.patient ? { patient: situation.patient } : {}),
      conditions: [...(situation.conditions ?? [lupusNephritis()])],
      medicationRequests: [...(situation.orders ?? [])],
      medications: [],
      observations: [...(situation.results ?? [])],
      draftOrders: [...(situation.drafts ?? [])],
      unavailable: situation.unavailable ?? FIRST_WAVE_DATA_ONLY,
    },
    now: NOW,
    newId: sequentialIds(),
    targets: situation.targets ?? DEFAULT_TARGETS,
  });
}

/** The cards the service returns for the situation, ids counted from 1. */
export function cardsFor(situation: Situation): CdsCard[] {
  return decisionFor(situation).cards;
}

/** The one card of a rule code (fails the test when there is none or several). */
export function cardOf(code: string, situation: Situation): CdsCard {
  const cards = cardsFor(situation).filter((card) => card.source.topic?.code === code);
  if (cards.length !== 1) throw new Error(`expected one ${code} card, got ${cards.length}`);
  return cards[0] as CdsCard;
}

/** Well-known products of clinical-rules.md §2. */
export const PRODUCT = {
  tacrolimus1cap: { rxnorm: '198377', name: 'tacrolimus 1 MG Oral Capsule' },
  prograf1cap: { rxnorm: '108513', name: 'Prograf 1 MG Oral Capsule' },
  envarsus1tab: { rxnorm: '1664463', name: 'Envarsus XR 1 MG Extended Release Oral Tablet' },
  astagraf1cap: { rxnorm: '1431982', name: 'Astagraf XL 1 MG Extended Release Oral Capsule' },
  mmf250cap: { rxnorm: '199058', name: 'mycophenolate mofetil 250 MG Oral Capsule' },
  mmf500tab: { rxnorm: '200060', name: 'mycophenolate mofetil 500 MG Oral Tablet' },
  myfortic360tab: { rxnorm: '616449', name: 'Myfortic 360 MG Delayed Release Oral Tablet' },
  aza50tab: { rxnorm: '197388', name: 'azathioprine 50 MG Oral Tablet' },
  azasan75tab: { rxnorm: '359229', name: 'Azasan 75 MG Oral Tablet' },
  prednisone5tab: { rxnorm: '312617', name: 'prednisone 5 MG Oral Tablet' },
  clarithromycin: { rxnorm: '21212', name: 'clarithromycin 500 MG Oral Tablet' },
  cyclophosphamide: { rxnorm: '3002', name: 'cyclophosphamide 50 MG Oral Tablet' },
} as const;

export const LOINC = {
  tacrolimusTrough: '77348-1',
  mpaTrough: '72667-9',
  mpaAuc: '115789-0',
  egfr: '98979-8',
  weight: '29463-7',
} as const;
