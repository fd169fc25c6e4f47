import { isWithinLastDays, parseFhirInstant } from '../time/fhir-time';
import {
  LOINC_SYSTEM,
  OBSERVATION_GROUPS,
  OBSERVATION_GROUP_KEYS,
  type ObservationGroup,
  type ObservationGroupKey,
} from '../vocabulary/observation-groups';
import type { LatestResult, ReadableResult, Reading, RuleContext } from '../rules/rule';
import type { RuleCode } from '../vocabulary/rule-codes';
import { UCUM_SYSTEM, convertUnit, roundTo2 } from '../dose/units';

/**
 * Selection of results per clinical-rules.md §3 and §7: allowed status, the latest by
 * effectiveDateTime → effectivePeriod.start → issued, results after `now` ignored. The latest
 * decides even when it cannot be read — rules never fall back to an older value.
 */
const GROUP_BY_LOINC: ReadonlyMap<string, ObservationGroupKey> = new Map(
  OBSERVATION_GROUP_KEYS.flatMap((key) => OBSERVATION_GROUPS[key].loinc.map((code) => [code, key] as const)),
);

export function groupOf(observation: fhir4.Observation): ObservationGroupKey | undefined {
  for (const coding of observation.code.coding ?? []) {
    if (coding.system !== LOINC_SYSTEM || !coding.code) continue;
    const key = GROUP_BY_LOINC.get(coding.code.trim());
    if (key) return key;
  }
  return undefined;
}

/** §3: effectiveDateTime (or effectiveInstant), else effectivePeriod.start, else issued. */
export function instantOfResult(observation: fhir4.Observation): number | undefined {
  const text =
    observation.effectiveDateTime ??
    observation.effectiveInstant ??
    observation.effectivePeriod?.start ??
    observation.issued;
  return parseFhirInstant(text);
}

const COMPARATORS: ReadonlySet<string> = new Set(['<', '<=', '>', '>=']);

/** Reads the value in the group's canonical unit (§7 unit rules), or says why it cannot. */
export function readResult(observation: fhir4.Observation, group: ObservationGroup): Reading {
  const quantity = observation.valueQuantity;
  if (quantity?.value === undefined || !Number.isFinite(quantity.value)) {
    return { ok: false, reason: 'result has no numeric valueQuantity' };
  }
  const comparator = quantity.comparator;
  if (comparator !== undefined && !COMPARATORS.has(comparator)) {
    return { ok: false, reason: 'comparator cannot be interpreted' };
  }
  const unit = (quantity.system === UCUM_SYSTEM && quantity.code ? quantity.code : quantity.unit) ?? '';
  const converted = convertUnit(quantity.value, unit, group.canonicalUnit, group.molecularWeight);
  if (!converted.ok) return { ok: false, reason: converted.reason };
  const value = roundTo2(converted.value);
  return {
    ok: true,
    value,
    unit: group.canonicalUnit,
    comparator,
    reported: { value: quantity.value, unit },
  };
}

function sameReading(a: Reading, b: Reading): boolean {
  return a.ok && b.ok && a.value === b.value && a.comparator === b.comparator;
}

/** The latest result of a group so far, and any others at the same instant with the same `issued`. */
interface Candidate {
  observation: fhir4.Observation;
  at: number;
  ties: fhir4.Observation[] | undefined;
}

/** `issued` only breaks ties at the same instant, so it is parsed only then. */
function issuedOf(observation: fhir4.Observation): number {
  return parseFhirInstant(observation.issued) ?? -Infinity;
}

/**
 * The latest result of each analyte group. Ties at the same instant are broken by the later
 * `issued`; results still tied must agree, otherwise the latest is unreadable.
 */
export function selectLatestResults(
  observations: readonly fhir4.Observation[],
  now: Date,
  note: (reason: string) => void,
): Partial<Record<ObservationGroupKey, LatestResult>> {
  // One candidate per group, replaced in place, instants compared as numbers: a Date is made only
  // for each group's latest result.
  const best = new Map<ObservationGroupKey, Candidate>();
  const nowMs = now.getTime();
  for (const observation of observations) {
    const key = groupOf(observation);
    if (!key) continue;
    if (!OBSERVATION_GROUPS[key].statuses.includes(observation.status)) continue;
    const at = instantOfResult(observation);
    if (at === undefined) {
      note(`${key} result without a readable date ignored`);
      continue;
    }
    if (at > nowMs) {
      note(`${key} result dated after now ignored`);
      continue;
    }
    const head = best.get(key);
    if (!head) {
      best.set(key, { observation, at, ties: undefined });
    } else if (at > head.at) {
      head.observation = observation;
      head.at = at;
      head.ties = undefined;
    } else if (at === head.at) {
      const issued = issuedOf(observation);
      const headIssued = issuedOf(head.observation);
      if (issued > headIssued) {
        head.observation = observation;
        head.ties = undefined;
      } else if (issued === headIssued) {
        (head.ties ??= []).push(observation);
      }
    }
  }
  const latest: Partial<Record<ObservationGroupKey, LatestResult>> = {};
  for (const [key, head] of best) {
    const group = OBSERVATION_GROUPS[key];
    let reading = readResult(head.observation, group);
    if (head.ties?.some((other) => !sameReading(reading, readResult(other, group)))) {
      reading = { ok: false, reason: 'several results at the same time disagree' };
    }
    latest[key] = { observation: head.observation, at: new Date(head.at), reading };
  }
  return latest;
}

