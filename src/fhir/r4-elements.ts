/**
 * Tolerant readers that turn FHIR data types of any version (DSTU2, STU3, R4) received as JSON
 * into well-typed R4 elements, so the pure rules never meet a string where they expect an array.
 * A value of the wrong JSON type is dropped (and the rule that needed it stays silent); a single
 * object where R4 has an array is wrapped (the CDS Hooks Sandbox sends `category` and
 * `reasonCode` as single objects).
 *
 * Each reader returns one object literal with every element it reads as a key, `undefined` when
 * absent or unreadable: one hidden class per data type, so the rules' property reads stay
 * monomorphic, and no call per element. Absent and `undefined` read the same to `?.` / `??`, and
 * JSON.stringify leaves `undefined` out, so nothing changes on the wire (bench/, issue 5: the
 * per-element conditional copies were the hottest part of reading a record).
 *
 * A Coding, CodeableConcept, Quantity, Range, Ratio, Period, Reference, Timing (and its repeat),
 * Dosage, doseAndRate entry or list that is already well-formed — every element it reads comes
 * out as it went in — is returned as it came, not copied: the
 * copies were most of what a hook allocated (more than parsing the body), and what the rules
 * read is the same either way. Such an element may carry elements no reader looks at
 * (`extension`, `id`); a draft sent back in a suggestion keeps them, as an update should, except
 * what restates the replaced dose (src/logic/dose/propose-dose.ts drops it).
 */

import { DOSE_ON_DOSAGE_KEYS } from '../logic/dose-on-dosage';

export type Json = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** undefined stays undefined, an array stays, anything else becomes a one-item array. */
export function asArray(value: unknown): readonly unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? (value as unknown[]) : [value];
}

/** A string with some non-whitespace character, else undefined. */
export function readString(value: unknown): string | undefined {
  return typeof value === 'string' && !isBlank(value) ? value : undefined;
}

/**
 * `value.trim() === ''`, decided by the first character when it is printable ASCII (never
 * whitespace), as it is for nearly every id, code and date: trim is a builtin call per string
 * element of every resource (bench/, issue 5).
 */
function isBlank(value: string): boolean {
  const first = value.charCodeAt(0);
  if (first > 0x20 && first < 0x7f) return false;
  return value.trim() === '';
}

export function readNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function readBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/**
 * Maps an array-or-single value through a reader, dropping unreadable items; undefined if none.
 * An array whose every item the reader returns unchanged is returned itself (no copy).
 */
export function readList<T>(value: unknown, read: (item: unknown) => T | undefined): T[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    const item = read(value);
    return item === undefined ? undefined : [item];
  }
  const raw = value as unknown[];
  let items: T[] | undefined; // made at the first item that differs from what came in
  for (let index = 0; index < raw.length; index += 1) {
    const entry = raw[index];
    const item = read(entry);
    if (items === undefined) {
      if (item !== undefined && item === entry) continue;
      items = raw.slice(0, index) as T[];
    }
    if (item !== undefined) items.push(item);
  }
  if (items === undefined) return raw.length > 0 ? (raw as T[]) : undefined;
  return items.length > 0 ? items : undefined;
}

/** Copies the defined entries only (exactOptionalPropertyTypes-friendly, no `undefined` keys). */
export function compact<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  // for…in over a fresh object literal (no inherited enumerable keys): no entries array per call,
  // which made this the hottest function of a hook (bench/, issue 5).
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const item = value[key];
    if (item !== undefined) out[key] = item;
  }
  return out as T;
}

export function readCoding(value: unknown): fhir4.Coding | undefined {
  if (!isObject(value)) return undefined;
  const system = readString(value.system);
  const version = readString(value.version);
  const code = readString(value.code);
  const display = readString(value.display);
  const userSelected = readBoolean(value.userSelected);
  if (code === undefined && display === undefined) return undefined;
  if (
    system === value.system &&
    version === value.version &&
    code === value.code &&
    display === value.display &&
    userSelected === value.userSelected
  ) {
    return value;
  }
  return { system, version, code, display, userSelected };
}

export function readCodeableConcept(value: unknown): fhir4.CodeableConcept | undefined {
  if (!isObject(value)) return undefined;
  const coding = readList(value.coding, readCoding);
  const text = readString(value.text);
  if (coding === undefined && text === undefined) return undefined;
  if (coding === value.coding && text === value.text) return value;
  return { coding, text };
}

const COMPARATORS: ReadonlySet<string> = new Set(['<', '<=', '>=', '>']);

export function readQuantity(value: unknown): fhir4.Quantity | undefined {
  if (!isObject(value)) return undefined;
  const comparator = readString(value.comparator);
  const known = comparator === undefined || COMPARATORS.has(comparator);
  // A value behind an unknown comparator cannot be read with certainty: drop it.
  const number = known ? readNumber(value.value) : undefined;
  const unit = readString(value.unit);
  const system = readString(value.system);
  const code = readString(value.code);
  if (
    known &&
    number === value.value &&
    comparator === value.comparator &&
    unit === value.unit &&
    system === value.system &&
    code === value.code
  ) {
    return value;
  }
  return {
    value: number,
    comparator: known ? (comparator as fhir4.Quantity['comparator']) : undefined,
    unit,
    system,
    code,
  };
}

