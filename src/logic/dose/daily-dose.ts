/**
 * Daily dose of one MedicationRequest from its FHIR R4 `Dosage` list
 * (https://hl7.org/fhir/R4/dosage.html; clinical-rules.md §2 "Daily dose" and §7 "Doses").
 *
 * dose per administration (mass, or count × product strength) × administrations per day, summed
 * over concurrent instructions. Whatever cannot be read with certainty gives no dose and a reason
 * (no PHI: only structural facts, never values tied to a patient name or id).
 */
import { withoutDotsOrSpaces } from '../vocabulary/codes';
import { parseFhirDateTime } from '../time/fhir-time';
import type { ProductStrength } from '../vocabulary/medication-groups';
import {
  bareUnit,
  countTimesStrength,
  countUnitOf,
  formatAmount,
  frequencyWords,
  isCountUnit,
  massUnitWord,
  timingCodeWords,
} from './dose-words';
import { convertUnit } from './units';

/**
 * `how` is the schedule as a prescriber writes it ("2 × 500 mg tablets twice daily"; concurrent
 * instructions joined by " + "); the card states the total beside it, so `how` does not repeat it.
 */
export type DailyDose =
  | { readonly ok: true; readonly mgPerDay: number; readonly prn: boolean; readonly how: string }
  | { readonly ok: false; readonly reason: string };

export interface DailyDoseOptions {
  /** Taper steps (different `sequence` values) are chosen by whose boundsPeriod contains now. */
  readonly now: Date;
  /**
   * Product strength from the classifier: mg per countable unit (tablet, capsule, `{pill}` …) or
   * mg per mL for liquids (MMF suspension 200 mg/mL). Undefined when the product is not known.
   */
  readonly strength?: ProductStrength | undefined;
}

/** §7: h = 1/24 d, wk = 7 d, mo = 30.4375 d, a = 365.25 d (UCUM-style `periodUnit` codes). */
const DAYS_PER_PERIOD_UNIT: Readonly<Record<string, number>> = {
  s: 1 / 86_400,
  min: 1 / 1_440,
  h: 1 / 24,
  d: 1,
  wk: 7,
  mo: 30.4375,
  a: 365.25,
};

/** §2: `timing.code` abbreviations (v3 GTSAbbreviation) → administrations per day. */
const PER_DAY_BY_TIMING_CODE: Readonly<Record<string, number>> = {
  QD: 1,
  AM: 1,
  PM: 1,
  BID: 2,
  TID: 3,
  QID: 4,
  QOD: 0.5,
};

const VOLUME_UNIT = /^(ml|millilit(er|re)s?)$/;

const UCUM = 'http://unitsofmeasure.org';
const DOSE_RATE_TYPE = 'http://terminology.hl7.org/CodeSystem/dose-rate-type';

export function computeDailyDose(
  dosages: readonly fhir4.Dosage[] | undefined,
  options: DailyDoseOptions,
): DailyDose {
  if (dosages === undefined || dosages.length === 0) return fail('no dosageInstruction');
  const step = selectApplicableStep(dosages, options.now);
  if (!step.ok) return step;

  let mgPerDay = 0;
  let prn = false;
  const parts: string[] = [];
  for (const dosage of step.dosages) {
    const perAdministration = readDosePerAdministration(dosage, options);
    if (!perAdministration.ok) return perAdministration;
    const perDay = readAdministrationsPerDay(dosage.timing);
    if (!perDay.ok) return perDay;
    mgPerDay += perAdministration.mg * perDay.count;
    const asNeeded = dosage.asNeededBoolean === true || dosage.asNeededCodeableConcept !== undefined;
    prn ||= asNeeded;
    parts.push(`${perAdministration.how} ${perDay.how}${asNeeded ? ' as needed' : ''}`);
  }
  // A dose no reading of the order can make true (a value that overflows) is no dose, not "Infinity mg/day".
  if (!Number.isFinite(mgPerDay)) return fail('dose too large to be a daily dose');
  mgPerDay = Math.round(mgPerDay * 1e6) / 1e6;
  return { ok: true, mgPerDay, prn, how: parts.join(' + ') };
}

