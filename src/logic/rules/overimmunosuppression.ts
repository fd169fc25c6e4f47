import {
  CALCINEURIN_INHIBITOR_GROUPS,
  LN_IMMUNOSUPPRESSANT_GROUPS,
  type DrugGroup,
} from '../vocabulary/medication-groups';
import type { Finding, Rule, RuleContext } from './rule';
import { describeOrderWithDose, draftIdOf } from '../cards/evidence';

/**
 * §5 overimmunosuppression, counting distinct drug groups (not orders) that are current (active
 * or drafted): tacrolimus with ≥ 2 other LN immunosuppressant groups (infection risk); two
 * calcineurin inhibitors; mycophenolate with azathioprine (two antimetabolites).
 */
function evaluate(context: RuleContext): Finding[] {
  const groups = [...context.currentGroups].filter((g) => LN_IMMUNOSUPPRESSANT_GROUPS.has(g));
  const reasons: string[] = [];
  const involved = new Set<DrugGroup>();
  if (groups.includes('tacrolimus') && groups.length >= 3) {
    reasons.push('tacrolimus with two or more other LN immunosuppressants');
    groups.forEach((g) => involved.add(g));
  }
  const cnis = groups.filter((g) => CALCINEURIN_INHIBITOR_GROUPS.has(g));
  if (cnis.length >= 2) {
    reasons.push('two calcineurin inhibitors');
    cnis.forEach((g) => involved.add(g));
  }
  if (groups.includes('mycophenolate') && groups.includes('azathioprine')) {
    reasons.push('two antimetabolites (mycophenolate and azathioprine)');
    involved.add('mycophenolate');
    involved.add('azathioprine');
  }
  if (reasons.length === 0) return [];
  const orders = context.currentOrders.filter((order) => involved.has(order.group));
  const ordered = groups.filter((g) => involved.has(g));
  return [
    {
      code: 'overimmunosuppression',
      indicator: 'warning',
      evidence: orders.map(describeOrderWithDose(context)),
      draftOrderId: draftIdOf(orders),
      facts: { groups: ordered, reasons },
    },
  ];
}

export const overimmunosuppression: Rule = {
  code: 'overimmunosuppression',
  evaluate,
};
