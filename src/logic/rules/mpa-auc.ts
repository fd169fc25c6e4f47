import { isWithinLastDays } from '../time/fhir-time';
import { isBeyond } from '../record/observations';
import type { Finding, Rule, RuleContext } from './rule';
import { displayOfRuleCode } from '../vocabulary/rule-codes';
import { currentOrdersOf, describeOrder, describeResult, measurementOf } from '../cards/evidence';

/**
 * clinical-rules.md §5 mpa-auc-out-of-range (info): on mycophenolate (active or draft, any phase),
 * the latest MPA AUC0-12 of the last 180 days outside 60–90 mg·h/L (inclusive in range). This is a
 * literature target from LN cohorts, not a guideline recommendation, and the card says so.
 */
const CODE = 'mpa-auc-out-of-range';

function evaluateMpaAuc(context: RuleContext): Finding[] {
  const { targets, latest, now } = context;
  const orders = currentOrdersOf(context, 'mycophenolate');
  if (orders.length === 0) return [];
  const auc = latest.mpaAuc;
  if (!auc || !isWithinLastDays(auc.at, now, targets.mycophenolate.mpaAucWindowDays)) return [];
  if (!auc.reading.ok) {
    context.note(`${CODE}: latest MPA AUC unreadable (${auc.reading.reason})`);
    return [];
  }
  const range = targets.mycophenolate.mpaAucMgHPerL;
  const below = isBeyond(auc.reading, range.min, 'below');
  const above = isBeyond(auc.reading, range.max, 'above');
  const direction = below === 'yes' ? 'below' : above === 'yes' ? 'above' : undefined;
  if (direction === undefined) {
    if (below === 'unknown' || above === 'unknown') {
      context.note(`${CODE}: comparator of the latest MPA AUC does not settle the question`);
    }
    return [];
  }
  const measured = measurementOf('MPA AUC0-12', auc);
  if (!measured) return [];
  return [
    {
      code: CODE,
      indicator: 'info',
      measured,
      target: {
        label: 'literature target (not a guideline)',
        min: range.min,
        max: range.max,
        unit: 'mg.h/L',
        source: 'literature target from LN cohorts, not a guideline recommendation',
      },
      direction,
      evidence: [describeResult('Latest MPA AUC0-12', auc), ...orders.map(describeOrder)],
    },
  ];
}

export const mpaAucOutOfRange: Rule = {
  code: CODE,
  display: displayOfRuleCode(CODE),
  evaluate: evaluateMpaAuc,
};
