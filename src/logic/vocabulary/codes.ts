const DOTS_OR_SPACES = /[\s.]/;

/**
 * A code as typed with its dots and whitespace removed ("b.i.d." → "bid", "M32.14 " → "M3214").
 * Tested before the global replace: nearly every code arrives without either (bench/, issue 5).
 */
export function withoutDotsOrSpaces(code: string): string {
  return DOTS_OR_SPACES.test(code) ? code.replace(/[\s.]/g, '') : code;
}
