import { UcumLhcUtils } from '@lhncbc/ucum-lhc';
import { remember } from '../bounded-memo';

/**
 * Unit handling of clinical-rules.md §3 and §7: common spellings are normalised to UCUM first,
 * then @lhncbc/ucum-lhc converts (mass ↔ molar with the analyte's molecular weight).
 */
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

// One instance for the process: building the unit tables is costly.
const ucum = UcumLhcUtils.getInstance();

const UCUM_ALPHABET = /^[!-~]{1,64}$/;

const EGFR_SPELLING = /^ml\/min\/?(?:per)?\s*[({]?\s*1[.,]73\s*[._]?\s*m(?:2|\^2|²)\s*[)}]?$/i;

/** Normalises lab spellings to UCUM: µg/L, mcg/L → ug/L; mL/min/1.73m2 → mL/min/{1.73_m2}. */
export function normaliseUnit(unit: string): string {
  let text = unit
    .trim()
    .replace(/[\u00B5\u03BC]/g, 'u')
    .replace(/mcg/gi, 'ug');
  if (EGFR_SPELLING.test(text)) return 'mL/min/{1.73_m2}';
  text = text
    .replace(/([a-zA-Z])\s*[·*×]\s*([a-zA-Z])/g, '$1.$2')
    .replace(/([a-zA-Z])\s+h\//g, '$1.h/')
    .replace(/\s*\/\s*/g, '/');
  if (/^(lb|lbs|pound|pounds)$/i.test(text)) return '[lb_av]';
  if (/^kgs?$/i.test(text)) return 'kg';
  return text;
}

function annotations(unit: string): string {
  return (unit.match(/\{[^}]*\}/g) ?? []).sort().join('');
}

export type Conversion =
  { readonly ok: true; readonly value: number } | { readonly ok: false; readonly reason: string };

/**
 * Unit strings repeat across results and doses, and ucum-lhc parses both units on every call: its
 * answers and the normalisation are kept per string (bench/, issue 5). Bounded: cleared when full.
 */
const MAX_CACHED = 1000;

interface ReadUnit {
  readonly from: string;
  readonly annotations: string;
  readonly problem?: string;
}

const readUnits = new Map<string, ReadUnit>();
const targetAnnotations = new Map<string, string>();
const conversions = new Map<string, Conversion>();

function readUnit(unit: string): ReadUnit {
  const known = readUnits.get(unit);
  if (known) return known;
  const from = normaliseUnit(unit);
  // UCUM expressions are printable ASCII without spaces (UCUM §2.1). Anything else is no unit we
  // know — and ucum-lhc would print it to stdout, outside the structured, redacted log.
  const read: ReadUnit =
    from === ''
      ? { from, annotations: '', problem: 'no unit' }
      : !UCUM_ALPHABET.test(from)
        ? { from, annotations: '', problem: 'not a UCUM unit expression' }
        : { from, annotations: annotations(from) };
  return remember(readUnits, MAX_CACHED, unit, read);
}

/**
 * Converts `value` from `unit` to `toUnit`. UCUM treats `{annotations}` as 1, so mL/min would
 * silently "convert" to mL/min/{1.73_m2}: annotations must therefore agree exactly.
 */
export function convertUnit(
  value: number,
  unit: string,
  toUnit: string,
  molecularWeight?: number,
): Conversion {
  const { from, annotations: fromAnnotations, problem } = readUnit(unit);
  if (problem !== undefined) return { ok: false, reason: problem };
  const toAnnotations =
    targetAnnotations.get(toUnit) ?? remember(targetAnnotations, MAX_CACHED, toUnit, annotations(toUnit));
  if (fromAnnotations !== toAnnotations) {
    return { ok: false, reason: `unit annotations do not match ${toUnit}` };
  }
  if (from === toUnit) return { ok: true, value };
  // -0 and 0 print alike: not cached (a zero result is rare and its sign must stay as ucum gives it).
  const key = value === 0 ? undefined : `${from}\u0000${value}\u0000${toUnit}\u0000${molecularWeight}`;
  const known = key === undefined ? undefined : conversions.get(key);
  if (known) return known;
  const result = ucum.convertUnitTo(
    from,
    value,
    toUnit,
    molecularWeight === undefined ? {} : { molecularWeight },
  );
  const conversion: Conversion =
    result.status !== 'succeeded' || result.toVal === null || !Number.isFinite(result.toVal)
      ? { ok: false, reason: `unit cannot be converted to ${toUnit}` }
      : { ok: true, value: result.toVal };
  return key === undefined ? conversion : remember(conversions, MAX_CACHED, key, conversion);
}

/** §7: compare converted values rounded to two decimals (4.9748 nmol/L → 4.00 ng/mL). */
export function roundTo2(value: number): number {
  return Math.round((value + Math.sign(value) * Number.EPSILON) * 100) / 100;
}