type Step = { ok: true; dosages: readonly fhir4.Dosage[] } | { ok: false; reason: string };

/**
 * §2/§7: instructions with the same or no `sequence` are concurrent and add up; different
 * `sequence` values are steps of a taper, and the one step whose boundsPeriod contains now applies.
 * Unsequenced instructions next to several steps cannot be placed in time, so they give no dose.
 */
function selectApplicableStep(dosages: readonly fhir4.Dosage[], now: Date): Step {
  const sequences = new Set<number>();
  let unsequenced = 0;
  for (const dosage of dosages) {
    if (dosage.sequence === undefined) unsequenced += 1;
    else sequences.add(dosage.sequence);
  }
  if (sequences.size <= 1) return { ok: true, dosages };
  if (unsequenced > 0) return fail('taper steps mixed with unsequenced instructions');

  const current: number[] = [];
  for (const sequence of sequences) {
    const stepDosages = dosages.filter((d) => d.sequence === sequence);
    if (stepDosages.every((d) => boundsContain(d.timing?.repeat?.boundsPeriod, now))) {
      current.push(sequence);
    }
  }
  if (current.length !== 1) {
    return fail(current.length === 0 ? 'no taper step covers now' : 'several taper steps cover now');
  }
  return { ok: true, dosages: dosages.filter((d) => d.sequence === current[0]) };
}

/** Inclusive on both ends; a step without a readable start cannot be placed in time. */
function boundsContain(period: fhir4.Period | undefined, now: Date): boolean {
  const start = parseFhirDateTime(period?.start);
  if (start === undefined || start.getTime() > now.getTime()) return false;
  if (period?.end === undefined) return true;
  const end = parseFhirDateTime(period.end);
  return end !== undefined && now.getTime() <= end.getTime();
}

/**
 * One administration: mg, whether the order wrote it as a mass, a count or a volume, and for a
 * count the unit to name ("tbl", "capsule", "pill").
 */
export type PerAdministration =
  | {
      ok: true;
      mg: number;
      kind: 'mass' | 'count' | 'volume';
      how: string;
      countUnit: string | undefined;
    }
  | { ok: false; reason: string };

export function readDosePerAdministration(
  dosage: fhir4.Dosage,
  options: DailyDoseOptions,
): PerAdministration {
  const entries = dosage.doseAndRate ?? [];
  const entry =
    entries.find((e) =>
      e.type?.coding?.some((c) => c.code === 'ordered' && (c.system ?? DOSE_RATE_TYPE) === DOSE_RATE_TYPE),
    ) ?? entries[0];
  if (entry === undefined) return fail('no doseAndRate');
  if (entry.doseQuantity === undefined) {
    return fail(entry.doseRange !== undefined ? 'dose given as a range' : 'no doseQuantity');
  }
  const quantity = entry.doseQuantity;
  const value = quantity.value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    return fail('dose value missing or not positive');
  if (quantity.comparator !== undefined) return fail('dose with a comparator');

  const unit = readUnit(quantity);
  if (unit === undefined) return fail('dose without a unit');
  const mass = convertMassToMg(value, unit);
  if (mass !== undefined) {
    const how = `${formatAmount(value)} ${massUnitWord(mass.code)}`;
    return { ok: true, mg: mass.mg, kind: 'mass', how, countUnit: undefined };
  }

  const bare = bareUnit(unit);
  if (isCountUnit(bare)) {
    const strength = options.strength?.per === 'unit' ? options.strength : undefined;
    if (strength === undefined || !(strength.mg > 0)) return fail('count dose without a product strength');
    const countUnit = countUnitOf(quantity, bare);
    return {
      ok: true,
      mg: value * strength.mg,
      kind: 'count',
      how: countTimesStrength(value, countUnit, strength),
      countUnit,
    };
  }
  if (VOLUME_UNIT.test(bare)) {
    const strength = options.strength?.per === 'mL' ? options.strength.mg : undefined;
    if (strength === undefined || !(strength > 0)) return fail('volume dose without a mg/mL strength');
    return {
      ok: true,
      mg: value * strength,
      kind: 'volume',
      how: `${formatAmount(value)} mL of ${formatAmount(strength)} mg/mL`,
      countUnit: undefined,
    };
  }
  return fail('dose unit not recognised');
}

