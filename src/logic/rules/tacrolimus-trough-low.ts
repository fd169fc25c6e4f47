import type { Rule } from './rule';
import { evaluateTacrolimusLevel } from './tacrolimus-level';

/** §5: latest tacrolimus level of the last 90 days < 4.0 ng/mL in maintenance. */
export const tacrolimusTroughLow: Rule = {
  code: 'tacrolimus-trough-low',
  evaluate: (context) => evaluateTacrolimusLevel(context, 'tacrolimus-trough-low', 'below'),
};
