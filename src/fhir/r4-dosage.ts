/**
 * Dosage of any version (DSTU2, STU3, R4) read into an R4 Dosage, with the same tolerance as
 * r4-elements.ts: a fresh object with exactly the elements read.
 */
import {
  isObject,
  readBoolean,
  readCodeableConcept,
  readList,
  readNumber,
  readQuantity,
  readRange,
  readRatio,
  readString,
  readTiming,
} from './r4-elements';

/**
 * Dose and rate elements that STU3 and DSTU2 carry on the Dosage itself; R4 moved them into
 * `Dosage.doseAndRate[]` (https://hl7.org/fhir/R4/dosage.html, "R3 ↔ R4").
 */
export const DOSE_ON_DOSAGE_KEYS = [
  'doseQuantity',
  'doseSimpleQuantity',
  'doseRange',
  'rateQuantity',
  'rateRatio',
  'rateRange',
] as const;

/**
 * An R4 doseAndRate entry, or an STU3 / DSTU2 Dosage's own dose[x] and rate[x] as one. STU3 names
 * its dose `doseSimpleQuantity`.
 */
function readDoseAndRate(value: unknown): fhir4.DosageDoseAndRate | undefined {
  if (!isObject(value)) return undefined;
  const type = readCodeableConcept(value.type);
  const doseQuantity = readQuantity(value.doseQuantity ?? value.doseSimpleQuantity);
  const doseRange = readRange(value.doseRange);
  const rateQuantity = readQuantity(value.rateQuantity);
  const rateRatio = readRatio(value.rateRatio);
  const rateRange = readRange(value.rateRange);
  const empty =
    type === undefined &&
    doseQuantity === undefined &&
    doseRange === undefined &&
    rateQuantity === undefined &&
    rateRatio === undefined &&
    rateRange === undefined;
  return empty ? undefined : { type, doseQuantity, doseRange, rateQuantity, rateRatio, rateRange };
}

/**
 * Dosage of any version into R4: STU3 and DSTU2 carry dose[x] / rate[x] on the Dosage itself,
 * R4 moved them into `doseAndRate[]`; when both are present, `doseAndRate` is the one read. DSTU2
 * `additionalInstructions` is one CodeableConcept and `siteCodeableConcept` is `site`.
 */
export function readDosage(value: unknown): fhir4.Dosage | undefined {
  if (!isObject(value)) return undefined;
  const doseAndRate =
    value.doseAndRate !== undefined
      ? readList(value.doseAndRate, readDoseAndRate)
      : DOSE_ON_DOSAGE_KEYS.some((key) => value[key] !== undefined)
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
  return {
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
}
