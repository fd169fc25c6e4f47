import { judgeReading, selectRecentReadableResult } from '../record/observations';
import type { Finding, Rule, RuleContext } from './rule';
import {
  currentOrdersOf,
  describeOrderWithDose,
  describeTherapyStart,
  measurementOf,
} from '../cards/evidence';

/**
 * clinical-rules.md §5 mpa-trough-low (info): in maintenance, on mycophenolate (active or draft),
 * the latest MPA trough of the last 90 days < 2.0 mg/L — remission was seen at about 2 mg/L
 * (6.2 µmol/L). µmol/L is converted by UCUM with MW 320.34 g/mol (÷ 3.1217); 2.0 is in range.
 */
const CODE = 'mpa-trough-low';

function evaluateMpaTrough(context: RuleContext): Finding[] {
  const { targets, timeline } = context;
  if (timeline.phase !== 'maintenance') return [];
  const orders = currentOrdersOf(context, 'mycophenolate');
  if (orders.length === 0) return [];
  const window = targets.mycophenolate.mpaTroughWindowDays;
  const trough = selectRecentReadableResult(context, CODE, 'mpaTrough', 'MPA trough', window);
  if (!trough) return [];
  const min = targets.mycophenolate.mpaTroughMinMgPerL;
  if (judgeReading(context, CODE, 'MPA trough', trough.reading, { min }) !== 'below') return [];
  return [
    {
      code: CODE,
      indicator: 'info',
      measured: measurementOf('MPA trough', trough),
      target: {
        label: 'level linked to remission',
        min,
        unit: 'mg/L',
        source: 'LN cohort data',
      },
      direction: 'below',
      // The trough itself is the card's first line: not repeated here.
      evidence: [...orders.map(describeOrderWithDose(context)), ...describeTherapyStart(context)],
    },
  ];
}

export const mpaTroughLow: Rule = {
  code: CODE,
  evaluate: evaluateMpaTrough,
};
