import { LOINC_SYSTEM } from '../vocabulary/observation-groups';
import type { RuleContext } from './rule';

/**
 * A laboratory test a card proposes (clinical-rules.md §6: "a new laboratory order is … an R4
 * `ServiceRequest`"; src/fhir/lab-order-versions.ts writes it in the drafts' version): a draft
 * order for one LOINC test, for the patient, authored now, with a note on when to draw it.
 */
export interface LabTest {
  readonly loinc: string;
  /** The LOINC long common name. */
  readonly display: string;
  /** What the clinician reads on the order. */
  readonly text: string;
  readonly note: string;
}

export function buildLabServiceRequest(context: RuleContext, test: LabTest): fhir4.ServiceRequest {
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
      coding: [{ system: LOINC_SYSTEM, code: test.loinc, display: test.display }],
      text: test.text,
    },
    subject: { reference: `Patient/${context.patientId}` },
    authoredOn: context.now.toISOString(),
    note: [{ text: test.note }],
  };
}
