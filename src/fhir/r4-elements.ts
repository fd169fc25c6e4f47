/**
 * Tolerant readers that turn FHIR data types of any version (DSTU2, STU3, R4) received as JSON
 * into well-typed R4 elements, so the pure rules never meet a string where they expect an array.
 * A value of the wrong JSON type is dropped (and the rule that needed it stays silent); a single
 * object where R4 has an array is wrapped (the CDS Hooks Sandbox sends `category` and
 * `reasonCode` as single objects).
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

export function readString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function readNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function readBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** Maps an array-or-single value through a reader, dropping unreadable items; undefined if none. */
export function readList<T>(value: unknown, read: (item: unknown) => T | undefined): T[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items: T[] = [];
  if (Array.isArray(value)) {
    for (const entry of value as unknown[]) {
      const item = read(entry);
      if (item !== undefined) items.push(item);
    }
  } else {
    const item = read(value);
    if (item !== undefined) items.push(item);
  }
  return items.length > 0 ? items : undefined;
}

/**
 * Sets an element only when it was readable: no `undefined` keys, as compact() gives, but with a
 * named store per call site once inlined. compact()'s one keyed store shared by every element of
 * every type was the hottest line of a hook's record reading (bench/, issue 5).
 */
export function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
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
  const code = readString(value.code);
  const display = readString(value.display);
  if (code === undefined && display === undefined) return undefined;
  const coding: fhir4.Coding = {};
  put(coding, 'system', readString(value.system));
  put(coding, 'version', readString(value.version));
  put(coding, 'code', code);
  put(coding, 'display', display);
  put(coding, 'userSelected', readBoolean(value.userSelected));
  return coding;
}

export function readCodeableConcept(value: unknown): fhir4.CodeableConcept | undefined {
  if (!isObject(value)) return undefined;
  const coding = readList(value.coding, readCoding);
  const text = readString(value.text);
  if (coding === undefined && text === undefined) return undefined;
  const concept: fhir4.CodeableConcept = {};
  put(concept, 'coding', coding);
  put(concept, 'text', text);
  return concept;
}

const COMPARATORS: ReadonlySet<string> = new Set(['<', '<=', '>=', '>']);

export function readQuantity(value: unknown): fhir4.Quantity | undefined {
  if (!isObject(value)) return undefined;
  const comparator = readString(value.comparator);
  const known = comparator === undefined || COMPARATORS.has(comparator);
  const quantity: fhir4.Quantity = {};
  // A value behind an unknown comparator cannot be read with certainty: drop it.
  if (known) {
    put(quantity, 'value', readNumber(value.value));
    put(quantity, 'comparator', comparator as fhir4.Quantity['comparator']);
  }
  put(quantity, 'unit', readString(value.unit));
  put(quantity, 'system', readString(value.system));
  put(quantity, 'code', readString(value.code));
  return quantity;
}

export function readRange(value: unknown): fhir4.Range | undefined {
  if (!isObject(value)) return undefined;
  const range: fhir4.Range = {};
  put(range, 'low', readQuantity(value.low));
  put(range, 'high', readQuantity(value.high));
  return range;
}

export function readRatio(value: unknown): fhir4.Ratio | undefined {
  if (!isObject(value)) return undefined;
  const ratio: fhir4.Ratio = {};
  put(ratio, 'numerator', readQuantity(value.numerator));
  put(ratio, 'denominator', readQuantity(value.denominator));
  return ratio;
}

export function readPeriod(value: unknown): fhir4.Period | undefined {
  if (!isObject(value)) return undefined;
  const start = readString(value.start);
  const end = readString(value.end);
  if (start === undefined && end === undefined) return undefined;
  const period: fhir4.Period = {};
  put(period, 'start', start);
  put(period, 'end', end);
  return period;
}

export function readReference(value: unknown): fhir4.Reference | undefined {
  if (!isObject(value)) return undefined;
  const reference = readString(value.reference);
  const display = readString(value.display);
  if (reference === undefined && display === undefined) return undefined;
  const read: fhir4.Reference = {};
  put(read, 'reference', reference);
  put(read, 'type', readString(value.type));
  put(read, 'display', display);
  return read;
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
  const timing: fhir4.Timing = {};
  put(timing, 'event', readList(value.event, readString));
  put(timing, 'repeat', repeat);
  if (!unreadableFrequency) put(timing, 'code', readCodeableConcept(value.code));
  return timing;
}

