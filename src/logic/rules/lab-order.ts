import { LOINC_SYSTEM } from '../vocabulary/observation-groups';
import type { RuleContext } from './rule';

/**
 * A laboratory order a card proposes (clinical-rules.md §6: "a new laboratory order is … an R4
 * `ServiceRequest`"; src/fhir/suggestion-versions.ts rewrites it in the draft's FHIR version). A
 * draft, so the clinician signs it; categorised as a laboratory procedure (SNOMED CT 108252007).
 */
export interface LabOrderRequest {
  readonly loinc: string;
  /** The LOINC long common name. */
  readonly display: string;
  /** What the clinician reads ("Tacrolimus trough level"). */
  readonly text: string;
  /** When or how to draw it, when it matters. */
  readonly note?: string;
}

export function buildLabOrder(context: RuleContext, order: LabOrderRequest): fhir4.ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    status: 'draft',
    intent: 'order',
    category: [
      {
        coding: [{ system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' }],
      },
    ],
    code: {
      coding: [{ system: LOINC_SYSTEM, code: order.loinc, display: order.display }],
      text: order.text,
    },
    subject: { reference: `Patient/${context.patientId}` },
    authoredOn: context.now.toISOString(),
    ...(order.note === undefined ? {} : { note: [{ text: order.note }] }),
  };
}

/**
 * Serum creatinine, which laboratories report with an eGFR (clinical-rules-wave2.md §1.3: the order
 * code for a suggested kidney-function test is LOINC 2160-0).
 */
export function buildCreatinineOrder(context: RuleContext): fhir4.ServiceRequest {
  return buildLabOrder(context, {
    loinc: '2160-0',
    display: 'Creatinine [Mass/volume] in Serum or Plasma',
    text: 'Serum creatinine with eGFR',
  });
}
