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
  /** Absent: open-ended, unless `endUnknown`. */
  readonly end?: string;
  /**
   * The order was stopped or completed but states no end (or an end after now): it ended at a
   * time the record does not give. The rules take "now" for that end (§4); the chart must not
   * show today's date as when it stopped.
   */
  readonly endUnknown?: true;
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
        ...endOf(order, context.now),
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
 * A stopped or completed order ended when its stated end says, if that is not after now; without
 * one the rules' end (now, §4) is a stand-in, and a clinician reading "ended 4 Dec" would take the
 * day it was drawn for the day the drug was stopped.
 */
function endOf(order: MedicationOrder, now: Date): Pick<TimelineOrder, 'end' | 'endUnknown'> {
  const stopped = !order.isActive && !ENDS_AS_PLANNED.has(order.request.status);
  if (stopped && (order.plannedEnd === undefined || order.plannedEnd.getTime() > now.getTime()))
    return { endUnknown: true };
  return order.end === undefined ? {} : { end: formatTimelineTime(order.end) };
}

/** Statuses whose end is the planned one: still in force (or paused) until it. */
const ENDS_AS_PLANNED: ReadonlySet<string> = new Set(['active', 'on-hold']);

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
