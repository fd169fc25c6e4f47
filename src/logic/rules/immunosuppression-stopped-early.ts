import { addMonths, formatDate, isWithinLastMonths, monthsBetween } from '../time/fhir-time';
import { LN_IMMUNOSUPPRESSANT_GROUPS } from '../vocabulary/medication-groups';
import type { Finding, Rule, RuleContext } from './rule';
import { describeOrderWithDose, describeReInduction, draftIdOf } from '../cards/evidence';

import { assessPregnancy } from '../record/pregnancy';

/**
 * §5 premature discontinuation and §7 last bullet. The planned end of LN immunosuppression (after
 * the drafts) is before therapy start + 36 months (strict):
 * - order hooks: only when a draft stops an LN immunosuppressant or gives it an end;
 * - patient-view: only when nothing is current any more and the stop lies within the last
 *   12 months (an unknown end counts as now).
 * After a re-induction (wave 2 §4.7a) the 36 months count from its start R.
 * Source: KDIGO 2024 (≥ 36 months total for proliferative LN; MMF stopped < 2 years → more flares).
 */
function evaluate(context: RuleContext): Finding[] {
  const { timeline, targets, now } = context;
  // Wave 2 §4.7a: after a re-induction R the 36 months count from R.
  const reInduction = timeline.reInduction;
  const start = reInduction ? reInduction.start : timeline.therapyStart;
  if (!start || timeline.plannedEnd.kind !== 'at') return [];
  const end = timeline.plannedEnd.at;
  const { minimumTherapyMonths, recentStopMonths } = targets.discontinuation;
  if (end.getTime() >= addMonths(start, minimumTherapyMonths).getTime()) return [];
  const lnOrders = context.orders.filter((o) => LN_IMMUNOSUPPRESSANT_GROUPS.has(o.group));
  if (context.isOrderHook) {
    if (!timeline.draftChangesLnPlan) return [];
  } else {
    if (context.currentOrders.some((o) => LN_IMMUNOSUPPRESSANT_GROUPS.has(o.group))) return [];
    if (!isWithinLastMonths(end, now, recentStopMonths)) return [];
  }
  const draftOrderId = draftIdOf(lnOrders.filter((o) => o.discontinuesGroup || o.end !== undefined));
  // Evidence: the drafts, and per group the order that ends last (not every renewal on record).
  const lastOfGroup = new Map<string, (typeof lnOrders)[number]>();
  for (const order of lnOrders) {
    if (order.isDraft) continue;
    const known = lastOfGroup.get(order.group);
    if (!known || (order.end?.getTime() ?? 0) > (known.end?.getTime() ?? 0))
      lastOfGroup.set(order.group, order);
  }
  const shown = [...lnOrders.filter((o) => o.isDraft), ...lastOfGroup.values()];
  // Wave 2 §5.3: with a pregnancy recorded the card advises a pregnancy-compatible agent instead.
  const pregnancy = assessPregnancy(context, 'immunosuppression-stopped-early');
  return [
    {
      code: 'immunosuppression-stopped-early',
      indicator: 'warning',
      evidence: [
        { label: 'LN immunosuppression started', date: formatDate(timeline.therapyStart ?? start) },
        ...(reInduction ? [describeReInduction(reInduction, context)] : []),
        { label: 'LN immunosuppression ends', date: formatDate(end) },
        ...shown.map(describeOrderWithDose(context)),
      ],
      draftOrderId,
      facts: {
        monthsCompleted: monthsBetween(start, end),
        recommendedMonths: minimumTherapyMonths,
        plannedEnd: formatDate(end),
        therapyStart: formatDate(start),
        reInduction: reInduction ? formatDate(reInduction.start) : undefined,
        pregnancyRecorded: pregnancy.kind === 'pregnant' ? true : undefined,
        pregnancyDate: pregnancy.kind === 'pregnant' ? pregnancy.latest.evidence.date : undefined,
      },
    },
  ];
}

export const immunosuppressionStoppedEarly: Rule = {
  code: 'immunosuppression-stopped-early',
  evaluate,
};