export type Certainty = 'yes' | 'no' | 'unknown';

/**
 * §7: is the reading below (or above) the threshold? A comparator settles it only when certain:
 * `< 2.0` is below 4.0, `> 9` is above 6.0, `< 5` says nothing about 4.0.
 */
export function isBeyond(reading: Reading, threshold: number, side: 'below' | 'above'): Certainty {
  if (!reading.ok) return 'unknown';
  const v = reading.value;
  const beyond = side === 'below' ? v < threshold : v > threshold;
  switch (reading.comparator) {
    case undefined:
      return beyond ? 'yes' : 'no';
    case '<':
      if (side === 'below') return v <= threshold ? 'yes' : 'unknown';
      return v <= threshold ? 'no' : 'unknown';
    case '<=':
      if (side === 'below') return v < threshold ? 'yes' : 'unknown';
      return v <= threshold ? 'no' : 'unknown';
    case '>':
      if (side === 'above') return v >= threshold ? 'yes' : 'unknown';
      return v >= threshold ? 'no' : 'unknown';
    case '>=':
      if (side === 'above') return v > threshold ? 'yes' : 'unknown';
      return v >= threshold ? 'no' : 'unknown';
  }
}

/**
 * §5: the latest result of a group when it lies in the last `windowDays` days and can be read
 * (`name` is how the debug note calls it). None in the window: silent. The latest cannot be read:
 * a note, and no older result instead (§3).
 */
export function selectRecentReadableResult(
  context: RuleContext,
  code: RuleCode,
  key: ObservationGroupKey,
  name: string,
  windowDays: number,
): ReadableResult | undefined {
  const result = context.latest[key];
  if (!result || !isWithinLastDays(result.at, context.now, windowDays)) return undefined;
  const { reading } = result;
  if (!reading.ok) {
    context.note(`${code}: latest ${name} unreadable (${reading.reason})`);
    return undefined;
  }
  return { observation: result.observation, at: result.at, reading };
}

/**
 * §7: the side of the limits (inclusive) the reading certainly lies beyond, if any. A comparator
 * that leaves it open (`< 5` against a minimum of 4.0) gives none, and a note.
 */
export function judgeReading(
  context: RuleContext,
  code: RuleCode,
  name: string,
  reading: Reading,
  limits: { readonly min?: number | undefined; readonly max?: number | undefined },
): 'below' | 'above' | undefined {
  const below = limits.min === undefined ? 'no' : isBeyond(reading, limits.min, 'below');
  const above = limits.max === undefined ? 'no' : isBeyond(reading, limits.max, 'above');
  if (below === 'yes') return 'below';
  if (above === 'yes') return 'above';
  if (below === 'unknown' || above === 'unknown') {
    context.note(`${code}: comparator of the latest ${name} does not settle the question`);
  }
  return undefined;
}

/**
 * The latest result of one group with `from ≤ t ≤ to` (both inclusive), chosen as §3 chooses the
 * latest (allowed status, ties broken by `issued`, disagreeing ties unreadable) — for a result
 * before a given day, such as the eGFR baseline before a calcineurin inhibitor was started.
 */
export function selectLatestResultBetween(
  observations: readonly fhir4.Observation[],
  key: ObservationGroupKey,
  window: { readonly from: Date; readonly to: Date },
  note: (reason: string) => void,
): LatestResult | undefined {
  const from = window.from.getTime();
  const inWindow = observations.filter((observation) => {
    if (groupOf(observation) !== key) return false;
    const at = instantOfResult(observation);
    // Undated results are noted when the latest results of the record are chosen.
    return at !== undefined && at >= from && at <= window.to.getTime();
  });
  return selectLatestResults(inWindow, window.to, note)[key];
}
