import { formatNumber } from '../cards/card-text';
import { formatTimelineTime } from './timeline-time';
import { computeDailyDose, type DailyDose } from '../dose/daily-dose';
import type { MedicationOrder, RuleContext } from '../rules/rule';
import {
  GLUCOCORTICOID_GROUPS,
  LN_IMMUNOSUPPRESSANT_GROUPS,
  type DrugGroup,
} from '../vocabulary/medication-groups';

/**
 * One bar per order of an LN immunosuppressant or a glucocorticoid (clinical-rules.md §2), from
 * the orders the rules read (§4 start and end) and labelled with the §2 daily dose.
 */
export interface TimelineOrder {
  /** `MedicationRequest/<id>`, when the order has an id. */
  readonly reference?: string;
  readonly group: DrugGroup;
  /** The ingredient as a clinician names it ("Mycophenolate mofetil"). */
  readonly drug: string;
  readonly status: string;
  readonly start?: string;
  /** Absent: open-ended. */
  readonly end?: string;
  readonly dailyDose?: { readonly mgPerDay: number; readonly text: string };
  /** Why the daily dose cannot be stated (the bar is still drawn). */
  readonly doseUnreadable?: string;
}

const SHOWN_GROUPS: ReadonlySet<DrugGroup> = new Set([
  ...LN_IMMUNOSUPPRESSANT_GROUPS,
  ...GLUCOCORTICOID_GROUPS,
]);

export function buildOrderBars(context: RuleContext): TimelineOrder[] {
  return context.orders
    .filter((order) => SHOWN_GROUPS.has(order.group))
    .sort(
      (a, b) =>
        (a.start?.getTime() ?? Number.POSITIVE_INFINITY) - (b.start?.getTime() ?? Number.POSITIVE_INFINITY),
    )
    .map((order) => {
      const dose = dailyDoseOf(order, context);
      const ingredient = order.product.ingredient;
      return {
        ...(order.reference === undefined ? {} : { reference: order.reference }),
        group: order.group,
        drug: `${ingredient.charAt(0).toUpperCase()}${ingredient.slice(1)}`,
        status: order.request.status,
        ...(order.start === undefined ? {} : { start: formatTimelineTime(order.start) }),
        ...(order.end === undefined ? {} : { end: formatTimelineTime(order.end) }),
        ...(dose.ok
          ? {
              dailyDose: {
                mgPerDay: dose.mgPerDay,
                text: `${formatNumber(dose.mgPerDay)} mg/day (${dose.how})`,
              },
            }
          : { doseUnreadable: dose.reason }),
      };
    });
}

/**
 * An order in force now has the dose the cards state (`context.dailyDoseOf`). An order that has
 * ended is read at its end: a taper's step is the one that covered that day (§2), which "now"
 * no longer lies in.
 */
function dailyDoseOf(order: MedicationOrder, context: RuleContext): DailyDose {
  if (order.end === undefined || order.end.getTime() >= context.now.getTime())
    return context.dailyDoseOf(order);
  return computeDailyDose(order.request.dosageInstruction, {
    now: order.end,
    strength: order.product.strength,
  });
}