function readTimingRepeat(raw: Json): fhir4.TimingRepeat {
  const repeat: fhir4.TimingRepeat = {};
  put(repeat, 'boundsPeriod', readPeriod(raw.boundsPeriod));
  put(repeat, 'boundsDuration', readQuantity(raw.boundsDuration ?? raw.boundsQuantity));
  put(repeat, 'boundsRange', readRange(raw.boundsRange));
  put(repeat, 'count', readNumber(raw.count));
  put(repeat, 'countMax', readNumber(raw.countMax));
  put(repeat, 'duration', readNumber(raw.duration));
  put(repeat, 'durationMax', readNumber(raw.durationMax));
  put(repeat, 'durationUnit', readUnitOfTime(raw.durationUnit ?? raw.durationUnits));
  put(repeat, 'frequency', readNumber(raw.frequency));
  put(repeat, 'frequencyMax', readNumber(raw.frequencyMax));
  put(repeat, 'period', readNumber(raw.period));
  put(repeat, 'periodMax', readNumber(raw.periodMax));
  // An unrecognised unit is kept out: the dose reader then reports "period unit not recognised".
  put(repeat, 'periodUnit', readUnitOfTime(raw.periodUnit ?? raw.periodUnits));
  put(repeat, 'dayOfWeek', readList(raw.dayOfWeek, readString) as fhir4.TimingRepeat['dayOfWeek']);
  put(repeat, 'timeOfDay', readList(raw.timeOfDay, readString));
  put(repeat, 'when', readList(raw.when, readString) as fhir4.TimingRepeat['when']);
  put(repeat, 'offset', readNumber(raw.offset));
  return repeat;
}

const DOSE_AND_RATE_KEYS = [
  'doseQuantity',
  'doseSimpleQuantity',
  'doseRange',
  'rateQuantity',
  'rateRatio',
  'rateRange',
];

function readDoseAndRate(value: unknown): fhir4.DosageDoseAndRate | undefined {
  if (!isObject(value)) return undefined;
  const entry: fhir4.DosageDoseAndRate = {};
  put(entry, 'type', readCodeableConcept(value.type));
  put(entry, 'doseQuantity', readQuantity(value.doseQuantity ?? value.doseSimpleQuantity));
  put(entry, 'doseRange', readRange(value.doseRange));
  put(entry, 'rateQuantity', readQuantity(value.rateQuantity));
  put(entry, 'rateRatio', readRatio(value.rateRatio));
  put(entry, 'rateRange', readRange(value.rateRange));
  return Object.keys(entry).length > 0 ? entry : undefined;
}

/**
 * Dosage of any version into R4: STU3 and DSTU2 carry dose[x] / rate[x] on the Dosage itself,
 * R4 moved them into `doseAndRate[]`. DSTU2 `additionalInstructions` is one CodeableConcept.
 */
export function readDosage(value: unknown): fhir4.Dosage | undefined {
  if (!isObject(value)) return undefined;
  const hasTopLevelDose = DOSE_AND_RATE_KEYS.some((key) => value[key] !== undefined);
  const doseAndRate =
    value.doseAndRate !== undefined
      ? readList(value.doseAndRate, readDoseAndRate)
      : hasTopLevelDose
        ? readList(value, readDoseAndRate)
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
  const dosage: fhir4.Dosage = {};
  put(dosage, 'sequence', readNumber(value.sequence));
  put(dosage, 'text', readString(value.text));
  put(
    dosage,
    'additionalInstruction',
    readList(value.additionalInstruction ?? value.additionalInstructions, readCodeableConcept),
  );
  put(dosage, 'patientInstruction', readString(value.patientInstruction));
  put(dosage, 'timing', readTiming(value.timing));
  put(dosage, 'asNeededBoolean', readBoolean(value.asNeededBoolean));
  put(dosage, 'asNeededCodeableConcept', readCodeableConcept(value.asNeededCodeableConcept));
  put(dosage, 'site', readCodeableConcept(value.site ?? value.siteCodeableConcept));
  put(dosage, 'route', readCodeableConcept(value.route));
  put(dosage, 'method', readCodeableConcept(value.method));
  if (!unreadableAsNeeded && !unreadableSequence) put(dosage, 'doseAndRate', doseAndRate);
  put(dosage, 'maxDosePerPeriod', readRatio(value.maxDosePerPeriod));
  put(dosage, 'maxDosePerAdministration', readQuantity(value.maxDosePerAdministration));
  return dosage;
}
