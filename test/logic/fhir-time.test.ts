import {
  addMonths,
  formatDate,
  isWithinLastDays,
  monthsBetween,
  parseFhirDateTime,
} from '../../src/logic/time/fhir-time';

const iso = (value: string | undefined): string | undefined => parseFhirDateTime(value)?.toISOString();

describe('FHIR date and dateTime parsing (§7)', () => {
  it('reads a date without a time as 00:00 UTC that day', () => {
    expect(iso('2026-03-15')).toBe('2026-03-15T00:00:00.000Z');
  });
  it('reads a partial date as its first day', () => {
    expect(iso('2026-03')).toBe('2026-03-01T00:00:00.000Z');
    expect(iso('2026')).toBe('2026-01-01T00:00:00.000Z');
  });
  it('converts a time zone offset to UTC', () => {
    expect(iso('2026-03-15T01:30:00+02:00')).toBe('2026-03-14T23:30:00.000Z');
    expect(iso('2026-03-15T22:00:00.5-05:00')).toBe('2026-03-16T03:00:00.500Z');
  });
  it('refuses what is not a FHIR dateTime', () => {
    expect(iso('2026-02-30')).toBeUndefined();
    expect(iso('15/03/2026')).toBeUndefined();
    expect(iso('2026-03-15T10:00:00')).toBeUndefined(); // a time needs a zone
    expect(iso('')).toBeUndefined();
    expect(iso(undefined)).toBeUndefined();
  });
});

describe('calendar months (§7)', () => {
  const at = (s: string): Date => new Date(s);
  it('clamps 31 August + 6 months to 28 February', () => {
    expect(addMonths(at('2025-08-31T10:00:00Z'), 6).toISOString()).toBe('2026-02-28T10:00:00.000Z');
  });
  it('clamps 31 August + 6 months to 29 February in a leap year', () => {
    expect(addMonths(at('2027-08-31T00:00:00Z'), 6).toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });
  it('adds 36 months across years and subtracts months', () => {
    expect(addMonths(at('2024-01-31T00:00:00Z'), 36).toISOString()).toBe('2027-01-31T00:00:00.000Z');
    expect(addMonths(at('2026-03-31T00:00:00Z'), -1).toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(addMonths(at('2026-01-15T00:00:00Z'), -12).toISOString()).toBe('2025-01-15T00:00:00.000Z');
  });
  it('counts whole months completed', () => {
    expect(monthsBetween(at('2025-04-01T09:00:00Z'), at('2026-06-01T09:00:00Z'))).toBe(14);
    expect(monthsBetween(at('2025-04-01T09:00:00Z'), at('2026-06-01T08:59:59Z'))).toBe(13);
    expect(monthsBetween(at('2025-08-31T00:00:00Z'), at('2026-02-28T00:00:00Z'))).toBe(6);
    expect(monthsBetween(at('2026-06-01T00:00:00Z'), at('2026-01-01T00:00:00Z'))).toBe(0);
  });
});

describe('day windows (§7)', () => {
  const now = new Date('2026-06-01T09:00:00Z');
  it('includes exactly 90 days ago and now, excludes a moment earlier or later', () => {
    expect(isWithinLastDays(new Date('2026-03-03T09:00:00Z'), now, 90)).toBe(true);
    expect(isWithinLastDays(new Date('2026-03-03T08:59:59Z'), now, 90)).toBe(false);
    expect(isWithinLastDays(now, now, 90)).toBe(true);
    expect(isWithinLastDays(new Date('2026-06-01T09:00:01Z'), now, 90)).toBe(false);
  });
});

describe('dates on cards (YYYY-MM-DD, UTC)', () => {
  it('prints the UTC day exactly as the ISO form does, for years 0–9999 and beyond', () => {
    const instants = [
      '2026-03-05T23:59:59.999Z',
      '2026-12-31T00:00:00.000Z',
      '0099-01-01T00:00:00.000Z',
      '0001-07-04T12:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '1970-01-01T00:00:00.000Z',
    ].map((text) => new Date(text));
    instants.push(new Date(Date.UTC(10000, 0, 1)), new Date(Date.UTC(-1, 5, 15)));
    for (const date of instants) expect(formatDate(date)).toBe(date.toISOString().slice(0, 10));
  });
  it('refuses an invalid date as the ISO form does', () => {
    expect(() => formatDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});
