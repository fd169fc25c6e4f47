import { addMonths, parseFhirDateTime } from '../time/fhir-time';

/**
 * Age in whole years on `now` from Patient.birthDate (FHIR `date`: YYYY, YYYY-MM or YYYY-MM-DD),
 * in UTC as every date of clinical-rules.md §7. A partial birth date gives the youngest and the
 * oldest age it allows (born on its last or its first day), so a rule can refuse a band edge the
 * record cannot settle.
 */
export type AgeInYears =
  | { readonly ok: true; readonly youngest: number; readonly oldest: number }
  | { readonly ok: false; readonly reason: string };

const DATE_ONLY = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** Whole years from `birth` to `now`; a 29 February birthday falls on 28 February (§7 clamping). */
function yearsBetween(birth: Date, now: Date): number {
  let years = now.getUTCFullYear() - birth.getUTCFullYear();
  if (addMonths(birth, years * 12).getTime() > now.getTime()) years -= 1;
  return years;
}

export function ageInYears(birthDate: string | undefined, now: Date): AgeInYears {
  if (birthDate === undefined) return { ok: false, reason: 'no birth date' };
  const text = birthDate.trim();
  const first = DATE_ONLY.test(text) ? parseFhirDateTime(text) : undefined;
  if (!first) return { ok: false, reason: 'birth date unreadable' };
  // The last day the partial date allows: a year's 31 December, a month's last day.
  const last =
    text.length === 4
      ? new Date(Date.UTC(first.getUTCFullYear(), 11, 31))
      : text.length === 7
        ? new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0))
        : first;
  if (first.getTime() > now.getTime()) return { ok: false, reason: 'birth date after now' };
  return { ok: true, youngest: Math.max(0, yearsBetween(last, now)), oldest: yearsBetween(first, now) };
}
