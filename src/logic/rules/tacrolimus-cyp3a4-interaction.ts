import type { Finding, Rule, RuleContext } from './rule';
import { currentOrdersOf, describeOrderWithDose, draftIdOf } from '../cards/evidence';
import { labelledProductsOf } from '../cards/sources';

/**
 * §5 tacrolimus-cyp3a4-interaction: tacrolimus current together with a strong CYP3A4 inhibitor
 * (raises tacrolimus exposure) or a CYP3A4 inducer (lowers it), active or drafted. Source: Prograf
 * label, drug interactions; the tacrolimus trough summary (CYP3A4 pitfall).
 */
function evaluate(context: RuleContext): Finding[] {
  const tacrolimusOrders = currentOrdersOf(context, 'tacrolimus');
  if (tacrolimusOrders.length === 0) return [];
  const inhibitors = currentOrdersOf(context, 'strong-cyp3a4-inhibitor');
  const inducers = currentOrdersOf(context, 'cyp3a4-inducer');
  if (inhibitors.length === 0 && inducers.length === 0) return [];
  const interacting = [...inhibitors, ...inducers];
  const names = [...new Set(interacting.map((order) => order.product.ingredient))];
  const effect: string[] = [];
  if (inhibitors.length > 0) effect.push('inhibition raises tacrolimus levels');
  if (inducers.length > 0) effect.push('induction lowers tacrolimus levels');
  const draftOrderId = draftIdOf(interacting) ?? draftIdOf(tacrolimusOrders);
  return [
    {
      code: 'tacrolimus-cyp3a4-interaction',
      indicator: 'warning',
      evidence: [...interacting, ...tacrolimusOrders].map(describeOrderWithDose(context)),
      draftOrderId,
      labelledProducts: labelledProductsOf(tacrolimusOrders),
      facts: {
        interactingDrugs: names,
        effect,
        onceDailyExtendedRelease: tacrolimusOrders.some((o) => o.product.onceDailyExtendedRelease === true),
      },
    },
  ];
}

export const tacrolimusCyp3a4Interaction: Rule = {
  code: 'tacrolimus-cyp3a4-interaction',
  evaluate,
};
