/**
 * Time arithmetic of clinical-rules.md §7: everything in UTC; a month is a calendar month with
 * end-of-month clamping (31 Aug + 6 months = 28/29 Feb); a day is 24 h; a date without a time is
 * 00:00 UTC; a partial date (`2026-03`) is its first day.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

// FHIR R4 date / dateTime / instant (https://hl7.org/fhir/R4/datatypes.html#dateTime).
const FHIR_DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Parses a FHIR date/dateTime/instant to an instant, or undefined when it is not one. */
export function parseFhirDateTime(value: string | undefined): Date | undefined {
  if (typeof value !== 'string') return undefined;
  // Called for every date of every resource of a hook (bench/, issue 5): no trim (a copy) when
  // the text starts with a digit and ends with a digit or Z, as nearly every date does.
  const text = isDigit(value.charCodeAt(0)) && endsPlainly(value) ? value : value.trim();
  const match = FHIR_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, y, mo = '01', d = '01', h, mi, s = '00', fraction = '', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month - 1)) return undefined;
  if (h !== undefined && zone === undefined) return undefined; // FHIR requires a zone with a time
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = Number(s);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  let instant = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone.slice(1).split(':').map(Number);
    instant -= sign * ((zh ?? 0) * 60 + (zm ?? 0)) * 60 * 1000;
  }
  const date = new Date(instant);
  if (year < 100) date.setUTCFullYear(year); // Date.UTC maps years 0–99 to 1900–1999
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function endsPlainly(value: string): boolean {
  const last = value.charCodeAt(value.length - 1);
  return isDigit(last) || last === 90; // 'Z'
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, monthIndex: number): number {
  if (monthIndex !== 1) return DAYS_IN_MONTH[((monthIndex % 12) + 12) % 12] ?? 31;
  // As Date.UTC reads it: years 0–99 are 1900–1999 (so year 0 has no 29 February).
  const y = year >= 0 && year <= 99 ? 1900 + year : year;
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
}

/** Adds calendar months in UTC, clamping to the last day of the target month. */
export function addMonths(date: Date, months: number): Date {
  const year = date.getUTCFullYear();
  const monthIndex = date.getUTCMonth() + Math.trunc(months);
  const targetYear = year + Math.floor(monthIndex / 12);
  const targetMonth = ((monthIndex % 12) + 12) % 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(targetYear, targetMonth));
  return new Date(
    Date.UTC(
      targetYear,
      targetMonth,
      day,
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      date.getUTCMilliseconds(),
    ),
  );
}

/** Adds days of 24 h. */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** Whole calendar months from `from` to `to` (floor; 0 when `to` is before `from`). */
export function monthsBetween(from: Date, to: Date): number {
  if (to.getTime() <= from.getTime()) return 0;
  let months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  if (addMonths(from, months).getTime() > to.getTime()) months -= 1;
  return Math.max(0, months);
}

/** Whole days from `from` to `to`, floor. */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

/** §7 "in the last N days": now − N days ≤ t ≤ now. */
export function isWithinLastDays(at: Date, now: Date, days: number): boolean {
  return at.getTime() <= now.getTime() && at.getTime() >= addDays(now, -days).getTime();
}

/** §7 windows in months: now − N months ≤ t ≤ now. */
export function isWithinLastMonths(at: Date, now: Date, months: number): boolean {
  return at.getTime() <= now.getTime() && at.getTime() >= addMonths(now, -months).getTime();
}

/** YYYY-MM-DD of an instant, for card text. */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
