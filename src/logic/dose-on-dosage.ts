/**
 * Dose and rate elements that STU3 and DSTU2 carry on the Dosage itself; R4 moved them into
 * `Dosage.doseAndRate[]`. src/fhir reads them into doseAndRate; a suggested update drops any left
 * beside it (rules/propose-dose.ts).
 */
export const DOSE_ON_DOSAGE_KEYS = [
  'doseQuantity',
  'doseSimpleQuantity',
  'doseRange',
  'rateQuantity',
  'rateRatio',
  'rateRange',
] as const;
