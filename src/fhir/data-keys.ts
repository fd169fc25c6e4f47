/**
 * The prefetch keys the service reads, each bound to how its data is read. cds-services.json
 * declares a template for each; the same template is run against `fhirServer` when the EHR did
 * not prefetch it (CDS Hooks 2.0 §Prefetch: "the CDS Service MAY ... retrieve the data itself").
 */
export type DataKey =
  | 'patient'
  | 'conditions'
  | 'medications'
  | 'tacrolimus'
  | 'mpaTrough'
  | 'mpaAuc'
  | 'egfr'
  | 'weight'
  | 'allergies'
  | 'pregnancy'
  | 'creatinine'
  | 'egfrHistory';

export interface DataKeyReader {
  readonly resourceTypes: readonly string[];
  /**
   * `all`: the whole result is needed (a transplant on page 2 silences every card; therapy start
   * needs the oldest order), so `next` links are followed, and a result that cannot be completed
   * is unavailable. `first`: a bounded newest-first page; only the latest result decides.
   */
  readonly pages: 'all' | 'first';
  /**
   * false: the rules can run without it. Its absence silences only the rules that read it
   * (clinical-rules-wave2.md §2: none of the second wave's keys is a 412 key); the record lists
   * it as unavailable.
   */
  readonly required: boolean;
}

export const DATA_KEYS: Readonly<Record<DataKey, DataKeyReader>> = Object.freeze({
  patient: { resourceTypes: ['Patient'], pages: 'first', required: false },
  conditions: { resourceTypes: ['Condition'], pages: 'all', required: true },
  medications: { resourceTypes: ['MedicationRequest', 'Medication'], pages: 'all', required: true },
  tacrolimus: { resourceTypes: ['Observation'], pages: 'first', required: true },
  mpaTrough: { resourceTypes: ['Observation'], pages: 'first', required: true },
  mpaAuc: { resourceTypes: ['Observation'], pages: 'first', required: true },
  egfr: { resourceTypes: ['Observation'], pages: 'first', required: true },
  weight: { resourceTypes: ['Observation'], pages: 'first', required: true },
  // A contraindication on page 2 must silence rule 5a: read every page.
  allergies: { resourceTypes: ['AllergyIntolerance'], pages: 'all', required: false },
  pregnancy: { resourceTypes: ['Observation'], pages: 'first', required: false },
  creatinine: { resourceTypes: ['Observation'], pages: 'first', required: false },
  egfrHistory: { resourceTypes: ['Observation'], pages: 'first', required: false },
});

export const BOUND_DATA_KEYS: ReadonlySet<string> = new Set(Object.keys(DATA_KEYS));

export function isDataKey(key: string): key is DataKey {
  return BOUND_DATA_KEYS.has(key);
}
