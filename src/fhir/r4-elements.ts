/**
 * Tolerant readers that turn FHIR data types of any version (DSTU2, STU3, R4) received as JSON
 * into well-typed R4 elements, so the pure rules never meet a string where they expect an array.
 * A value of the wrong JSON type is dropped (and the rule that needed it stays silent); a single
 * object where R4 has an array is wrapped (the CDS Hooks Sandbox sends `category` and
 * `reasonCode` as single objects).
 *
 * Each reader builds a fresh object literal with exactly the elements it reads, `undefined` when
 * absent or unreadable: one shape per data type, and nothing it did not read (an `extension`, a
 * primitive's `_text`, an STU3 leftover) reaches the rules or a suggestion. Absent and
 * `undefined` read the same to `?.` / `??`, and JSON.stringify leaves `undefined` out. The input
 * is never changed.
 */

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
 * whitespace), as it is for nearly every id, code and date: `trim` on every string element was
 * ~1.6 % of a hook's instructions under callgrind.
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

/** Maps an array-or-single value through a reader, dropping unreadable items; undefined if none. */
export function readList<T>(value: unknown, read: (item: unknown) => T | undefined): T[] | undefined {
  const items: T[] = [];
  for (const entry of asArray(value) ?? []) {
    const item = read(entry);
    if (item !== undefined) items.push(item);
  }
  return items.length > 0 ? items : undefined;
}

export function readCoding(value: unknown): fhir4.Coding | undefined {
  if (!isObject(value)) return undefined;
  const code = readString(value.code);
  const display = readString(value.display);
  if (code === undefined && display === undefined) return undefined;
  return {
    system: readString(value.system),
    version: readString(value.version),
    code,
    display,
    userSelected: readBoolean(value.userSelected),
  };
}

export function readCodeableConcept(value: unknown): fhir4.CodeableConcept | undefined {
  if (!isObject(value)) return undefined;
  const coding = readList(value.coding, readCoding);
  const text = readString(value.text);
  if (coding === undefined && text === undefined) return undefined;
  return { coding, text };
}

const COMPARATORS: ReadonlySet<string> = new Set(['<', '<=', '>=', '>']);

export function readQuantity(value: unknown): fhir4.Quantity | undefined {
  if (!isObject(value)) return undefined;
  const comparator = readString(value.comparator);
  const known = comparator === undefined || COMPARATORS.has(comparator);
  return {
    // A value behind an unknown comparator cannot be read with certainty: drop it.
    value: known ? readNumber(value.value) : undefined,
    comparator: known ? (comparator as fhir4.Quantity['comparator']) : undefined,
    unit: readString(value.unit),
    system: readString(value.system),
    code: readString(value.code),
  };
}

export function readRange(value: unknown): fhir4.Range | undefined {
  if (!isObject(value)) return undefined;
  return { low: readQuantity(value.low), high: readQuantity(value.high) };
}

export function readRatio(value: unknown): fhir4.Ratio | undefined {
  if (!isObject(value)) return undefined;
  return { numerator: readQuantity(value.numerator), denominator: readQuantity(value.denominator) };
}

export function readPeriod(value: unknown): fhir4.Period | undefined {
  if (!isObject(value)) return undefined;
  const start = readString(value.start);
  const end = readString(value.end);
  if (start === undefined && end === undefined) return undefined;
  return { start, end };
}

export function readReference(value: unknown): fhir4.Reference | undefined {
  if (!isObject(value)) return undefined;
  const reference = readString(value.reference);
  const display = readString(value.display);
  if (reference === undefined && display === undefined) return undefined;
  return { reference, type: readString(value.type), display };
}

export function readAnnotation(value: unknown): fhir4.Annotation | undefined {
  if (typeof value === 'string') return { text: value }; // DSTU2 `note` is a string
  if (!isObject(value)) return undefined;
  const text = readString(value.text);
  return text === undefined ? undefined : { text, time: readString(value.time) };
}

type UnitOfTime = NonNullable<fhir4.TimingRepeat['periodUnit']>;
const UNITS_OF_TIME: ReadonlySet<string> = new Set(['s', 'min', 'h', 'd', 'wk', 'mo', 'a']);

function readUnitOfTime(value: unknown): UnitOfTime | undefined {
  const unit = readString(value);
  return unit !== undefined && UNITS_OF_TIME.has(unit) ? (unit as UnitOfTime) : undefined;
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
  return {
    event: readList(value.event, readString),
    repeat,
    code: unreadableFrequency ? undefined : readCodeableConcept(value.code),
  };
}

function readTimingRepeat(raw: Json): fhir4.TimingRepeat {
  return {
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
}