export function readRange(value: unknown): fhir4.Range | undefined {
  if (!isObject(value)) return undefined;
  const low = readQuantity(value.low);
  const high = readQuantity(value.high);
  if (low === value.low && high === value.high) return value;
  return { low, high };
}

export function readRatio(value: unknown): fhir4.Ratio | undefined {
  if (!isObject(value)) return undefined;
  const numerator = readQuantity(value.numerator);
  const denominator = readQuantity(value.denominator);
  if (numerator === value.numerator && denominator === value.denominator) return value;
  return { numerator, denominator };
}

export function readPeriod(value: unknown): fhir4.Period | undefined {
  if (!isObject(value)) return undefined;
  const start = readString(value.start);
  const end = readString(value.end);
  if (start === undefined && end === undefined) return undefined;
  if (start === value.start && end === value.end) return value;
  return { start, end };
}

export function readReference(value: unknown): fhir4.Reference | undefined {
  if (!isObject(value)) return undefined;
  const reference = readString(value.reference);
  const type = readString(value.type);
  const display = readString(value.display);
  if (reference === undefined && display === undefined) return undefined;
  if (reference === value.reference && type === value.type && display === value.display) {
    return value;
  }
  return { reference, type, display };
}

export function readAnnotation(value: unknown): fhir4.Annotation | undefined {
  if (typeof value === 'string') return { text: value }; // DSTU2 `note` is a string
  if (!isObject(value)) return undefined;
  const text = readString(value.text);
  return text === undefined ? undefined : compact<fhir4.Annotation>({ text, time: readString(value.time) });
}

type PeriodUnit = NonNullable<fhir4.TimingRepeat['periodUnit']>;
const UNITS_OF_TIME: ReadonlySet<string> = new Set(['s', 'min', 'h', 'd', 'wk', 'mo', 'a']);

function readUnitOfTime(value: unknown): PeriodUnit | undefined {
  const unit = readString(value);
  return unit !== undefined && UNITS_OF_TIME.has(unit) ? (unit as PeriodUnit) : undefined;
}

/**
 * Timing of any version. DSTU2 spells `periodUnits` / `durationUnits`, names a bounds duration
 * `boundsQuantity` and has a single `when`.
 */
export function readTiming(value: unknown): fhir4.Timing | undefined {
  if (!isObject(value)) return undefined;
  const raw = isObject(value.repeat) ? value.repeat : undefined;
  const repeat = raw && readTimingRepeat(raw);
  // clinical-rules.md §2: `timing.code` counts only when `repeat.frequency` is absent. A frequency
  // that is present but unreadable ("2" as a string) must not let the code stand in for it (a
  // QD code under an unreadable "2 per day" would be half the dose): drop the code, no dose.
  const unreadableFrequency =
    raw?.frequency !== undefined && raw.frequency !== null && repeat?.frequency === undefined;
  const event = readList(value.event, readString);
  const code = unreadableFrequency ? undefined : readCodeableConcept(value.code);
  if (event === value.event && repeat === value.repeat && code === value.code) return value;
  return { event, repeat, code };
}

function readTimingRepeat(raw: Json): fhir4.TimingRepeat {
  const read: fhir4.TimingRepeat = {
    boundsPeriod: readPeriod(raw.boundsPeriod),
    boundsDuration: readQuantity(raw.boundsDuration ?? raw.boundsQuantity),
    boundsRange: readRange(raw.boundsRange),
    count: readNumber(raw.count),
    countMax: readNumber(raw.countMax),
    duration: readNumber(raw.duration),
    durationMax: readNumber(raw.durationMax),
    durationUnit: readUnitOfTime(raw.durationUnit ?? raw.durationUnits),
    frequency: readNumber(raw.frequency),
    frequencyMax: readNumber(raw.frequencyMax),
    period: readNumber(raw.period),
    periodMax: readNumber(raw.periodMax),
    // An unrecognised unit is kept out: the dose reader then reports "period unit not recognised".
    periodUnit: readUnitOfTime(raw.periodUnit ?? raw.periodUnits),
    dayOfWeek: readList(raw.dayOfWeek, readString) as fhir4.TimingRepeat['dayOfWeek'],
    timeOfDay: readList(raw.timeOfDay, readString),
    when: readList(raw.when, readString) as fhir4.TimingRepeat['when'],
    offset: readNumber(raw.offset),
  };
  // Every key of the literal above, compared one by one (a loop over its keys cost ~15 % more of
  // reading, bench/, issue 5): a key left out here would let its unread value through.
  const same =
    read.boundsPeriod === raw.boundsPeriod &&
    read.boundsDuration === raw.boundsDuration &&
    read.boundsRange === raw.boundsRange &&
    read.count === raw.count &&
    read.countMax === raw.countMax &&
    read.duration === raw.duration &&
    read.durationMax === raw.durationMax &&
    read.durationUnit === raw.durationUnit &&
    read.frequency === raw.frequency &&
    read.frequencyMax === raw.frequencyMax &&
    read.period === raw.period &&
    read.periodMax === raw.periodMax &&
    read.periodUnit === raw.periodUnit &&
    read.dayOfWeek === raw.dayOfWeek &&
    read.timeOfDay === raw.timeOfDay &&
    read.when === raw.when &&
    read.offset === raw.offset;
  return same ? raw : read;
}

