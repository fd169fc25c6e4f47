/**
 * Analyte groups of clinical-rules.md §3: which LOINC codes count and which Observation statuses
 * are accepted. The integrator builds the discovery prefetch templates from exactly these.
 */
export const LOINC_SYSTEM = 'http://loinc.org';

export type ObservationGroupKey = 'tacrolimus' | 'mpaTrough' | 'mpaAuc' | 'egfr' | 'weight' | 'creatinine';

export interface ObservationGroup {
  readonly loinc: readonly string[];
  /** §3: final / amended / corrected; preliminary too for trough levels. */
  readonly statuses: readonly fhir4.Observation['status'][];
  /** The UCUM unit the rules compare in. */
  readonly canonicalUnit: string;
  /** Molecular weight (g/mol) for mass ↔ molar conversion, when the analyte is one substance. */
  readonly molecularWeight?: number;
}

const FINAL_STATUSES = ['final', 'amended', 'corrected'] as const;
const TROUGH_STATUSES = ['final', 'amended', 'corrected', 'preliminary'] as const;

export const OBSERVATION_GROUPS: Readonly<Record<ObservationGroupKey, ObservationGroup>> = Object.freeze({
  /**
   * Tacrolimus level, treated as a trough. 77348-1 is the trough code; AUC (92727-7) and
   * post-dose codes are deliberately absent. MW 804.02 g/mol (nmol/L ÷ 1.2437 = ng/mL).
   */
  tacrolimus: {
    loinc: ['77348-1', '11253-2', '33929-1', '74097-7', '74096-9', '32721-3', '76494-4'],
    statuses: TROUGH_STATUSES,
    canonicalUnit: 'ng/mL',
    molecularWeight: 804.02,
  },
  /** MPA trough; ug/mL = mg/L; umol/L ÷ 3.1217 (MW 320.34 g/mol). */
  mpaTrough: {
    loinc: ['72667-9', '23905-3', '55806-4'],
    statuses: TROUGH_STATUSES,
    canonicalUnit: 'mg/L',
    molecularWeight: 320.34,
  },
  /** MPA AUC0-12, ug.h/mL = mg.h/L. */
  mpaAuc: {
    loinc: ['115789-0'],
    statuses: FINAL_STATUSES,
    canonicalUnit: 'mg.h/L',
    molecularWeight: 320.34,
  },
  /** eGFR normalised to body surface area. */
  egfr: {
    loinc: [
      '98979-8',
      '98980-6',
      '62238-1',
      '88293-6',
      '88294-4',
      '33914-3',
      '48642-3',
      '48643-1',
      '77147-7',
      '69405-9',
    ],
    statuses: FINAL_STATUSES,
    canonicalUnit: 'mL/min/{1.73_m2}',
  },
  /** Body weight (kg, g, [lb_av]). */
  weight: {
    loinc: ['29463-7'],
    statuses: FINAL_STATUSES,
    canonicalUnit: 'kg',
  },
  /**
   * Serum/blood creatinine (wave 2 §1.3; VSAC "Creatinine Lab Test" 2.16.840.1.113883.3.666.5.2363
   * without its pre/post-dialysis codes). Only its date is used ("kidney function checked"); the
   * unit is for the card (MW 113.12 g/mol: µmol/L ÷ 88.4 = mg/dL).
   */
  creatinine: {
    loinc: ['2160-0', '38483-4', '14682-9', '59826-8', '77140-2', '21232-4', '101475-2'],
    statuses: FINAL_STATUSES,
    canonicalUnit: 'mg/dL',
    molecularWeight: 113.12,
  },
});

export const OBSERVATION_GROUP_KEYS: readonly ObservationGroupKey[] = [
  'tacrolimus',
  'mpaTrough',
  'mpaAuc',
  'egfr',
  'weight',
  'creatinine',
];
