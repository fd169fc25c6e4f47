/**
 * Synthetic lupus nephritis records for the benchmark: a typical one-year record and a long
 * five-year one, scaled ×1, ×4, ×16 by multiplying every count (more frequent labs and
 * renewals over the same years). Dates are relative to the `now` given (the bench uses the real
 * clock at start, as the shipped server does). The clinical picture is the same in every size:
 * LN in maintenance on tacrolimus + MMF + prednisone + hydroxychloroquine, troughs in target
 * except the latest (3.1 ng/mL), so each patient-view answers one tacrolimus-trough-low card and
 * the whole path (cards included) is exercised.
 */
type Resource = { resourceType: string; id: string } & Record<string, unknown>;

export interface RecordShape {
  readonly years: number;
  readonly troughs: number;
  /** Results of each other analyte group (MPA trough, MPA AUC, eGFR, weight). */
  readonly eachOtherLab: number;
  /** Renewals per drug, summing to the MedicationRequest count. */
  readonly renewals: Readonly<Record<DrugKey, number>>;
  /** Observations outside every analyte group (creatinine, haemoglobin, potassium, CRP). */
  readonly noiseObservations: number;
  /** Conditions besides SLE and LN. */
  readonly noiseConditions: number;
}

type DrugKey = 'tacrolimus' | 'mmf' | 'prednisone' | 'hydroxychloroquine' | 'lisinopril' | 'amlodipine';

/** One year: monthly troughs and labs, 8 orders. */
export const TYPICAL: RecordShape = {
  years: 1,
  troughs: 12,
  eachOtherLab: 12,
  renewals: { tacrolimus: 2, mmf: 2, prednisone: 1, hydroxychloroquine: 1, lisinopril: 1, amlodipine: 1 },
  noiseObservations: 48,
  noiseConditions: 3,
};

/** Five years: ~monthly troughs and labs (60 each), 20 orders with renewals. */
export const LONG: RecordShape = {
  years: 5,
  troughs: 60,
  eachOtherLab: 60,
  renewals: { tacrolimus: 5, mmf: 5, prednisone: 4, hydroxychloroquine: 3, lisinopril: 2, amlodipine: 1 },
  noiseObservations: 240,
  noiseConditions: 6,
};

export function scaleShape(shape: RecordShape, factor: number): RecordShape {
  const renewals = Object.fromEntries(
    Object.entries(shape.renewals).map(([drug, count]) => [drug, count * factor]),
  ) as Record<DrugKey, number>;
  return {
    years: shape.years,
    troughs: shape.troughs * factor,
    eachOtherLab: shape.eachOtherLab * factor,
    renewals,
    noiseObservations: shape.noiseObservations * factor,
    noiseConditions: shape.noiseConditions * factor,
  };
}

const DAY_MS = 86_400_000;
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

interface Lab {
  readonly loinc: string;
  readonly display: string;
  readonly unit: string;
  readonly value: (index: number) => number;
}

const TROUGH: Lab = {
  loinc: '77348-1',
  display: 'Tacrolimus [Mass/volume] in Blood --trough',
  unit: 'ng/mL',
  value: (i) => 4.6 + (i % 5) * 0.2,
};
const OTHER_LABS: readonly Lab[] = [
  {
    loinc: '23905-3',
    display: 'Mycophenolate [Mass/volume] in Serum or Plasma --trough',
    unit: 'mg/L',
    value: (i) => 2.2 + (i % 4) * 0.3,
  },
  { loinc: '115789-0', display: 'Mycophenolate AUC 0-12h', unit: 'mg.h/L', value: (i) => 62 + (i % 6) * 2 },
  { loinc: '98979-8', display: 'eGFR CKD-EPI 2021', unit: 'mL/min/{1.73_m2}', value: (i) => 70 + (i % 7) },
  { loinc: '29463-7', display: 'Body weight', unit: 'kg', value: (i) => 64 + (i % 3) * 0.5 },
];
const NOISE_LABS: readonly Lab[] = [
  {
    loinc: '2160-0',
    display: 'Creatinine [Mass/volume] in Serum or Plasma',
    unit: 'mg/dL',
    value: (i) => 0.8 + (i % 4) * 0.05,
  },
  {
    loinc: '718-7',
    display: 'Hemoglobin [Mass/volume] in Blood',
    unit: 'g/dL',
    value: (i) => 12 + (i % 5) * 0.1,
  },
  {
    loinc: '2823-3',
    display: 'Potassium [Moles/volume] in Serum or Plasma',
    unit: 'mmol/L',
    value: (i) => 4 + (i % 3) * 0.1,
  },
  {
    loinc: '1988-5',
    display: 'C reactive protein [Mass/volume] in Serum or Plasma',
    unit: 'mg/L',
    value: (i) => 2 + (i % 4),
  },
];

