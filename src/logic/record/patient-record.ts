/**
 * The one typed record a hook handler assembles before any rule runs ("gather, then decide").
 * Everything here is plain FHIR R4 data; src/fhir fills it from prefetch and the FHIR server.
 */
export type HookName = 'patient-view' | 'order-select' | 'order-sign' | 'medication-prescribe';

/**
 * Data the rules can do without (clinical-rules-wave2.md §2): when it cannot be read, only the
 * rules that need it stay silent, never the hook.
 */
export type OptionalData = 'patient' | 'allergies' | 'pregnancy' | 'creatinine' | 'egfrHistory';

export interface PatientRecord {
  readonly hook: HookName;
  readonly patientId: string;
  /** Gender and birth date only (rule 7b). */
  readonly patient?: fhir4.Patient;
  /** Every Condition of the patient, unfiltered (the gates need transplant codes too). */
  readonly conditions: readonly fhir4.Condition[];
  /** The patient's MedicationRequests of every status (therapy start needs the history). */
  readonly medicationRequests: readonly fhir4.MedicationRequest[];
  /** Medications referenced by the requests (`_include`), for `medicationReference`. */
  readonly medications: readonly fhir4.Medication[];
  /**
   * Observations of the analyte groups of clinical-rules.md §3 and of wave 2 §2 (pregnancy tests,
   * creatinine, the eGFR history), any order, each once.
   */
  readonly observations: readonly fhir4.Observation[];
  /** The patient's AllergyIntolerances (wave 2 rule 5a); absent = none recorded. */
  readonly allergies?: readonly fhir4.AllergyIntolerance[];
  /** Optional data that could be read neither from the prefetch nor the FHIR server; absent = none. */
  readonly unavailable?: ReadonlySet<OptionalData>;
  /** Draft orders of order-select / order-sign / medication-prescribe, already normalised to R4. */
  readonly draftOrders: readonly fhir4.MedicationRequest[];
  /** order-select `selections` (references such as `MedicationRequest/123`). */
  readonly selections?: readonly string[];
}
