/**
 * Pregnancy evidence as an EHR records it (clinical-rules-wave2.md §1.2): a problem-list
 * Condition, a pregnancy-status Observation (LOINC 82810-3) and qualitative hCG results.
 */
const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';
const V3_INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

export interface PregnancyConditionOptions {
  readonly id?: string;
  readonly system?: string;
  readonly code?: string;
  readonly onsetDateTime?: string;
  readonly onsetPeriodStart?: string;
  readonly recordedDate?: string;
  readonly clinicalStatus?: string;
  readonly verificationStatus?: string;
  readonly abatementDateTime?: string;
  readonly abatementString?: string;
}

/** "Pregnant" (SNOMED CT 77386006) on the problem list; the onset is the evidence's date. */
export function pregnancyCondition(options: PregnancyConditionOptions = {}): fhir4.Condition {
  return {
    resourceType: 'Condition',
    id: options.id ?? 'pregnancy',
    subject: { reference: 'Patient/pt' },
    ...(options.clinicalStatus === undefined
      ? {}
      : {
          clinicalStatus: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
                code: options.clinicalStatus,
              },
            ],
          },
        }),
    ...(options.verificationStatus === undefined
      ? {}
      : {
          verificationStatus: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
                code: options.verificationStatus,
              },
            ],
          },
        }),
    code: {
      coding: [{ system: options.system ?? SNOMED, code: options.code ?? '77386006', display: 'Pregnant' }],
      text: 'Pregnant',
    },
    ...(options.onsetDateTime === undefined ? {} : { onsetDateTime: options.onsetDateTime }),
    ...(options.onsetPeriodStart === undefined ? {} : { onsetPeriod: { start: options.onsetPeriodStart } }),
    ...(options.recordedDate === undefined ? {} : { recordedDate: options.recordedDate }),
    ...(options.abatementDateTime === undefined ? {} : { abatementDateTime: options.abatementDateTime }),
    ...(options.abatementString === undefined ? {} : { abatementString: options.abatementString }),
  };
}

const STATUS_ANSWERS = {
  pregnant: { system: LOINC, code: 'LA15173-0', display: 'Pregnant' },
  'not pregnant': { system: LOINC, code: 'LA26683-5', display: 'Not pregnant' },
  unknown: { system: LOINC, code: 'LA4489-6', display: 'Unknown' },
} as const;

/** LOINC 82810-3 Pregnancy status. */
export function pregnancyStatus(
  answer: keyof typeof STATUS_ANSWERS,
  date: string,
  id = `status-${date}`,
): fhir4.Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: LOINC, code: '82810-3', display: 'Pregnancy status' }] },
    subject: { reference: 'Patient/pt' },
    effectiveDateTime: date,
    valueCodeableConcept: { coding: [STATUS_ANSWERS[answer]] },
  };
}

export interface HcgOptions {
  readonly id?: string;
  /** 2106-3 urine (default), 2118-8 serum … */
  readonly loinc?: string;
  readonly status?: fhir4.Observation['status'];
}

/** A qualitative hCG read through its v3 interpretation (POS / NEG), or with no readable answer. */
export function hcg(
  answer: 'positive' | 'negative' | 'unreadable',
  date: string | undefined,
  options: HcgOptions = {},
): fhir4.Observation {
  const interpretation =
    answer === 'unreadable'
      ? {}
      : {
          interpretation: [
            { coding: [{ system: V3_INTERPRETATION, code: answer === 'positive' ? 'POS' : 'NEG' }] },
          ],
        };
  return {
    resourceType: 'Observation',
    id: options.id ?? `hcg-${date ?? 'undated'}`,
    status: options.status ?? 'final',
    code: { coding: [{ system: LOINC, code: options.loinc ?? '2106-3' }] },
    subject: { reference: 'Patient/pt' },
    ...(date === undefined ? {} : { effectiveDateTime: date }),
    ...(answer === 'unreadable' ? { valueString: 'see report' } : {}),
    ...interpretation,
  };
}

/** A quantitative serum hCG (LOINC 21198-7), never pregnancy evidence (§1.2). */
export function quantitativeHcg(value: number, date: string): fhir4.Observation {
  return {
    resourceType: 'Observation',
    id: `qhcg-${date}`,
    status: 'final',
    code: { coding: [{ system: LOINC, code: '21198-7' }] },
    subject: { reference: 'Patient/pt' },
    effectiveDateTime: date,
    valueQuantity: { value, unit: '[IU]/L', system: 'http://unitsofmeasure.org', code: '[IU]/L' },
  };
}

/** A Patient with only what rule 7b reads; `gender: null` leaves it out. */
export function woman(
  birthDate: string | undefined,
  gender: fhir4.Patient['gender'] | null = 'female',
): fhir4.Patient {
  return {
    resourceType: 'Patient',
    id: 'pt',
    ...(gender === null || gender === undefined ? {} : { gender }),
    ...(birthDate === undefined ? {} : { birthDate }),
  };
}