interface Drug {
  readonly rxnorm: string;
  readonly display: string;
  readonly dose: number;
  readonly unit: string;
  readonly timing: 'BID' | 'QD';
  /**
   * MMF orders name their product in a contained Medication (resolved by reference, as some EHRs
   * send it; the in-memory FHIR server does not implement `_include`, so no separate Medication).
   */
  readonly containedMedication?: boolean;
}

const DRUGS: Readonly<Record<DrugKey, Drug>> = {
  tacrolimus: {
    rxnorm: '198377',
    display: 'tacrolimus 1 MG Oral Capsule',
    dose: 2,
    unit: 'mg',
    timing: 'BID',
  },
  mmf: {
    rxnorm: '199058',
    display: 'mycophenolate mofetil 250 MG Oral Capsule',
    dose: 1,
    unit: '{tbl}',
    timing: 'BID',
    containedMedication: true,
  },
  prednisone: { rxnorm: '312617', display: 'prednisone 5 MG Oral Tablet', dose: 5, unit: 'mg', timing: 'QD' },
  hydroxychloroquine: {
    rxnorm: '979092',
    display: 'hydroxychloroquine sulfate 200 MG Oral Tablet',
    dose: 1,
    unit: '{tbl}',
    timing: 'BID',
  },
  lisinopril: {
    rxnorm: '314076',
    display: 'lisinopril 10 MG Oral Tablet',
    dose: 10,
    unit: 'mg',
    timing: 'QD',
  },
  amlodipine: { rxnorm: '308135', display: 'amlodipine 5 MG Oral Tablet', dose: 5, unit: 'mg', timing: 'QD' },
};

const NOISE_CONDITIONS: readonly (readonly [string, string])[] = [
  ['38341003', 'Hypertensive disorder'],
  ['55822004', 'Hyperlipidemia'],
  ['312894000', 'Osteopenia'],
  ['271737000', 'Anemia'],
  ['195967001', 'Asthma'],
  ['35489007', 'Depressive disorder'],
];

