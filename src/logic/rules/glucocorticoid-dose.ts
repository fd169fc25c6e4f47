import { isGlucocorticoid, toPrednisoneEquivalentMg } from '../vocabulary/prednisone-equivalent';
import type { Finding, MedicationOrder, Rule, RuleContext } from './rule';
import {
  currentOrdersOf,
  describeOrder,
  describeOrderWithDose,
  describeTherapyStart,
  draftIdOf,
} from '../cards/evidence';
import { readGroupDose, singleDraftOf } from '../dose/group-dose';
import { proposeDraftDose } from '../dose/propose-dose';

/**
 * clinical-rules.md §5 glucocorticoid-dose-high (KDIGO 2024): in maintenance, the total
 * prednisone-equivalent dose of all current glucocorticoid orders (prednisone × 1, prednisolone
 * × 1, methylprednisolone × 1.25) > 7.5 mg/day; > 10 mg/day when tacrolimus and mycophenolate are
 * both current (the multitarget regimen). 7.5 and 10 are in range.
 */
const CODE = 'glucocorticoid-dose-high';
function prednisoneEquivalent(order: MedicationOrder, mgPerDay: number): number | undefined {
  const ingredient = order.product.ingredient;
  return isGlucocorticoid(ingredient) ? toPrednisoneEquivalentMg(ingredient, mgPerDay) : undefined;
}

function evaluateGlucocorticoidDose(context: RuleContext): Finding[] {
  if (context.timeline.phase !== 'maintenance') return [];
  const orders = [
    ...currentOrdersOf(context, 'prednisone'),
    ...currentOrdersOf(context, 'other-glucocorticoid'),
  ];
  const dose = readGroupDose(context, CODE, orders, prednisoneEquivalent, 'prednisone-equivalent');
  if (dose === undefined) return [];
  const multitarget = context.currentGroups.has('tacrolimus') && context.currentGroups.has('mycophenolate');
  const limits = context.targets.glucocorticoid;
  const max = multitarget ? limits.multitargetMaintenanceMaxMgPerDay : limits.maintenanceMaxMgPerDay;
  if (dose.mgPerDay <= max) return [];

  const draft = context.isOrderHook ? singleDraftOf(orders) : undefined;
  // The draft's own mg: the limit divided by its prednisone-equivalent factor.
  const factor = draft ? prednisoneEquivalent(draft, 1) : undefined;
  const proposal =
    draft && factor ? proposeDraftDose(draft, { max: max / factor }, 'above', context.now) : undefined;
  const partners = multitarget
    ? [...currentOrdersOf(context, 'tacrolimus'), ...currentOrdersOf(context, 'mycophenolate')]
    : [];
  return [
    {
      code: CODE,
      indicator: 'warning',
      measured: { label: 'Prednisone-equivalent daily dose', value: dose.mgPerDay, unit: 'mg/day' },
      target: {
        label: multitarget ? 'LN multitarget maintenance limit' : 'LN maintenance limit',
        max,
        unit: 'mg/day',
        source: 'KDIGO 2024 LN guideline',
      },
      direction: 'above',
      evidence: [
        ...orders.map(describeOrder),
        ...partners.map(describeOrderWithDose(context)),
        ...describeTherapyStart(context),
      ],
      dose: { mgPerDay: dose.mgPerDay, how: dose.how },
      draftOrderId: draftIdOf(orders),
      proposedDraft: proposal?.draft,
      facts: {
        multitarget,
        asNeeded: dose.prn,
        proposedDose: proposal?.text,
        proposedChange: proposal?.label,
      },
    },
  ];
}

export const glucocorticoidDoseHigh: Rule = {
  code: CODE,
  evaluate: evaluateGlucocorticoidDose,
};
