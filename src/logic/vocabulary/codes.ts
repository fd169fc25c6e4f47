/** A code as typed with its dots and whitespace removed ("b.i.d." → "bid", "M32.14 " → "M3214"). */
export function withoutDotsOrSpaces(code: string): string {
  return code.replace(/[\s.]/g, '');
}
