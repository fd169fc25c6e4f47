import { DEMO_PRACTITIONER_ID, type DemoPatient } from './patients';
import type { DemoHook } from './patient-spec';

/** The service of cds-services.json that answers each hook a demo patient is shown in. */
export const SERVICE_ID_BY_HOOK: Readonly<Record<DemoHook, string>> = {
  'patient-view': 'ln-patient-view',
  'order-select': 'ln-order-select',
  'order-sign': 'ln-order-sign',
};

/** `context` of a CDS Hooks 2.0 request for the patient, as the Sandbox's user. */
export interface DemoHookContext {
  readonly patientId: string;
  readonly userId: string;
  /** order-select: the draft orders just selected (`MedicationRequest/<id>`). */
  readonly selections?: readonly string[];
  /** order-select, order-sign: the draft orders, a Bundle as the hooks' context defines it. */
  readonly draftOrders?: fhir4.Bundle;
}

export function buildHookContext(patient: DemoPatient): DemoHookContext {
  const base = { patientId: patient.id, userId: `Practitioner/${DEMO_PRACTITIONER_ID}` };
  if (patient.hook === 'patient-view') return base;
  const draftOrders: fhir4.Bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: patient.drafts.map((resource) => ({ resource })),
  };
  if (patient.hook === 'order-sign') return { ...base, draftOrders };
  return {
    ...base,
    selections: patient.drafts.map((draft) => `MedicationRequest/${draft.id ?? ''}`),
    draftOrders,
  };
}

const SANDBOX_FREQUENCY = { daily: 1, bid: 2, tid: 3, qid: 4 } as const;

/**
 * The draft order the CDS Hooks Sandbox writes from the form its link prefilled, against an R4
 * FHIR server: cds-hooks/sandbox src/reducers/medication-reducers.js `createFhirResource`, as
 * recorded in fixtures/sandbox-requests — id `request-123`, status `draft`, `authoredOn` today's
 * date, the dose in `{pill}`s per 1 day, `boundsPeriod` only when a date is set, a 30-day supply,
 * and `category` as a single object (not valid R4, as the Sandbox sends it).
 */
export function buildSandboxDraft(patient: DemoPatient, now: Date): Record<string, unknown> | undefined {
  const order = patient.sandboxOrder;
  if (order === undefined) return undefined;
  const repeat = {
    frequency: SANDBOX_FREQUENCY[order.frequency],
    period: 1,
    periodUnit: 'd',
    ...(order.endDate ? { boundsPeriod: { end: order.endDate } } : {}),
  };
  return {
    resourceType: 'MedicationRequest',
    id: 'request-123',
    status: 'draft',
    subject: { reference: `Patient/${patient.id}` },
    authoredOn: now.toISOString().slice(0, 10),
    dosageInstruction: [
      {
        timing: { repeat },
        doseAndRate: [
          { doseQuantity: { value: order.number, system: 'http://unitsofmeasure.org', code: '{pill}' } },
        ],
      },
    ],
    dispenseRequest: {
      expectedSupplyDuration: { value: 30, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' },
    },
    intent: 'order',
    category: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category', code: 'community' },
      ],
    },
    medicationCodeableConcept: {
      text: order.medication.name,
      coding: [
        {
          display: order.medication.name,
          system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
          code: order.medication.code,
        },
      ],
    },
  };
}

/** The context the Sandbox sends for an order-hook patient: its draftOrders Bundle has no `type`. */
export function buildSandboxHookContext(
  patient: DemoPatient,
  now: Date,
): Record<string, unknown> | undefined {
  const draft = buildSandboxDraft(patient, now);
  if (draft === undefined || patient.hook === 'patient-view') return undefined;
  const base = { patientId: patient.id, userId: `Practitioner/${DEMO_PRACTITIONER_ID}` };
  const draftOrders = { resourceType: 'Bundle', entry: [{ resource: draft }] };
  return patient.hook === 'order-select'
    ? { ...base, selections: ['MedicationRequest/request-123'], draftOrders }
    : { ...base, draftOrders };
}
