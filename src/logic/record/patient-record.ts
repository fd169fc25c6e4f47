/**
 * The one typed record a hook handler assembles before any rule runs ("gather, then decide").
 * Everything here is plain FHIR R4 data; src/fhir fills it from prefetch and the FHIR server.
 */
export type HookName = 'patient-view' | 'order-select' | 'order-sign' | 'medication-prescribe';

export interface PatientRecord {
  readonly hook: HookName;
  readonly patientId: string;
  readonly patient?: fhir4.Patient;
  /** Every Condition of the patient, unfiltered (the gates need transplant codes too). */
  readonly conditions: readonly fhir4.Condition[];
  /** The patient's MedicationRequests of every status (therapy start needs the history). */
  readonly medicationRequests: readonly fhir4.MedicationRequest[];
  /** Medications referenced by the requests (`_include`), for `medicationReference`. */
  readonly medications: readonly fhir4.Medication[];
  /** Observations of the analyte groups of clinical-rules.md §3, any order. */
  readonly observations: readonly fhir4.Observation[];
  /** Draft orders of order-select / order-sign / medication-prescribe, already normalised to R4. */
  readonly draftOrders: readonly fhir4.MedicationRequest[];
  /** order-select `selections` (references such as `MedicationRequest/123`). */
  readonly selections?: readonly string[];
}
