import { addMonths } from '../time/fhir-time';
import { LN_IMMUNOSUPPRESSANT_GROUPS, type DrugGroup } from '../vocabulary/medication-groups';
import type { MedicationOrder, PlannedEnd, Timeline } from '../rules/rule';
import type { Targets } from '../targets';

/** The therapy timeline of clinical-rules.md §4 and the planned end of §5. */
export function buildTimeline(
  orders: readonly MedicationOrder[],
  now: Date,
  targets: Targets,
  isOrderHook: boolean,
): Timeline {
  const firstStartByGroup = new Map<DrugGroup, Date>();
  let therapyStart: Date | undefined;
  for (const order of orders) {
    if (!order.start) continue;
    const first = firstStartByGroup.get(order.group);
    if (!first || order.start.getTime() < first.getTime()) firstStartByGroup.set(order.group, order.start);
    if (LN_IMMUNOSUPPRESSANT_GROUPS.has(order.group)) {
      if (!therapyStart || order.start.getTime() < therapyStart.getTime()) therapyStart = order.start;
    }
  }
  const phase =
    therapyStart === undefined
      ? undefined
      : now.getTime() < addMonths(therapyStart, targets.inductionMonths).getTime()
        ? 'induction'
        : 'maintenance';
  return {
    therapyStart,
    phase,
    firstStartByGroup,
    plannedEnd: planEnd(orders),
    // §7: only a stop or a draft with an end changes the plan; an unrelated draft never does.
    draftChangesLnPlan: isOrderHook && someDraftChangesLnPlan(orders),
  };
}

function someDraftChangesLnPlan(orders: readonly MedicationOrder[]): boolean {
  for (const draft of orders) {
    if (!draft.isDraft || !LN_IMMUNOSUPPRESSANT_GROUPS.has(draft.group)) continue;
    // A stop only changes the plan when it ends something: stopping a drug the patient is not on
    // (no active order of its group) must not read as "therapy started and stopped today".
    if (draft.discontinuesGroup ? hasActiveOrder(orders, draft.group) : draft.end !== undefined) return true;
  }
  return false;
}

function hasActiveOrder(orders: readonly MedicationOrder[], group: DrugGroup): boolean {
  for (const order of orders) if (!order.isDraft && order.isActive && order.group === group) return true;
  return false;
}

/**
 * §5: the latest end over all LN immunosuppressant orders after the drafts are applied. A group
 * with drafts ends when its drafts end (a discontinuing draft: now; a draft without an end: never);
 * otherwise when its orders end (an active order without an end: never).
 */
function planEnd(orders: readonly MedicationOrder[]): PlannedEnd {
  let hasTherapy = false;
  let draftedGroups: Set<DrugGroup> | undefined;
  for (const order of orders) {
    if (!LN_IMMUNOSUPPRESSANT_GROUPS.has(order.group)) continue;
    hasTherapy = true;
    if (order.isDraft) (draftedGroups ??= new Set()).add(order.group);
  }
  if (!hasTherapy) return { kind: 'no-therapy' };
  let latest: Date | undefined;
  for (const order of orders) {
    if (!LN_IMMUNOSUPPRESSANT_GROUPS.has(order.group)) continue;
    if (!order.isDraft && draftedGroups?.has(order.group)) continue; // the group's drafts decide
    if (order.end === undefined) {
      if (order.isActive) return { kind: 'never' };
      continue; // no start and no end: nothing known (noted when built)
    }
    if (!latest || order.end.getTime() > latest.getTime()) latest = order.end;
  }
  return latest ? { kind: 'at', at: latest } : { kind: 'no-therapy' };
}