/** The whole record of one patient, as the EHR's FHIR server holds it. */
export function buildRecord(patientId: string, shape: RecordShape, now: Date): Resource[] {
  const at = (daysAgo: number): string => new Date(now.getTime() - daysAgo * DAY_MS).toISOString();
  const span = shape.years * 365;
  const subject = { reference: `Patient/${patientId}` };
  const resources: Resource[] = [
    {
      resourceType: 'Patient',
      id: patientId,
      name: [{ family: 'Benchpatient', given: [patientId] }],
      gender: 'female',
      birthDate: '1988-04-12',
    },
  ];
  const condition = (id: string, system: string, code: string, display: string): Resource => ({
    resourceType: 'Condition',
    id,
    subject,
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
    },
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' },
        ],
      },
    ],
    code: { coding: [{ system, code, display }], text: display },
    onsetDateTime: at(span + 60),
  });
  resources.push(
    condition(
      `${patientId}-sle`,
      'http://hl7.org/fhir/sid/icd-10-cm',
      'M32.10',
      'Systemic lupus erythematosus, organ or system involvement unspecified',
    ),
    condition(
      `${patientId}-ln`,
      SNOMED,
      '36402006',
      'Systemic lupus erythematosus glomerulonephritis syndrome, World Health Organization class IV',
    ),
  );
  for (let i = 0; i < shape.noiseConditions; i += 1) {
    const [code, display] = NOISE_CONDITIONS[i % NOISE_CONDITIONS.length] ?? [
      '38341003',
      'Hypertensive disorder',
    ];
    resources.push(condition(`${patientId}-cond-${i}`, SNOMED, code, display));
  }

  // Renewals split the span evenly; all but the newest are completed with an end date.
  for (const [key, count] of Object.entries(shape.renewals) as [DrugKey, number][]) {
    const drug = DRUGS[key];
    const length = span / count;
    for (let i = 0; i < count; i += 1) {
      const startDaysAgo = span - i * length;
      const isLast = i === count - 1;
      resources.push(
        medicationRequest(
          `${patientId}-${key}-${i}`,
          drug,
          patientId,
          at(startDaysAgo),
          isLast ? undefined : at(startDaysAgo - length),
        ),
      );
    }
  }

  let n = 0;
  const observation = (lab: Lab, daysAgo: number, value: number): Resource => ({
    resourceType: 'Observation',
    id: `${patientId}-obs-${(n += 1)}`,
    status: 'final',
    subject,
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
        ],
      },
    ],
    code: { coding: [{ system: LOINC, code: lab.loinc, display: lab.display }], text: lab.display },
    effectiveDateTime: at(daysAgo),
    issued: at(daysAgo - 0.2),
    valueQuantity: { value, unit: lab.unit, system: UCUM, code: lab.unit },
  });
  const series = (lab: Lab, count: number, latest?: number): void => {
    const step = span / count;
    for (let i = 0; i < count; i += 1) {
      const daysAgo = 3 + i * step; // i = 0 is the newest
      resources.push(observation(lab, daysAgo, i === 0 && latest !== undefined ? latest : lab.value(i)));
    }
  };
  series(TROUGH, shape.troughs, 3.1);
  for (const lab of OTHER_LABS) series(lab, shape.eachOtherLab);
  for (let i = 0; i < shape.noiseObservations; i += 1) {
    const lab = NOISE_LABS[i % NOISE_LABS.length] ?? NOISE_LABS[0];
    if (lab) resources.push(observation(lab, 2 + (i / shape.noiseObservations) * span, lab.value(i)));
  }
  return resources;
}

function medicationRequest(
  id: string,
  drug: Drug,
  patientId: string,
  start: string,
  end: string | undefined,
): Resource {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: end === undefined ? 'active' : 'completed',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    authoredOn: start,
    ...(drug.containedMedication
      ? {
          contained: [
            {
              resourceType: 'Medication',
              id: 'med',
              code: {
                coding: [{ system: RXNORM, code: drug.rxnorm, display: drug.display }],
                text: drug.display,
              },
            },
          ],
          medicationReference: { reference: '#med', display: drug.display },
        }
      : {
          medicationCodeableConcept: {
            coding: [{ system: RXNORM, code: drug.rxnorm, display: drug.display }],
            text: drug.display,
          },
        }),
    dosageInstruction: [dosage(drug, start, end)],
  };
}

function dosage(drug: Drug, start: string, end: string | undefined): Record<string, unknown> {
  return {
    text: `${drug.dose} ${drug.unit} ${drug.timing}`,
    timing: {
      code: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation', code: drug.timing }],
        text: drug.timing,
      },
      repeat: { boundsPeriod: { start, ...(end === undefined ? {} : { end }) } },
    },
    doseAndRate: [{ doseQuantity: { value: drug.dose, unit: drug.unit, system: UCUM, code: drug.unit } }],
  };
}

/** order-sign: the clinician renews MMF 250 mg BID (a draft; in the multitarget range, no dose card). */
export function buildDraftOrders(patientId: string, now: Date): Record<string, unknown> {
  const draft = medicationRequest(
    `${patientId}-draft-mmf`,
    DRUGS.mmf,
    patientId,
    now.toISOString(),
    undefined,
  );
  return { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { ...draft, status: 'draft' } }] };
}