/** §7: the UCUM code when the system is UCUM, else the printable unit, else any code. */
function readUnit(quantity: fhir4.Quantity): string | undefined {
  const code = quantity.code?.trim();
  const unit = quantity.unit?.trim();
  if (code && quantity.system === UCUM) return code;
  if (unit) return unit;
  return code || undefined;
}

export type PerDay = { ok: true; count: number; how: string } | { ok: false; reason: string };

/**
 * §2: `repeat.frequency` ÷ `period` when frequency is present, else `timing.code`. frequencyMax and
 * periodMax are ignored (the stated regular schedule is the prescription); dayOfWeek changes the
 * count in ways the frequency alone does not express, so it gives no dose.
 */
export function readAdministrationsPerDay(timing: fhir4.Timing | undefined): PerDay {
  if (timing === undefined) return fail('no timing');
  const repeat = timing.repeat;
  if (repeat?.frequency !== undefined) {
    const { frequency, period, periodUnit } = repeat;
    if (!(frequency > 0)) return fail('frequency not positive');
    if (period === undefined || !(period > 0)) return fail('frequency without a period');
    const days = periodUnit === undefined ? undefined : DAYS_PER_PERIOD_UNIT[periodUnit];
    if (periodUnit === undefined || days === undefined) return fail('period unit not recognised');
    if (repeat.dayOfWeek !== undefined && repeat.dayOfWeek.length > 0) return fail('dayOfWeek schedule');
    const count = frequency / (period * days);
    return { ok: true, count, how: frequencyWords(frequency, period, periodUnit) };
  }
  return readTimingCode(timing.code);
}

function readTimingCode(code: fhir4.CodeableConcept | undefined): PerDay {
  const found = new Set<string>();
  for (const coding of code?.coding ?? []) {
    const key = normaliseAbbreviation(coding.code);
    if (key !== undefined) found.add(key);
  }
  const fromText = normaliseAbbreviation(code?.text);
  if (fromText !== undefined) found.add(fromText);
  if (found.size === 0)
    return fail(code === undefined ? 'no frequency and no timing code' : 'timing code not recognised');
  if (found.size > 1) return fail('conflicting timing codes');
  const key = [...found][0] ?? '';
  const count = PER_DAY_BY_TIMING_CODE[key];
  if (count === undefined) return fail('timing code not recognised');
  return { ok: true, count, how: timingCodeWords(key) };
}

/** "BID", "bid", "b.i.d." → "BID"; anything not in the table → undefined. */
function normaliseAbbreviation(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const key = withoutDotsOrSpaces(raw).toUpperCase();
  return key in PER_DAY_BY_TIMING_CODE ? key : undefined;
}

/**
 * Mass dose spellings → UCUM (§2: mg / g / ug, with the mcg and µg spellings EHRs send; any case,
 * since UCUM's case-sensitive `MG` would be megagauss). The factor then comes from UCUM.
 */
const UCUM_MASS_SPELLINGS: readonly (readonly [RegExp, string])[] = [
  [/^(mg|milligrams?)$/i, 'mg'],
  [/^(g|grams?)$/i, 'g'],
  [/^(ug|mcg|[\u00B5\u03BC]g|micrograms?)$/i, 'ug'], // µ: micro sign and Greek mu
];

function convertMassToMg(value: number, unit: string): { mg: number; code: string } | undefined {
  const code = UCUM_MASS_SPELLINGS.find(([spelling]) => spelling.test(unit))?.[1];
  if (code === undefined) return undefined;
  const converted = convertUnit(value, code, 'mg');
  return converted.ok ? { mg: converted.value, code } : undefined;
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
