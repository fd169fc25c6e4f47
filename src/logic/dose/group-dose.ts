import type { MedicationOrder, RuleContext } from '../rules/rule';
import type { RuleCode } from '../vocabulary/rule-codes';
import type { ProductStrength } from '../vocabulary/medication-groups';

/**
 * The daily dose a patient takes of one drug group: the sum over the group's current orders
 * (clinical-rules.md §2: drafts supersede the group's active orders, so in an order hook this is
 * the draft's dose, never draft + old order). Separate current orders of one group with different
 * products or different doses add up like concurrent instructions (prednisone 5 mg + 2.5 mg
 * tablets ordered apart). If any order's dose cannot be read, or two record orders are a
 * reconciliation duplicate (see `findReconciliationDuplicate`), the total is unknown: no dose,
 * and a note.
 */
export interface GroupDose {
  readonly mgPerDay: number;
  /** Any contributing instruction is as needed: never call the dose "too low". */
  readonly prn: boolean;
  readonly how: string;
  readonly orders: readonly MedicationOrder[];
}

interface OrderDose {
  readonly order: MedicationOrder;
  readonly mgPerDay: number;
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
  const read: OrderDose[] = [];
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
    read.push({ order, mgPerDay: dose.mgPerDay });
    mgPerDay += converted;
    prn ||= dose.prn;
    const how =
      converted === dose.mgPerDay ? dose.how : `${dose.how} → ${round(converted)} mg/day ${convertedLabel}`;
    parts.push(orders.length === 1 ? how : `${order.product.ingredient}: ${how}`);
  }
  const duplicate = findReconciliationDuplicate(read);
  if (duplicate !== undefined) {
    context.note(
      `${code}: ${duplicate.order.product.ingredient} ${round(duplicate.mgPerDay)} mg/day ordered more than once ` +
        '(same product, same daily dose): a reconciliation duplicate, which order is taken is unknown',
    );
    return undefined;
  }
  return { mgPerDay: round(mgPerDay), prn, how: parts.join('; '), orders };
}

/**
 * §2 "Several orders of one group": two or more current *record* orders with the same product and
 * the same daily dose are a reconciliation duplicate, not a double dose. Drafts are the orders
 * being written now: two identical drafts are a real double order and add up.
 *
 * The same product, read conservatively (a wrong card is worse than no card): the same §2
 * ingredient (generic or brand name, RxNorm product or ingredient code — so CellCept 500 mg and
 * generic MMF 500 mg are one product) with strengths that do not differ (equal, or either one
 * unknown: an order coded or named without a strength could be the same product). Two known,
 * different strengths (500 mg tablet and 250 mg capsule) or two ingredients (prednisolone and
 * methylprednisolone) are different products and add up.
 */
function findReconciliationDuplicate(doses: readonly OrderDose[]): OrderDose | undefined {
  const record = doses.filter((dose) => !dose.order.isDraft);
  return record.find((a, i) =>
    record
      .slice(i + 1)
      .some((b) => round(a.mgPerDay) === round(b.mgPerDay) && couldBeSameProduct(a.order, b.order)),
  );
}

function couldBeSameProduct(a: MedicationOrder, b: MedicationOrder): boolean {
  if (a.product.ingredient !== b.product.ingredient) return false;
  return strengthsMayMatch(a.product.strength, b.product.strength);
}

function strengthsMayMatch(a: ProductStrength | undefined, b: ProductStrength | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.per === b.per && round(a.mg) === round(b.mg);
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** The one draft whose dose a proposal may rewrite: only when it alone makes the group's dose. */
export function singleDraftOf(orders: readonly MedicationOrder[]): MedicationOrder | undefined {
  const [only] = orders;
  return orders.length === 1 && only?.isDraft === true ? only : undefined;
}
