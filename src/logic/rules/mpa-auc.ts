import { judgeReading, selectRecentReadableResult } from '../record/observations';
import type { Finding, Rule, RuleContext } from './rule';
import { currentOrdersOf, describeOrderWithDose, measurementOf } from '../cards/evidence';

/**
 * clinical-rules.md §5 mpa-auc-out-of-range (info): on mycophenolate (active or draft, any phase),
 * the latest MPA AUC0-12 of the last 180 days outside 60–90 mg·h/L (inclusive in range). This is a
 * literature target from LN cohorts, not a guideline recommendation, and the card says so.
 */
const CODE = 'mpa-auc-out-of-range';

function evaluateMpaAuc(context: RuleContext): Finding[] {
  const { targets } = context;
  const orders = currentOrdersOf(context, 'mycophenolate');
  if (orders.length === 0) return [];
  const window = targets.mycophenolate.mpaAucWindowDays;
  const auc = selectRecentReadableResult(context, CODE, 'mpaAuc', 'MPA AUC', window);
  if (!auc) return [];
  const range = targets.mycophenolate.mpaAucMgHPerL;
  const direction = judgeReading(context, CODE, 'MPA AUC', auc.reading, range);
  if (direction === undefined) return [];
  return [
    {
      code: CODE,
      indicator: 'info',
      measured: measurementOf('MPA AUC0-12', auc),
      target: {
        label: 'literature target (not a guideline)',
        min: range.min,
        max: range.max,
        unit: 'mg.h/L',
        source: 'LN cohort studies',
      },
      direction,
      // The AUC itself is the card's first line: not repeated here.
      evidence: orders.map(describeOrderWithDose(context)),
    },
  ];
}

export const mpaAucOutOfRange: Rule = {
  code: CODE,
  evaluate: evaluateMpaAuc,
};