function readDoseAndRate(value: unknown): fhir4.DosageDoseAndRate | undefined {
  const entry = readDoseAndRateOf(value);
  if (entry === undefined || !isObject(value)) return entry;
  // Every key of the entry readDoseAndRateOf builds, compared one by one (a loop over its keys
  // cost ~15 % more of reading, bench/, issue 5): a key left out would let its unread value through.
  const same =
    entry.type === value.type &&
    entry.doseQuantity === value.doseQuantity &&
    entry.doseRange === value.doseRange &&
    entry.rateQuantity === value.rateQuantity &&
    entry.rateRatio === value.rateRatio &&
    entry.rateRange === value.rateRange;
  return same ? value : entry;
}

/** An STU3 / DSTU2 Dosage's own dose[x] and rate[x] as one R4 doseAndRate entry (always a copy). */
function readDoseAndRateOf(value: unknown): fhir4.DosageDoseAndRate | undefined {
  if (!isObject(value)) return undefined;
  const entry: fhir4.DosageDoseAndRate = {
    type: readCodeableConcept(value.type),
    doseQuantity: readQuantity(value.doseQuantity ?? value.doseSimpleQuantity),
    doseRange: readRange(value.doseRange),
    rateQuantity: readQuantity(value.rateQuantity),
    rateRatio: readRatio(value.rateRatio),
    rateRange: readRange(value.rateRange),
  };
  const empty =
    entry.type === undefined &&
    entry.doseQuantity === undefined &&
    entry.doseRange === undefined &&
    entry.rateQuantity === undefined &&
    entry.rateRatio === undefined &&
    entry.rateRange === undefined;
  return empty ? undefined : entry;
}

/**
 * Dosage of any version into R4: STU3 and DSTU2 carry dose[x] / rate[x] on the Dosage itself,
 * R4 moved them into `doseAndRate[]`. DSTU2 `additionalInstructions` is one CodeableConcept.
 */
export function readDosage(value: unknown): fhir4.Dosage | undefined {
  if (!isObject(value)) return undefined;
  const doseAndRate =
    value.doseAndRate !== undefined
      ? readList(value.doseAndRate, readDoseAndRate)
      : DOSE_ON_DOSAGE_KEYS.some((key) => value[key] !== undefined)
        ? readList(value, readDoseAndRateOf)
        : undefined;
  // §2: an as-needed dose never makes a "dose low" card. An `asNeededBoolean` that is present but
  // not a boolean ("true" as a string) cannot say whether the dose is PRN: no dose, not a guess.
  const unreadableAsNeeded =
    value.asNeededBoolean !== undefined &&
    value.asNeededBoolean !== null &&
    readBoolean(value.asNeededBoolean) === undefined;
  // A `sequence` present but unreadable ("2" as a string) hides whether this is a taper step or a
  // concurrent instruction (§7: steps apply one at a time, concurrent ones add up): no dose.
  const unreadableSequence =
    value.sequence !== undefined && value.sequence !== null && readNumber(value.sequence) === undefined;
  const read: fhir4.Dosage = {
    sequence: readNumber(value.sequence),
    text: readString(value.text),
    additionalInstruction: readList(
      value.additionalInstruction ?? value.additionalInstructions,
      readCodeableConcept,
    ),
    patientInstruction: readString(value.patientInstruction),
    timing: readTiming(value.timing),
    asNeededBoolean: readBoolean(value.asNeededBoolean),
    asNeededCodeableConcept: readCodeableConcept(value.asNeededCodeableConcept),
    site: readCodeableConcept(value.site ?? value.siteCodeableConcept),
    route: readCodeableConcept(value.route),
    method: readCodeableConcept(value.method),
    doseAndRate: unreadableAsNeeded || unreadableSequence ? undefined : doseAndRate,
    maxDosePerPeriod: readRatio(value.maxDosePerPeriod),
    maxDosePerAdministration: readQuantity(value.maxDosePerAdministration),
  };
  // Every key of the literal above, compared one by one (a loop over its keys cost ~15 % more of
  // reading, bench/, issue 5): a key left out here would let its unread value through.
  const same =
    read.sequence === value.sequence &&
    read.text === value.text &&
    read.additionalInstruction === value.additionalInstruction &&
    read.patientInstruction === value.patientInstruction &&
    read.timing === value.timing &&
    read.asNeededBoolean === value.asNeededBoolean &&
    read.asNeededCodeableConcept === value.asNeededCodeableConcept &&
    read.site === value.site &&
    read.route === value.route &&
    read.method === value.method &&
    read.doseAndRate === value.doseAndRate &&
    read.maxDosePerPeriod === value.maxDosePerPeriod &&
    read.maxDosePerAdministration === value.maxDosePerAdministration;
  return same ? value : read;
}
