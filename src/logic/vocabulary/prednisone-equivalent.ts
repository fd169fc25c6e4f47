/**
 * Prednisone-equivalent dose (clinical-rules.md §2 table, "other glucocorticoids"): prednisone × 1,
 * prednisolone × 1, methylprednisolone × 1.25 (equal anti-inflammatory potency: prednisone 5 mg =
 * prednisolone 5 mg = methylprednisolone 4 mg).
 */
export type Glucocorticoid = 'prednisone' | 'prednisolone' | 'methylprednisolone';

export const PREDNISONE_EQUIVALENT_FACTOR: Readonly<Record<Glucocorticoid, number>> = Object.freeze({
  prednisone: 1,
  prednisolone: 1,
  methylprednisolone: 1.25,
});

export function isGlucocorticoid(ingredient: string): ingredient is Glucocorticoid {
  return Object.prototype.hasOwnProperty.call(PREDNISONE_EQUIVALENT_FACTOR, ingredient);
}

export function toPrednisoneEquivalentMg(drug: Glucocorticoid, mgPerDay: number): number {
  return Math.round(mgPerDay * PREDNISONE_EQUIVALENT_FACTOR[drug] * 1e6) / 1e6;
}
