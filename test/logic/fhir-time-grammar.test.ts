import { parseFhirDateTime } from '../../src/logic/time/fhir-time';

/**
 * parseFhirDateTime reads dates char by char (a regular expression made date parsing the costliest
 * function of a decision, see src/logic/time/fhir-time.ts). This is the FHIR R4 dateTime grammar as
 * a regular expression, kept as the oracle: the two must agree on every string, valid or not.
 */
const FHIR_DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

function daysInMonthAsDateUtc(year: number, monthIndex: number): number {
  const lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (monthIndex !== 1) return lengths[monthIndex] ?? 31;
  const y = year >= 0 && year <= 99 ? 1900 + year : year;
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
}

function parseWithRegex(value: string): string | undefined {
  const match = FHIR_DATE_TIME.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo = '01', d = '01', h, mi, s = '00', fraction = '', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonthAsDateUtc(year, month - 1)) return undefined;
  if (h !== undefined && zone === undefined) return undefined;
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
  if (year < 100) date.setUTCFullYear(year);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Deterministic pseudo-random numbers (mulberry32; no Math.random: a failure must reproduce). */
function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generateDateTimes(count: number): string[] {
  const random = seededRandom(20261122);
  const int = (n: number): number => Math.floor(random() * n);
  const two = (n: number): string => String(n).padStart(2, '0');
  const alphabet = [
    '0',
    '1',
    '2',
    '9',
    '-',
    '+',
    ':',
    '.',
    'T',
    'Z',
    't',
    'z',
    ' ',
    '\n',
    'x',
    '٣',
    '\u00a0',
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) {
    // Years 0–9999 (0–99 are Date.UTC's 1900s), months and days a little out of range on purpose.
    const year = String(random() < 0.1 ? int(10000) : 1990 + int(50)).padStart(4, '0');
    let text = year;
    const precision = int(6);
    if (precision >= 1) text += `-${two(int(14))}`;
    if (precision >= 2) text += `-${two(int(33))}`;
    if (precision >= 3) text += `T${two(int(26))}:${two(int(62))}`;
    if (precision >= 4) text += `:${two(int(62))}`;
    if (precision >= 5) text += `.${'1234567890'.slice(0, int(11))}`;
    if (precision >= 3 && random() < 0.9) {
      text += random() < 0.5 ? 'Z' : `${random() < 0.5 ? '+' : '-'}${two(int(16))}:${two(int(60))}`;
    }
    // Corrupt some: replace, insert or delete one character; pad with whitespace.
    const edits = random() < 0.4 ? 1 + int(2) : 0;
    for (let e = 0; e < edits; e += 1) {
      const at = int(text.length + 1);
      const char = alphabet[int(alphabet.length)] ?? 'x';
      const kind = int(3);
      text =
        kind === 0
          ? text.slice(0, at) + char + text.slice(at + 1)
          : kind === 1
            ? text.slice(0, at) + char + text.slice(at)
            : text.slice(0, at) + text.slice(at + 1);
    }
    if (random() < 0.05) text = ` ${text}\t`;
    out.push(text);
  }
  return out;
}

describe('FHIR date/dateTime grammar (§7) read exactly as the FHIR R4 regular expression reads it', () => {
  it('agrees with the regular expression on 50 000 generated dates, valid and corrupted', () => {
    const samples = generateDateTimes(50_000);
    const disagreements = samples.filter(
      (text) => parseFhirDateTime(text)?.toISOString() !== parseWithRegex(text),
    );
    expect(disagreements).toEqual([]);
    // The generator must exercise both sides, or the comparison proves nothing.
    const accepted = samples.filter((text) => parseWithRegex(text) !== undefined).length;
    expect(accepted).toBeGreaterThan(10_000);
    expect(samples.length - accepted).toBeGreaterThan(10_000);
  });

  it('agrees on the edge cases: leap days, years 0–99, fractions of 1–10 digits, odd zones', () => {
    const edges = [
      '2024-02-29',
      '2023-02-29',
      '1900-02-29',
      '2000-02-29',
      '0000-02-29',
      '0099-12-31T23:00:00-02:00',
      '0050-06-15',
      '9999-12-31T23:59:59.999+14:00',
      '2026-01-01T10:00Z',
      '2026-01-01T10:00',
      '2026-01-01T10:00:00.Z',
      '2026-01-01T10:00:00.1Z',
      '2026-01-01T10:00:00.123456789Z',
      '2026-01-01T10:00:00.1234567890Z',
      '2026-01-01T10:00:00-00:00',
      '2026-01-01T10:00:00+99:99',
      '2026-01-01T10:00:00+0500',
      '2026-01-01T',
      '2026-1-01',
      '202',
      '',
      ' 2026-03-15 ',
      '\u00a02026-03-15',
      '2026-03-15\n',
      '２０２６-03-15',
    ];
    for (const text of edges)
      expect([text, parseFhirDateTime(text)?.toISOString()]).toEqual([text, parseWithRegex(text)]);
  });
});
