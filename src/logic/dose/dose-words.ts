/**
 * Doses and schedules in the words a prescriber writes and a pharmacist prints (clinical-rules.md
 * §6: "3 tablets twice daily", not "3 {tbl} BID" or "1/1 d"). Used for the derivation shown on a
 * card and for the sig written into a suggested order.
 */
import type { ProductStrength } from '../vocabulary/medication-groups';

/** "1000", "2.5", "0.75": at most four decimals, no binary noise, no exponent for large numbers. */
export function formatAmount(value: number): string {
  const rounded = Math.round(value * 1e4) / 1e4;
  return Number.isFinite(rounded) ? String(rounded) : String(value);
}

/** The unit's bare spelling: lower case, UCUM annotation braces off ("{tbl}" → "tbl"). */
export function bareUnit(unit: string): string {
  return unit
    .trim()
    .toLowerCase()
    .replace(/^\{(.*)\}$/, '$1')
    .trim();
}

/**
 * Count units that mean "one unit of the product" (§2: the Sandbox sends `{pill}`; EHRs send
 * tablet/TAB/CAP, v3 orderableDrugForm codes, or UCUM annotations such as `{tbl}`), compared bare.
 */
export function isCountUnit(bare: string): boolean {
  return /^(tablets?|tabs?|tbl|capsules?|caps?|pills?)$/.test(bare);
}

/**
 * The count unit to name: the printable `unit` when it is a count word that says more than the
 * unit read ("tablet" beside `{pill}`), else the unit read ("tbl").
 */
export function countUnitOf(quantity: fhir4.Quantity, bare: string): string {
  const printable = quantity.unit === undefined ? undefined : bareUnit(quantity.unit);
  return printable !== undefined && isCountUnit(printable) && !/^pills?$/.test(printable) ? printable : bare;
}

type CountWord = 'tablet' | 'capsule' | 'pill';

/**
 * What one counted unit is: the product's dose form when its code names it (the CDS Hooks Sandbox
 * sends `{pill}` for every product, and a 250 mg MMF capsule stays a capsule whatever the unit
 * says), else the dose unit when it says (TAB, `{tbl}`, tablet; CAP, `{capsule}`), else "pill" —
 * never a guess between tablet and capsule.
 */
function countWordOf(bare: string, strength: ProductStrength | undefined): CountWord {
  if (strength?.form !== undefined) return strength.form;
  if (/^(tablets?|tabs?|tbl)$/.test(bare)) return 'tablet';
  if (/^(capsules?|caps?)$/.test(bare)) return 'capsule';
  return 'pill';
}

/** "1 tablet", "3 capsules". */
export function countOf(count: number, bare: string, strength: ProductStrength | undefined): string {
  const word = countWordOf(bare, strength);
  return `${formatAmount(count)} ${count === 1 ? word : `${word}s`}`;
}

/** "2 × 500 mg tablets", "1 × 250 mg capsule". */
export function countTimesStrength(count: number, bare: string, strength: ProductStrength): string {
  const word = countWordOf(bare, strength);
  return `${formatAmount(count)} × ${formatAmount(strength.mg)} mg ${count === 1 ? word : `${word}s`}`;
}

/** Mass units as prescribed: mg, g, mcg (the UCUM code `ug` is written mcg, ISMP). */
export function massUnitWord(ucumMassUnit: string): string {
  return ucumMassUnit === 'ug' ? 'mcg' : ucumMassUnit;
}

/** §2 `timing.code` abbreviations in words. */
const TIMING_CODE_WORDS: Readonly<Record<string, string>> = {
  QD: 'once daily',
  AM: 'every morning',
  PM: 'every evening',
  BID: 'twice daily',
  TID: 'three times daily',
  QID: 'four times daily',
  QOD: 'every other day',
};

export function timingCodeWords(code: string): string {
  return TIMING_CODE_WORDS[code] ?? code;
}

const TIMES = ['', 'once', 'twice', 'three times', 'four times'];

function timesWord(frequency: number): string {
  return TIMES[frequency] ?? `${formatAmount(frequency)} times`;
}

const PERIOD_WORDS: Readonly<Record<string, { one: string; many: string; every: string }>> = {
  s: { one: 'second', many: 'seconds', every: 'a second' },
  min: { one: 'minute', many: 'minutes', every: 'a minute' },
  h: { one: 'hour', many: 'hours', every: 'an hour' },
  d: { one: 'day', many: 'days', every: 'daily' },
  wk: { one: 'week', many: 'weeks', every: 'weekly' },
  mo: { one: 'month', many: 'months', every: 'monthly' },
  a: { one: 'year', many: 'years', every: 'yearly' },
};

/**
 * `repeat.frequency` per `period` `periodUnit` in words: 2 per 1 d "twice daily", 1 per 2 d
 * "every other day", 1 per 8 h "every 8 hours", 1 per 1 wk "once weekly", 3 per 2 wk "3 times every
 * 2 weeks".
 */
export function frequencyWords(frequency: number, period: number, periodUnit: string): string {
  const words = PERIOD_WORDS[periodUnit];
  if (words === undefined) return `${formatAmount(frequency)} per ${formatAmount(period)} ${periodUnit}`;
  if (period === 1) return `${timesWord(frequency)} ${words.every}`;
  if (frequency === 1 && period === 2 && periodUnit === 'd') return 'every other day';
  const every = `every ${formatAmount(period)} ${words.many}`;
  return frequency === 1 ? every : `${timesWord(frequency)} ${every}`;
}
