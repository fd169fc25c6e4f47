import { withoutDotsOrSpaces } from '../vocabulary/codes';
import type { ScopeGate } from '../rules/rule';

/**
 * clinical-rules.md §1: the rules apply to lupus nephritis only, and never after a solid-organ or
 * marrow transplant (transplant troughs differ: kidney 4–11 ng/mL, liver 5–20 …).
 */
const SNOMED = 'http://snomed.info/sct';
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
const ICD10_WHO = 'http://hl7.org/fhir/sid/icd-10';

/** SLE glomerulonephritis and its WHO classes I–VI, and the LN findings of §1. */
const LN_SNOMED: ReadonlySet<string> = new Set([
  '68815009',
  '73286009',
  '4676006',
  '76521009',
  '36402006',
  '52042003',
  '11013005',
  '308751000119106',
  '197608009',
  '295101000119105',
  '295111000119108',
  '295121000119101',
  '307755009',
]);

/** ICD-10(-CM) M32.14 glomerular disease in SLE, M32.15 tubulo-interstitial nephropathy in SLE. */
const LN_ICD10: ReadonlySet<string> = new Set(['M3214', 'M3215']);

/** Transplant status and transplanted-organ findings of §1. */
const TRANSPLANT_SNOMED: ReadonlySet<string> = new Set([
  '737294004',
  '737295003',
  '737296002',
  '737297006',
  '70536003',
  '18027006',
  '175901007',
  '175902000',
  '161665007',
  '161671001',
]);

/**
 * ICD-10 transplant prefixes (dot removed): Z94.0–Z94.4, Z94.81–Z94.84, Z94.89, Z94.9,
 * T86.0x–T86.4x, T86.8x, Z48.2x. Z94.5/.6/.7 (skin, bone, cornea) are deliberately absent.
 * Z94.8 without a fifth character is the parent of Z94.81–Z94.89 only, all of which gate.
 */
const TRANSPLANT_ICD10_PREFIXES: readonly string[] = [
  'Z940',
  'Z941',
  'Z942',
  'Z943',
  'Z944',
  'Z9481',
  'Z9482',
  'Z9483',
  'Z9484',
  'Z9489',
  'Z949',
  'T860',
  'T861',
  'T862',
  'T863',
  'T864',
  'T868',
  'Z482',
];

/** "M32.14", "m3214 ", "M32.14." → "M3214". */
function normaliseIcd10(code: string): string {
  return withoutDotsOrSpaces(code.toUpperCase());
}

function isTransplantIcd10(code: string): boolean {
  const normalised = normaliseIcd10(code);
  return normalised === 'Z948' || TRANSPLANT_ICD10_PREFIXES.some((prefix) => normalised.startsWith(prefix));
}

const VERIFICATION_EXCLUDED: ReadonlySet<string> = new Set(['entered-in-error', 'refuted']);

/** §1: any clinical status counts; entered-in-error and refuted Conditions do not. */
export function isRecorded(condition: fhir4.Condition): boolean {
  const codes = condition.verificationStatus?.coding?.map((coding) => coding.code) ?? [];
  return !codes.some((code) => code !== undefined && VERIFICATION_EXCLUDED.has(code));
}

function codings(condition: fhir4.Condition): fhir4.Coding[] {
  return condition.code?.coding ?? [];
}

export function isLupusNephritis(condition: fhir4.Condition): boolean {
  return codings(condition).some((coding) => {
    if (!coding.code) return false;
    if (coding.system === SNOMED) return LN_SNOMED.has(coding.code.trim());
    if (coding.system === ICD10CM || coding.system === ICD10_WHO) {
      return LN_ICD10.has(normaliseIcd10(coding.code));
    }
    return false;
  });
}

export function isTransplant(condition: fhir4.Condition): boolean {
  return codings(condition).some((coding) => {
    if (!coding.code) return false;
    if (coding.system === SNOMED) return TRANSPLANT_SNOMED.has(coding.code.trim());
    if (coding.system === ICD10CM || coding.system === ICD10_WHO) {
      return isTransplantIcd10(coding.code);
    }
    return false;
  });
}

/** The transplant gate wins over LN: a transplant patient gets no LN cards at all. */
export function evaluateScopeGate(conditions: readonly fhir4.Condition[]): ScopeGate {
  const recorded = conditions.filter(isRecorded);
  if (recorded.some(isTransplant)) return { inScope: false, reason: 'transplant' };
  const lupusNephritis = recorded.filter(isLupusNephritis);
  if (lupusNephritis.length === 0) return { inScope: false, reason: 'no-lupus-nephritis' };
  return {
    inScope: true,
    lupusNephritisConditionIds: lupusNephritis.map((condition) => condition.id ?? '(no id)'),
  };
}
