import {
  buildCondition,
  buildMedicationRequest,
  buildObservation,
  buildPatient,
  daysAfter,
  daysBefore,
  SYSTEMS,
  type Coded,
  type Drug,
  type OrderSpec,
} from './fhir-builders';

/**
 * One synthetic chart, written the way a clinician reads it: "LN class IV since 3 years, on
 * tacrolimus for 400 days, trough 3.1 ng/mL 9 days ago". Every date is relative to `now`, so the
 * demo shows the same cards whenever it is started (it runs on the real clock).
 */
export interface Chart {
  readonly resources: fhir4.Resource[];
  condition(code: Coded, onsetDaysAgo: number, clinicalStatus?: 'active' | 'remission' | 'inactive'): void;
  order(
    drug: Drug,
    dose: OrderSpec['dose'],
    timing: OrderSpec['timing'],
    startDaysAgo: number,
    options?: {
      readonly endDaysAgo?: number;
      readonly endInDays?: number;
      readonly status?: OrderSpec['status'];
      readonly route?: OrderSpec['route'];
    },
  ): void;
  result(analyte: Analyte, value: number, unit: string, daysAgo: number): void;
  /** The draft orders an order hook sends in `context.draftOrders` (not stored on the FHIR server). */
  readonly drafts: fhir4.MedicationRequest[];
  /**
   * A draft order written now. `stopped` is a discontinuation: it ends every active order of its
   * drug group (clinical-rules.md §2).
   */
  draft(
    drug: Drug,
    dose: OrderSpec['dose'],
    timing: OrderSpec['timing'],
    options?: { readonly status?: 'draft' | 'stopped' },
  ): void;
}

export interface Analyte {
  readonly loinc: string;
  readonly display: string;
  readonly category?: 'laboratory' | 'vital-signs';
}

