import { formatDate, isWithinLastDays, parseFhirDateTime } from '../time/fhir-time';
import {
  isPregnancyConditionCoding,
  isPregnancyStatusObservation,
  isQualitativeHcgObservation,
  isQuantitativeHcgObservation,
  readPregnancyStatus,
  readQualitativeHcg,
  type PregnancyAnswer,
} from '../vocabulary/pregnancy-codes';
import type { Evidence, RuleContext } from '../rules/rule';
import type { RuleCode } from '../vocabulary/rule-codes';
import { instantOfResult } from './observations';

/**
 * "Pregnancy recorded" of clinical-rules-wave2.md §3, evaluated at `now`: positive evidence
 * (a pregnancy Condition, pregnancy status 82810-3 = Pregnant, a positive qualitative hCG) and
 * negative evidence (82810-3 = Not pregnant, a negative qualitative hCG, a pregnancy Condition
 * abated at or before now), each with a time t; only t in [now − 294 days, now] counts (42 weeks,
 * the longest plausible pregnancy; service default). Pregnant ⇔ positive evidence and no negative
 * evidence strictly later than the latest positive one; a tie counts as pregnant and is flagged
 * "conflicting". Patient.gender is not read: a recorded pregnancy is evidence whatever the
 * administrative gender.
 */
export interface PregnancyEvidence {
  readonly answer: Exclude<PregnancyAnswer, 'unreadable'>;
  readonly at: Date;
  /** How the card shows it: "Pregnancy condition: Pregnant (SNOMED CT 77386006)". */
  readonly evidence: Evidence;
}

export type PregnancyAssessment =
  /** The `pregnancy` data key could not be read: negative evidence may be invisible. */
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'not-recorded' }
  | {
      readonly kind: 'pregnant';
      /** The latest positive evidence (the card's date). */
      readonly latest: PregnancyEvidence;
      /** Negative evidence at the same instant as `latest`: the results conflict. */
      readonly conflicting: readonly PregnancyEvidence[];
    };

/** §1.2 / §3: Observation statuses that count (as clinical-rules.md §3). */
const ALLOWED_STATUSES: ReadonlySet<string> = new Set(['final', 'amended', 'corrected']);
const EXCLUDED_VERIFICATION: ReadonlySet<string> = new Set(['refuted', 'entered-in-error']);
const ONGOING_CLINICAL_STATUS: ReadonlySet<string> = new Set(['active', 'recurrence', 'relapse']);

const SYSTEM_NAMES: Readonly<Record<string, string>> = {
  'http://snomed.info/sct': 'SNOMED CT',
  'http://hl7.org/fhir/sid/icd-10-cm': 'ICD-10-CM',
  'http://hl7.org/fhir/sid/icd-10': 'ICD-10',
  'http://loinc.org': 'LOINC',
};

function codesOf(concept: fhir4.CodeableConcept | undefined): string[] {
  return (concept?.coding ?? []).map((coding) => coding.code?.trim() ?? '');
}

function pregnancyCodingOf(condition: fhir4.Condition): fhir4.Coding | undefined {
  return (condition.code?.coding ?? []).find(isPregnancyConditionCoding);
}

/** "Pregnant (SNOMED CT 77386006)": the Condition's own words, and the code that matched. */
function conditionValue(condition: fhir4.Condition, coding: fhir4.Coding): string {
  const words = condition.code?.text ?? coding.display;
  const code = `${SYSTEM_NAMES[coding.system ?? ''] ?? coding.system ?? ''} ${coding.code ?? ''}`.trim();
  return words ? `${words} (${code})` : code;
}

type Dated =
  { readonly kind: 'at'; readonly at: Date } | { readonly kind: 'none' } | { readonly kind: 'unreadable' };

/** The first of the candidate elements that is present decides: an unreadable one is not skipped. */
function firstDate(...candidates: (string | undefined)[]): Dated {
  const text = candidates.find((candidate) => candidate !== undefined);
  if (text === undefined) return { kind: 'none' };
  const at = parseFhirDateTime(text);
  return at ? { kind: 'at', at } : { kind: 'unreadable' };
}

