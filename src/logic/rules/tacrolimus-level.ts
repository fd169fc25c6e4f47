import { judgeReading, selectRecentReadableResult } from '../record/observations';
import type { Finding, RuleContext } from './rule';
import type { RuleCode } from '../vocabulary/rule-codes';
import {
  currentOrdersOf,
  describeOrderWithDose,
  describeTherapyStart,
  draftIdOf,
  measurementOf,
} from '../cards/evidence';
import { labelledProductsOf } from '../cards/sources';

/**
 * clinical-rules.md §5 tacrolimus-trough-low / -high: in maintenance, on tacrolimus (active or
 * draft), the latest tacrolimus level of the last 90 days outside 4–6 ng/mL (inclusive in range).
 * Source: KDIGO 2024 LN guideline and the tacrolimus trough summary (LN maintenance trough 4–6).
 */
export function evaluateTacrolimusLevel(
  context: RuleContext,
  code: RuleCode,
  side: 'below' | 'above',
): Finding[] {
  const { targets, timeline } = context;
  if (timeline.phase !== 'maintenance') return [];
  const tacrolimusOrders = currentOrdersOf(context, 'tacrolimus');
  if (tacrolimusOrders.length === 0) return [];
  const window = targets.tacrolimus.levelWindowDays;
  const level = selectRecentReadableResult(context, code, 'tacrolimus', 'tacrolimus level', window);
  if (!level) return [];
  const range = targets.tacrolimus.troughNgPerMl;
  const limit = side === 'below' ? { min: range.min } : { max: range.max };
  if (judgeReading(context, code, 'tacrolimus level', level.reading, limit) !== side) return [];
  return [
    {
      code,
      indicator: 'warning',
      measured: measurementOf('Tacrolimus trough', level),
      target: {
        label: 'LN maintenance target',
        min: range.min,
        max: range.max,
        unit: 'ng/mL',
        source: 'KDIGO 2024 LN guideline; tacrolimus trough target for LN maintenance',
      },
      direction: side,
      // The level itself is the card's first line (value, date, as reported): not repeated here.
      evidence: [...tacrolimusOrders.map(describeOrderWithDose(context)), ...describeTherapyStart(context)],
      draftOrderId: draftIdOf(tacrolimusOrders),
      labelledProducts: labelledProductsOf(tacrolimusOrders),
      facts: {
        onceDailyExtendedRelease: tacrolimusOrders.some((o) => o.product.onceDailyExtendedRelease === true),
      },
    },
  ];
}
