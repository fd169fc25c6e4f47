import { withoutDotsOrSpaces } from './codes';
import { RXNORM_SYSTEM } from './medication-groups';

/**
 * Evidence that hydroxychloroquine is contraindicated or not tolerated (clinical-rules-wave2.md
 * §1.4). Names are the primary match: SNOMED substance codes are deliberately not listed (none
 * verified), and chloroquine's RxNorm 2393 is UNVERIFIED, so chloroquine matches by name only.
 */
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
const ICD10_WHO = 'http://hl7.org/fhir/sid/icd-10';

/** RxNorm 5521 hydroxychloroquine (IN), 153972 hydroxychloroquine sulfate (PIN). */
const ANTIMALARIAL_RXNORM: ReadonlySet<string> = new Set(['5521', '153972']);

const ANTIMALARIAL_NAMES = /\b(hydroxychloroquine|plaquenil|chloroquine|4-aminoquinolines?)\b/i;

/** Whether a concept (AllergyIntolerance.code or a reaction's substance) names HCQ or a 4-aminoquinoline. */
export function namesAntimalarial(concept: fhir4.CodeableConcept | undefined): boolean {
  if (!concept) return false;
  for (const coding of concept.coding ?? []) {
    if (coding.system === RXNORM_SYSTEM && coding.code && ANTIMALARIAL_RXNORM.has(coding.code.trim())) return true;
    if (coding.display && ANTIMALARIAL_NAMES.test(coding.display)) return true;
  }
  return concept.text !== undefined && ANTIMALARIAL_NAMES.test(concept.text);
}

/** ICD-10-CM H35.38 Toxic maculopathy and its children H35.381 / .382 / .383 / .389 (2026 code set). */
const TOXIC_MACULOPATHY_PREFIX = 'H3538';

const RETINAL_DRUG = /\b(hydroxychloroquine|chloroquine)\b/i;
const RETINAL_DAMAGE = /\b(retinopathy|maculopathy)\b/i;

/** Whether a Condition's code records antimalarial retinal toxicity. */
export function recordsAntimalarialRetinopathy(code: fhir4.CodeableConcept | undefined): boolean {
  if (!code) return false;
  for (const coding of code.coding ?? []) {
    if ((coding.system === ICD10CM || coding.system === ICD10_WHO) && coding.code) {
      if (withoutDotsOrSpaces(coding.code).toUpperCase().startsWith(TOXIC_MACULOPATHY_PREFIX)) return true;
    }
  }
  const texts = [code.text, ...(code.coding ?? []).map((coding) => coding.display)];
  return texts.some((text) => text !== undefined && RETINAL_DRUG.test(text) && RETINAL_DAMAGE.test(text));
}
