import { withoutDotsOrSpaces } from './codes';

/**
 * Pregnancy evidence of clinical-rules-wave2.md §1.2, with the source that verified each code.
 * Codes the page marks UNVERIFIED are not listed (SNOMED 72892002 "Normal pregnancy", ICD-10-CM
 * O09.x, the SNOMED result values 10828004 / 260385009): a wrong code would invent or hide a
 * pregnancy, so result values are matched by name instead ("positive", "negative").
 */
const SNOMED = 'http://snomed.info/sct';
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
const ICD10_WHO = 'http://hl7.org/fhir/sid/icd-10';
const LOINC = 'http://loinc.org';
const V3_INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

/**
 * 77386006 Pregnant (HL7 IPS ConceptMap LA15173-0 ≡ 77386006); 47200007 High risk pregnancy
 * (HL7 PT value set "risco-gravidez", SNOMED Aug 2024).
 */
export const PREGNANCY_CONDITION_SNOMED: ReadonlySet<string> = new Set(['77386006', '47200007']);

/** Z33.1 Pregnant state, incidental (hl7-be PregnancyCodes), dot removed. */
const PREGNANCY_ICD10_CODES: ReadonlySet<string> = new Set(['Z331']);
/**
 * Z34.x supervision of normal pregnancy (ICD-10 category, published IG example Z34.0); Z3A.xx
 * weeks of gestation (ICD-10-CM table), except Z3A.00 "not specified".
 */
const PREGNANCY_ICD10_PREFIXES: readonly string[] = ['Z34', 'Z3A'];
const PREGNANCY_ICD10_EXCLUDED: ReadonlySet<string> = new Set(['Z3A00']);

/** Whether a coding names a pregnancy (§1.2 Condition rows). */
export function isPregnancyConditionCoding(coding: fhir4.Coding): boolean {
  if (!coding.code) return false;
  if (coding.system === SNOMED) return PREGNANCY_CONDITION_SNOMED.has(coding.code.trim());
  if (coding.system !== ICD10CM && coding.system !== ICD10_WHO) return false;
  const code = withoutDotsOrSpaces(coding.code).toUpperCase();
  if (PREGNANCY_ICD10_EXCLUDED.has(code)) return false;
  return PREGNANCY_ICD10_CODES.has(code) || PREGNANCY_ICD10_PREFIXES.some((prefix) => code.startsWith(prefix));
}

/** LOINC 82810-3 Pregnancy status (HL7 IPS `pregnancy-status-uv-ips`). */
export const PREGNANCY_STATUS_LOINC = '82810-3';

/** 82810-3 answers: LA15173-0 / SNOMED 77386006 Pregnant; LA26683-5 / SNOMED 60001007 Not pregnant. */
const PREGNANT_ANSWERS: readonly (readonly [string, string])[] = [
  [LOINC, 'LA15173-0'],
  [SNOMED, '77386006'],
];
const NOT_PREGNANT_ANSWERS: readonly (readonly [string, string])[] = [
  [LOINC, 'LA26683-5'],
  [SNOMED, '60001007'],
];

/**
 * Qualitative hCG (VSAC "Pregnancy Test" 2.16.840.1.113883.3.464.1003.111.12.1011, eCQM
 * 2025-05-08): urine 2106-3, β urine 2112-1, serum/plasma 2118-8, β serum/plasma 2110-5, rapid
 * urine 80384-1, rapid serum 80385-8. Quantitative hCG is deliberately absent (§1.2): it stays
 * raised after a pregnancy ends and its cut-offs vary by assay.
 */
export const QUALITATIVE_HCG_LOINC: readonly string[] = ['2106-3', '2112-1', '2118-8', '2110-5', '80384-1', '80385-8'];

/**
 * Quantitative hCG codes named by §1.2 (19080-1, 21198-7, 83086-9; same VSAC value set): never
 * evidence, only recognised so that the debug log can say a site reports hCG this way.
 */
export const QUANTITATIVE_HCG_LOINC: readonly string[] = ['19080-1', '21198-7', '83086-9'];

/** What a pregnancy-status or hCG result says: §1.2 — anything else is unreadable (ignored). */
export type PregnancyAnswer = 'positive' | 'negative' | 'unreadable';

function hasLoinc(observation: fhir4.Observation, codes: readonly string[]): boolean {
  return (observation.code.coding ?? []).some(
    (coding) => coding.system === LOINC && coding.code !== undefined && codes.includes(coding.code.trim()),
  );
}

export function isPregnancyStatusObservation(observation: fhir4.Observation): boolean {
  return hasLoinc(observation, [PREGNANCY_STATUS_LOINC]);
}

export function isQualitativeHcgObservation(observation: fhir4.Observation): boolean {
  return hasLoinc(observation, QUALITATIVE_HCG_LOINC);
}

export function isQuantitativeHcgObservation(observation: fhir4.Observation): boolean {
  return hasLoinc(observation, QUANTITATIVE_HCG_LOINC);
}

function answersWith(concept: fhir4.CodeableConcept | undefined, answers: readonly (readonly [string, string])[]): boolean {
  return (concept?.coding ?? []).some((coding) =>
    answers.some(([system, code]) => coding.system === system && coding.code?.trim() === code),
  );
}

/** 82810-3: Pregnant → positive, Not pregnant → negative, Unknown (LA4489-6) or other → unreadable. */
export function readPregnancyStatus(observation: fhir4.Observation): PregnancyAnswer {
  const value = observation.valueCodeableConcept;
  const pregnant = answersWith(value, PREGNANT_ANSWERS);
  const notPregnant = answersWith(value, NOT_PREGNANT_ANSWERS);
  if (pregnant === notPregnant) return 'unreadable';
  return pregnant ? 'positive' : 'negative';
}

const POSITIVE_WORDS: ReadonlySet<string> = new Set(['positive', 'pos']);
const NEGATIVE_WORDS: ReadonlySet<string> = new Set(['negative', 'neg']);

function wordAnswer(text: string | undefined): PregnancyAnswer | undefined {
  const word = text?.trim().toLowerCase();
  if (word === undefined) return undefined;
  if (POSITIVE_WORDS.has(word)) return 'positive';
  if (NEGATIVE_WORDS.has(word)) return 'negative';
  return undefined;
}

/**
 * A qualitative hCG: `interpretation` v3 POS / NEG, a `valueString`, or a `valueCodeableConcept`
 * whose text or display says positive / negative. Answers that disagree are unreadable.
 */
export function readQualitativeHcg(observation: fhir4.Observation): PregnancyAnswer {
  const answers = new Set<PregnancyAnswer>();
  for (const concept of observation.interpretation ?? []) {
    for (const coding of concept.coding ?? []) {
      if (coding.system !== V3_INTERPRETATION) continue;
      if (coding.code === 'POS') answers.add('positive');
      if (coding.code === 'NEG') answers.add('negative');
    }
  }
  const fromString = wordAnswer(observation.valueString);
  if (fromString) answers.add(fromString);
  const concept = observation.valueCodeableConcept;
  for (const text of [concept?.text, ...(concept?.coding ?? []).map((coding) => coding.display)]) {
    const answer = wordAnswer(text);
    if (answer) answers.add(answer);
  }
  if (answers.size !== 1) return 'unreadable';
  return answers.has('positive') ? 'positive' : 'negative';
}
