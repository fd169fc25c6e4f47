import { addMonths } from '../time/fhir-time';
import { LN_IMMUNOSUPPRESSANT_GROUPS, type DrugGroup } from '../vocabulary/medication-groups';
import type { MedicationOrder, PlannedEnd, Timeline } from '../rules/rule';
import type { Targets } from '../targets';
import { findReInduction } from './re-induction';

/**
 * The therapy timeline of clinical-rules.md §4 and the planned end of §5, with the re-induction of
 * clinical-rules-wave2.md §4.7a: after a re-induction R the phase is induction again while
 * now < R + 6 months, so the maintenance-only rules are silent and every phase-dependent rule uses
 * the induction ranges. First starts per group (the "overdue" clocks) are not reset by it.
 */
export function buildTimeline(
  orders: readonly MedicationOrder[],
  now: Date,
  targets: Targets,
  isOrderHook: boolean,
  note: (reason: string) => void,
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
  const reInduction = findReInduction(orders, therapyStart, now, targets, note);
  const inductionFromReInduction =
    reInduction !== undefined && now.getTime() < addMonths(reInduction.start, targets.inductionMonths).getTime();
  const phase =
    therapyStart === undefined
      ? undefined
      : inductionFromReInduction || now.getTime() < addMonths(therapyStart, targets.inductionMonths).getTime()
        ? 'induction'
        : 'maintenance';
  return {
    therapyStart,
    phase,
    reInduction,
    inductionFromReInduction,
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
