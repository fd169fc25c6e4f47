import type { Rule } from './rule';
import { evaluateTacrolimusLevel } from './tacrolimus-level';

/** §5: latest tacrolimus level of the last 90 days > 6.0 ng/mL in maintenance (confirm trough). */
export const tacrolimusTroughHigh: Rule = {
  code: 'tacrolimus-trough-high',
  evaluate: (context) => evaluateTacrolimusLevel(context, 'tacrolimus-trough-high', 'above'),
};
