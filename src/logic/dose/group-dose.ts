import type { MedicationOrder, RuleContext } from '../rules/rule';
import type { RuleCode } from '../vocabulary/rule-codes';

/**
 * The daily dose a patient takes of one drug group: the sum over the group's current orders
 * (clinical-rules.md §2: drafts supersede the group's active orders, so in an order hook this is
 * the draft's dose, never draft + old order). Separate current orders of one group add up like
 * concurrent instructions (prednisone 5 mg + 2.5 mg tablets ordered apart). If any order's dose
 * cannot be read, the total is unknown: no dose, and a note.
 */
export interface GroupDose {
  readonly mgPerDay: number;
  /** Any contributing instruction is as needed: never call the dose "too low". */
  readonly prn: boolean;
  readonly how: string;
  readonly orders: readonly MedicationOrder[];
}

export function readGroupDose(
  context: RuleContext,
  code: RuleCode,
  orders: readonly MedicationOrder[],
  /** Converts an order's mg/day (e.g. to prednisone-equivalent); undefined = cannot. */
  convert: (order: MedicationOrder, mgPerDay: number) => number | undefined = (_order, mg) => mg,
  /** Names the converted amount in the derivation ("prednisone-equivalent"). */
  convertedLabel = 'converted',
): GroupDose | undefined {
  if (orders.length === 0) return undefined;
  let mgPerDay = 0;
  let prn = false;
  const parts: string[] = [];
  for (const order of orders) {
    const dose = context.dailyDoseOf(order);
    if (!dose.ok) {
      context.note(`${code}: ${order.product.ingredient} dose unreadable (${dose.reason})`);
      return undefined;
    }
    const converted = convert(order, dose.mgPerDay);
    if (converted === undefined) {
      context.note(`${code}: ${order.product.ingredient} dose cannot be converted`);
      return undefined;
    }
    mgPerDay += converted;
    prn ||= dose.prn;
    const how =
      converted === dose.mgPerDay ? dose.how : `${dose.how} → ${round(converted)} mg/day ${convertedLabel}`;
    parts.push(orders.length === 1 ? how : `${order.product.ingredient}: ${how}`);
  }
  return { mgPerDay: round(mgPerDay), prn, how: parts.join('; '), orders };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** The one draft whose dose a proposal may rewrite: only when it alone makes the group's dose. */
export function singleDraftOf(orders: readonly MedicationOrder[]): MedicationOrder | undefined {
  const [only] = orders;
  return orders.length === 1 && only?.isDraft === true ? only : undefined;
}
