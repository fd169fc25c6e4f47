import type { HookName, PatientRecord } from '../../../src/logic/record/patient-record';
import type { Finding, Rule, RuleContext } from '../../../src/logic/rules/rule';
import { buildRuleContext } from '../../../src/logic/record/rule-context';
import { DEFAULT_TARGETS, type Targets } from '../../../src/logic/targets';

/**
 * Builders for the dose-rule scenarios: a patient with lupus nephritis (in scope), orders and
 * results relative to a fixed `now`, run through the real rule context (timeline, classifier,
 * latest results).
 */
export const NOW = new Date('2026-06-01T09:00:00.000Z');
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const UCUM = 'http://unitsofmeasure.org';
const GTS = 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation';

/** Well-known products of clinical-rules.md §2 (RxNorm SCD). */
export const PRODUCTS = {
  mmf250cap: { code: '199058', text: 'mycophenolate mofetil 250 MG Oral Capsule' },
  mmf500tab: { code: '200060', text: 'mycophenolate mofetil 500 MG Oral Tablet' },
  mpa180tab: { code: '485020', text: 'mycophenolic acid 180 MG Delayed Release Oral Tablet' },
  mpa360tab: { code: '485023', text: 'mycophenolic acid 360 MG Delayed Release Oral Tablet' },
  tacrolimus1cap: { code: '198377', text: 'tacrolimus 1 MG Oral Capsule' },
  aza50tab: { code: '197388', text: 'azathioprine 50 MG Oral Tablet' },
  prednisone5tab: { code: '312617', text: 'prednisone 5 MG Oral Tablet' },
  methylprednisolone: { code: '6902', text: 'methylprednisolone' },
  prednisolone: { code: '8638', text: 'prednisolone' },
} as const;
export type ProductKey = keyof typeof PRODUCTS;

/** "n <unit> <BID|QD|…>" starting at `start`. */
export function dosage(value: number, unit: string, timingCode: string, start?: string): fhir4.Dosage {
  return {
    text: `${value} ${unit} ${timingCode}`,
    timing: {
      code: { coding: [{ system: GTS, code: timingCode }] },
      ...(start ? { repeat: { boundsPeriod: { start } } } : {}),
    },
    doseAndRate: [{ doseQuantity: { value, unit, system: UCUM, code: unit } }],
  };
}

export interface OrderSpec {
  readonly id: string;
  readonly product: ProductKey;
  readonly dosage: fhir4.Dosage | readonly fhir4.Dosage[];
  readonly start: string;
  readonly status?: fhir4.MedicationRequest['status'];
}

export function order(spec: OrderSpec): fhir4.MedicationRequest {
  const product = PRODUCTS[spec.product];
  return {
    resourceType: 'MedicationRequest',
    id: spec.id,
    status: spec.status ?? 'active',
    intent: 'order',
    subject: { reference: 'Patient/p1' },
    authoredOn: spec.start,
    medicationCodeableConcept: { coding: [{ system: RXNORM, code: product.code }], text: product.text },
    dosageInstruction: Array.isArray(spec.dosage)
      ? [...(spec.dosage as fhir4.Dosage[])]
      : [spec.dosage as fhir4.Dosage],
  };
}

export function draft(spec: Omit<OrderSpec, 'start'> & { start?: string }): fhir4.MedicationRequest {
  return order({ status: 'draft', start: spec.start ?? NOW.toISOString(), ...spec });
}

export function observation(
  id: string,
  loinc: string,
  value: number,
  unit: string,
  effective: string,
  comparator?: fhir4.Quantity['comparator'],
): fhir4.Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: effective,
    valueQuantity: { value, unit, system: UCUM, code: unit, ...(comparator ? { comparator } : {}) },
  };
}

export const LOINC = {
  mpaTrough: '72667-9',
  mpaAuc: '115789-0',
  egfr: '98979-8',
  weight: '29463-7',
} as const;

export interface Scenario {
  readonly hook?: HookName;
  readonly now?: Date;
  readonly orders?: readonly fhir4.MedicationRequest[];
  readonly drafts?: readonly fhir4.MedicationRequest[];
  readonly observations?: readonly fhir4.Observation[];
  readonly targets?: Targets;
}

export interface Outcome {
  readonly findings: readonly Finding[];
  readonly notes: readonly string[];
  readonly context: RuleContext;
}

export function run(rule: Rule, scenario: Scenario): Outcome {
  const hook = scenario.hook ?? (scenario.drafts ? 'order-sign' : 'patient-view');
  const record: PatientRecord = {
    hook,
    patientId: 'p1',
    conditions: [],
    medicationRequests: scenario.orders ?? [],
    medications: [],
    observations: scenario.observations ?? [],
    draftOrders: scenario.drafts ?? [],
  };
  const notes: string[] = [];
  const context = buildRuleContext(
    record,
    scenario.now ?? NOW,
    scenario.targets ?? DEFAULT_TARGETS,
    { inScope: true, lupusNephritisConditionIds: ['c1'] },
    (reason) => notes.push(reason),
  );
  return { findings: rule.evaluate(context), notes, context };
}

export function codesOf(outcome: Outcome): string[] {
  return outcome.findings.map((finding) => finding.code);
}

/** An ISO instant `months` calendar months before NOW (clamped), for phase edges. */
export function monthsBeforeNow(months: number, extraMs = 0): string {
  const date = new Date(NOW);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() - months);
  const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, last));
  return new Date(date.getTime() + extraMs).toISOString();
}
