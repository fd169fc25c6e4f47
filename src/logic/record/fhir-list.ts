const EMPTY: readonly never[] = Object.freeze([]);

/**
 * A FHIR repeating element as an array for a plain loop: absent (undefined or null) is empty, and
 * anything else that is not an array throws a TypeError, as `.map()` would, so that a malformed
 * order is dropped as malformed rather than read character by character. src/fhir normally
 * guarantees arrays.
 */
export function listOf<T>(value: readonly T[] | null | undefined): readonly T[] {
  if (value === undefined || value === null) return EMPTY;
  if (!Array.isArray(value)) throw new TypeError('FHIR list expected');
  return value as readonly T[];
}