/** LOINC codes of clinical-rules.md §3 (and two routine LN labs). */
export const ANALYTES = {
  tacrolimusTrough: { loinc: '77348-1', display: 'Tacrolimus [Mass/volume] in Blood --trough' },
  tacrolimusBlood: { loinc: '11253-2', display: 'Tacrolimus [Mass/volume] in Blood' },
  mpaTrough: { loinc: '72667-9', display: 'Mycophenolate [Mass/volume] in Serum or Plasma --trough' },
  mpaAuc: { loinc: '115789-0', display: 'Mycophenolic acid AUC 0-12 h in Serum or Plasma' },
  egfr: {
    loinc: '98979-8',
    display:
      'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI 2021)',
  },
  creatinine: { loinc: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma' },
  urineProteinCreatinine: { loinc: '2890-2', display: 'Protein/Creatinine [Mass Ratio] in Urine' },
  weight: { loinc: '29463-7', display: 'Body weight', category: 'vital-signs' },
} as const satisfies Record<string, Analyte>;

export const DEMO_PRACTITIONER_ID = 'COREPRACTITIONER1';

export function startChart(
  now: Date,
  patient: {
    readonly id: string;
    readonly given: string;
    readonly family: string;
    readonly gender: 'female' | 'male';
    readonly age: number;
  },
): Chart {
  const { id } = patient;
  // Born mid-year, `age` years before now.
  const birthDate = `${now.getUTCFullYear() - patient.age}-06-15`;
  const resources: fhir4.Resource[] = [buildPatient({ ...patient, birthDate })];
  const drafts: fhir4.MedicationRequest[] = [];
  let counter = 0;
  const nextId = (kind: string): string => `${id}-${kind}${++counter}`;
  return {
    resources,
    drafts,
    condition(code, onsetDaysAgo, clinicalStatus) {
      resources.push(
        buildCondition({
          id: nextId('cond'),
          patientId: id,
          code,
          onset: daysBefore(now, onsetDaysAgo),
          ...(clinicalStatus ? { clinicalStatus } : {}),
        }),
      );
    },
    order(drug, dose, timing, startDaysAgo, options = {}) {
      const end =
        options.endDaysAgo !== undefined
          ? daysBefore(now, options.endDaysAgo)
          : options.endInDays !== undefined
            ? daysAfter(now, options.endInDays)
            : undefined;
      resources.push(
        buildMedicationRequest({
          id: nextId('mr'),
          patientId: id,
          drug,
          dose,
          timing,
          start: daysBefore(now, startDaysAgo),
          ...(end ? { end } : {}),
          ...(options.status ? { status: options.status } : {}),
          ...(options.route ? { route: options.route } : {}),
          requester: `Practitioner/${DEMO_PRACTITIONER_ID}`,
        }),
      );
    },
    result(analyte, value, unit, daysAgo) {
      resources.push(
        buildObservation({
          id: nextId('obs'),
          patientId: id,
          loinc: analyte.loinc,
          display: analyte.display,
          value,
          unit,
          at: daysBefore(now, daysAgo),
          ...('category' in analyte && analyte.category ? { category: analyte.category } : {}),
        }),
      );
    },
    draft(drug, dose, timing, options = {}) {
      drafts.push(
        buildMedicationRequest({
          id: nextId('draft'),
          patientId: id,
          drug,
          dose,
          timing,
          start: now.toISOString(),
          status: options.status ?? 'draft',
          requester: `Practitioner/${DEMO_PRACTITIONER_ID}`,
        }),
      );
    },
  };
}

/** Condition codes of clinical-rules.md §1 (LN, SLE without nephritis, transplant). */
export const CONDITIONS = {
  lnSyndrome: {
    system: SYSTEMS.snomed,
    code: '68815009',
    display: 'Systemic lupus erythematosus glomerulonephritis syndrome',
  },
  lnClassIII: {
    system: SYSTEMS.snomed,
    code: '76521009',
    display: 'Systemic lupus erythematosus glomerulonephritis syndrome, World Health Organization class III',
  },
  lnClassIV: {
    system: SYSTEMS.snomed,
    code: '36402006',
    display: 'Systemic lupus erythematosus glomerulonephritis syndrome, World Health Organization class IV',
  },
  lnClassV: {
    system: SYSTEMS.snomed,
    code: '52042003',
    display: 'Systemic lupus erythematosus glomerulonephritis syndrome, World Health Organization class V',
  },
  glomerularDiseaseInSle: {
    system: SYSTEMS.icd10cm,
    code: 'M32.14',
    display: 'Glomerular disease in systemic lupus erythematosus',
  },
  tubulointerstitialSle: {
    system: SYSTEMS.icd10cm,
    code: 'M32.15',
    display: 'Tubulo-interstitial nephropathy in systemic lupus erythematosus',
  },
  sle: { system: SYSTEMS.snomed, code: '55464009', display: 'Systemic lupus erythematosus' },
  kidneyTransplantStatus: { system: SYSTEMS.icd10cm, code: 'Z94.0', display: 'Kidney transplant status' },
  // Pregnancy evidence of clinical-rules-wave2.md §1.2 (HL7 IPS: LA15173-0 Pregnant ≡ 77386006).
  pregnant: { system: SYSTEMS.snomed, code: '77386006', display: 'Pregnant' },
} as const satisfies Record<string, Coded>;

/** Products and ingredients of the drug table, clinical-rules.md §2. */
export const DRUGS = {
  tacrolimus1mg: { rxnorm: '198377', text: 'tacrolimus 1 MG Oral Capsule' },
  prograf1mg: { rxnorm: '108513', text: 'tacrolimus 1 MG Oral Capsule [Prograf]' },
  envarsus4mg: { rxnorm: '1664440', text: '24 HR tacrolimus 4 MG Extended Release Oral Tablet [Envarsus]' },
  mmf250mg: { rxnorm: '199058', text: 'mycophenolate mofetil 250 MG Oral Capsule' },
  mmf500mg: { rxnorm: '200060', text: 'mycophenolate mofetil 500 MG Oral Tablet' },
  cellcept500mg: { rxnorm: '616435', text: 'mycophenolate mofetil 500 MG Oral Tablet [CellCept]' },
  myfortic180mg: {
    rxnorm: '616450',
    text: 'mycophenolic acid 180 MG Delayed Release Oral Tablet [Myfortic]',
  },
  myfortic360mg: {
    rxnorm: '616449',
    text: 'mycophenolic acid 360 MG Delayed Release Oral Tablet [Myfortic]',
  },
  azathioprine50mg: { rxnorm: '197388', text: 'azathioprine 50 MG Oral Tablet' },
  imuran50mg: { rxnorm: '105611', text: 'azathioprine 50 MG Oral Tablet [Imuran]' },
  prednisone5mg: { rxnorm: '312617', text: 'prednisone 5 MG Oral Tablet' },
  prednisone20mg: { rxnorm: '312615', text: 'prednisone 20 MG Oral Tablet' },
  // Ingredient code only (methylprednisolone 6902): the dose is written in mg.
  methylprednisolone: { rxnorm: '6902', text: 'methylprednisolone 4 MG Oral Tablet [Medrol]' },
  rifampin: { rxnorm: '9384', text: 'rifampin 300 MG Oral Capsule' },
  // No RxNorm code in §2: matched by name.
  belimumab: { text: 'belimumab 200 MG/ML Auto-Injector [Benlysta]' },
  hydroxychloroquine: { rxnorm: '979092', text: 'hydroxychloroquine sulfate 200 MG Oral Tablet' },
  lisinopril: { rxnorm: '314076', text: 'lisinopril 10 MG Oral Tablet' },
  // Second wave (clinical-rules-wave2.md §1.1): allopurinol 100 mg SCD verified; febuxostat and
  // voclosporin have no verified RxNorm code and are matched by name.
  allopurinol100mg: { rxnorm: '197319', text: 'allopurinol 100 MG Oral Tablet' },
  febuxostat40mg: { text: 'febuxostat 40 MG Oral Tablet' },
  voclosporin: { text: 'voclosporin 7.9 MG Oral Capsule [Lupkynis]' },
  clarithromycin: { rxnorm: '21212', text: 'clarithromycin 500 MG Oral Tablet' },
} as const satisfies Record<string, Drug>;
