import { UcumLhcUtils } from '@lhncbc/ucum-lhc';

/**
 * Unit handling of clinical-rules.md §3 and §7: common spellings are normalised to UCUM first,
 * then @lhncbc/ucum-lhc converts (mass ↔ molar with the analyte's molecular weight).
 */
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

// ucum-lhc's one instance: its unit tables are costly to build, are only read by a conversion, and
// its parser starts afresh on each unit string.
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
 * Converts `value` from `unit` to `toUnit`. UCUM treats `{annotations}` as 1, so mL/min would
 * silently "convert" to mL/min/{1.73_m2}: annotations must therefore agree exactly.
 */
export function convertUnit(
  value: number,
  unit: string,
  toUnit: string,
  molecularWeight?: number,
): Conversion {
  const from = normaliseUnit(unit);
  if (from === '') return { ok: false, reason: 'no unit' };
  // UCUM expressions are printable ASCII without spaces (UCUM §2.1). Anything else is no unit we
  // know — and ucum-lhc would print it to stdout, outside the structured, redacted log.
  if (!UCUM_ALPHABET.test(from)) return { ok: false, reason: 'not a UCUM unit expression' };
  if (annotations(from) !== annotations(toUnit)) {
    return { ok: false, reason: `unit annotations do not match ${toUnit}` };
  }
  if (from === toUnit) return { ok: true, value };
  const result = ucum.convertUnitTo(from, value, toUnit, { molecularWeight });
  return result.status !== 'succeeded' || result.toVal === null || !Number.isFinite(result.toVal)
    ? { ok: false, reason: `unit cannot be converted to ${toUnit}` }
    : { ok: true, value: result.toVal };
}

/** §7: compare converted values rounded to two decimals (4.9748 nmol/L → 4.00 ng/mL). */
export function roundTo2(value: number): number {
  return Math.round((value + Math.sign(value) * Number.EPSILON) * 100) / 100;
}
