/**
 * Time arithmetic of clinical-rules.md §7: everything in UTC; a month is a calendar month with
 * end-of-month clamping (31 Aug + 6 months = 28/29 Feb); a day is 24 h; a date without a time is
 * 00:00 UTC; a partial date (`2026-03`) is its first day.
 */
const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/**
 * Parses a FHIR R4 date / dateTime / instant (https://hl7.org/fhir/R4/datatypes.html#dateTime) to
 * an instant, or undefined when it is not one: YYYY[-MM[-DD[Thh:mm[:ss[.f{1,9}]](Z|±hh:mm)]]].
 */
export function parseFhirDateTime(value: string | undefined): Date | undefined {
  const instant = parseFhirInstant(value);
  return instant === undefined ? undefined : new Date(instant);
}

/**
 * parseFhirDateTime as milliseconds since the epoch: for comparisons that keep few of the dates
 * (the latest result of a group), without a Date object for each one.
 */
export function parseFhirInstant(value: string | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  // Called for every date of every resource of a hook: no trim (a copy) when the text starts with
  // a digit and ends with a digit or Z, as nearly every date does.
  const text = isDigit(value.charCodeAt(0)) && endsPlainly(value) ? value : value.trim();
  return readDateTime(text);
}

// Read char by char rather than with a regular expression: profiled, the regex match (an array of
// capture strings, then Number() of each) made parseFhirDateTime the costliest function of a
// decision; read this way, the ~80 dates of the bench's long record cost ~6 µs. The accepted
// grammar is exactly that of the regex, which test/logic/fhir-time-grammar.test.ts keeps as the
// oracle:
// /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/
const HYPHEN = 45;
const PLUS = 43;
const COLON = 58;
const DOT = 46;
const LETTER_T = 84;
const LETTER_Z = 90;

function readDateTime(text: string): number | undefined {
  const length = text.length;
  const year = readDigits(text, 0, 4);
  if (year < 0) return undefined;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let offsetMinutes = 0;
  if (length > 4) {
    if (length < 7 || text.charCodeAt(4) !== HYPHEN) return undefined;
    month = readDigits(text, 5, 2);
    if (month < 0) return undefined;
    if (length > 7) {
      if (length < 10 || text.charCodeAt(7) !== HYPHEN) return undefined;
      day = readDigits(text, 8, 2);
      if (day < 0) return undefined;
      if (length > 10) {
        // Thh:mm, then optional :ss[.fraction], then the zone FHIR requires with a time.
        if (text.charCodeAt(10) !== LETTER_T || text.charCodeAt(13) !== COLON) return undefined;
        hour = readDigits(text, 11, 2);
        minute = readDigits(text, 14, 2);
        if (hour < 0 || minute < 0) return undefined;
        let at = 16;
        if (text.charCodeAt(at) === COLON) {
          second = readDigits(text, at + 1, 2);
          if (second < 0) return undefined;
          at += 3;
          if (text.charCodeAt(at) === DOT) {
            const first = at + 1;
            at = first;
            while (at < length && isDigit(text.charCodeAt(at))) at += 1;
            const count = at - first;
            if (count < 1 || count > 9) return undefined;
            ms = readFraction(text, first, count);
          }
        }
        const zone = text.charCodeAt(at);
        if (zone === LETTER_Z) {
          at += 1;
        } else if (zone === PLUS || zone === HYPHEN) {
          const zoneHours = readDigits(text, at + 1, 2);
          const zoneMinutes = readDigits(text, at + 4, 2);
          if (zoneHours < 0 || zoneMinutes < 0 || text.charCodeAt(at + 3) !== COLON) return undefined;
          offsetMinutes = (zone === HYPHEN ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
          at += 6;
        } else {
          return undefined; // no zone (or not one): FHIR requires a zone with a time
        }
        if (at !== length) return undefined;
      }
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month - 1)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const instant = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * MINUTE_MS;
  if (year >= 100) return instant;
  // Date.UTC maps years 0–99 to 1900–1999, hence the correction (rare: kept as it always was).
  const date = new Date(instant);
  date.setUTCFullYear(year);
  return Number.isNaN(date.getTime()) ? undefined : date.getTime();
}

/** The value of `count` ASCII digits at `from`, or -1 when any is missing or not a digit. */
function readDigits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i += 1) {
    const code = text.charCodeAt(i); // NaN past the end: not a digit
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - 48);
  }
  return value;
}

/** Milliseconds of a fraction of `count` (1–9) digits: its first three, right-padded with 0. */
function readFraction(text: string, from: number, count: number): number {
  let ms = 0;
  for (let i = 0; i < 3; i += 1) ms = ms * 10 + (i < count ? text.charCodeAt(from + i) - 48 : 0);
  return ms;
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