/** §3: a pregnancy Condition is positive evidence (ongoing) or negative evidence (abated by now). */
function conditionEvidence(
  condition: fhir4.Condition,
  now: Date,
  note: (reason: string) => void,
): PregnancyEvidence | undefined {
  const coding = pregnancyCodingOf(condition);
  if (!coding) return undefined;
  if (codesOf(condition.verificationStatus).some((code) => EXCLUDED_VERIFICATION.has(code))) return undefined;
  const reference = condition.id ? `Condition/${condition.id}` : undefined;
  const value = conditionValue(condition, coding);
  if (condition.abatementString !== undefined) {
    note('pregnancy condition abated at a time that is not a date: no evidence either way');
    return undefined;
  }
  const abatement = firstDate(
    condition.abatementDateTime,
    condition.abatementPeriod?.start,
    condition.abatementPeriod?.end,
  );
  if (abatement.kind === 'unreadable') {
    note('pregnancy condition with an unreadable abatement date: no evidence either way');
    return undefined;
  }
  if (abatement.kind === 'at' && abatement.at.getTime() <= now.getTime()) {
    return {
      answer: 'negative',
      at: abatement.at,
      evidence: { label: 'Pregnancy condition ended', value, date: formatDate(abatement.at), reference },
    };
  }
  const clinical = codesOf(condition.clinicalStatus);
  if (clinical.length > 0 && !clinical.some((code) => ONGOING_CLINICAL_STATUS.has(code))) return undefined;
  const onset = firstDate(condition.onsetDateTime, condition.onsetPeriod?.start, condition.recordedDate);
  if (onset.kind !== 'at') {
    note('pregnancy condition without a usable date: not evidence');
    return undefined;
  }
  return {
    answer: 'positive',
    at: onset.at,
    evidence: { label: 'Pregnancy condition', value, date: formatDate(onset.at), reference },
  };
}

/** §3: 82810-3 Pregnant / Not pregnant, a qualitative hCG read positive / negative. */
function observationEvidence(
  observation: fhir4.Observation,
  note: (reason: string) => void,
): PregnancyEvidence | undefined {
  const status = isPregnancyStatusObservation(observation);
  const hcg = !status && isQualitativeHcgObservation(observation);
  if (!status && !hcg) {
    if (isQuantitativeHcgObservation(observation))
      note('quantitative hCG is not pregnancy evidence (§1.2): ignored');
    return undefined;
  }
  if (!ALLOWED_STATUSES.has(observation.status)) return undefined;
  const answer = status ? readPregnancyStatus(observation) : readQualitativeHcg(observation);
  if (answer === 'unreadable') {
    note(
      status
        ? 'pregnancy status neither pregnant nor not pregnant: ignored'
        : 'qualitative hCG unreadable: ignored',
    );
    return undefined;
  }
  const instant = instantOfResult(observation);
  if (instant === undefined) {
    note('pregnancy test or status without a readable date: not evidence');
    return undefined;
  }
  const loinc = (observation.code.coding ?? []).find((coding) => coding.system === 'http://loinc.org')?.code;
  const label = status ? 'Pregnancy status' : 'Qualitative hCG (pregnancy test)';
  return {
    answer,
    at: new Date(instant),
    evidence: {
      label: loinc ? `${label}, LOINC ${loinc}` : label,
      value: status ? (answer === 'positive' ? 'pregnant' : 'not pregnant') : answer,
      date: formatDate(new Date(instant)),
      reference: observation.id ? `Observation/${observation.id}` : undefined,
    },
  };
}

/**
 * §3 at `context.now`. Notes (prefixed with the rule's code) say why a piece of evidence was not
 * used; they never carry values or ids.
 */
export function assessPregnancy(
  context: Pick<RuleContext, 'now' | 'targets' | 'conditions' | 'observations' | 'unavailable' | 'note'>,
  code: RuleCode,
): PregnancyAssessment {
  if (context.unavailable.has('pregnancy')) return { kind: 'unavailable' };
  const { now } = context;
  const windowDays = context.targets.pregnancy.evidenceWindowDays;
  const note = (reason: string): void => context.note(`${code}: ${reason}`);
  const found: PregnancyEvidence[] = [];
  for (const condition of context.conditions) {
    const evidence = conditionEvidence(condition, now, note);
    if (evidence) found.push(evidence);
  }
  for (const observation of context.observations) {
    const evidence = observationEvidence(observation, note);
    if (evidence) found.push(evidence);
  }
  const inWindow = found.filter((evidence) => isWithinLastDays(evidence.at, now, windowDays));
  let latest: PregnancyEvidence | undefined;
  for (const evidence of inWindow) {
    if (evidence.answer === 'positive' && (!latest || evidence.at.getTime() > latest.at.getTime()))
      latest = evidence;
  }
  if (!latest) return { kind: 'not-recorded' };
  const latestAt = latest.at.getTime();
  const negatives = inWindow.filter((evidence) => evidence.answer === 'negative');
  if (negatives.some((evidence) => evidence.at.getTime() > latestAt)) return { kind: 'not-recorded' };
  return {
    kind: 'pregnant',
    latest,
    conflicting: negatives.filter((evidence) => evidence.at.getTime() === latestAt),
  };
}
