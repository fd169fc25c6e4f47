import type { Finding, Rule, RuleContext } from './rule';
import { describeOrderWithDose, draftIdOf } from '../cards/evidence';
import { findInteractingOrders } from './interacting-orders';
import { labelledProductsOf } from '../cards/sources';

/**
 * §5 tacrolimus-cyp3a4-interaction: tacrolimus current together with a strong CYP3A4 inhibitor
 * (raises tacrolimus exposure) or a CYP3A4 inducer (lowers it), active or drafted; a draft stopping
 * one interacting drug ends only that drug (interacting-orders.ts). Source: Prograf
 * label, drug interactions; the tacrolimus trough summary (CYP3A4 pitfall).
 */
function evaluate(context: RuleContext): Finding[] {
  const found = findInteractingOrders(context, 'tacrolimus', ['strong-cyp3a4-inhibitor', 'cyp3a4-inducer']);
  if (found === undefined) return [];
  const { drug: tacrolimusOrders, interacting } = found;
  const inhibits = interacting.some((order) => order.group === 'strong-cyp3a4-inhibitor');
  const induces = interacting.some((order) => order.group === 'cyp3a4-inducer');
  const names = [...new Set(interacting.map((order) => order.product.ingredient))];
  const effect: string[] = [];
  if (inhibits) effect.push('inhibition raises tacrolimus levels');
  if (induces) effect.push('induction lowers tacrolimus levels');
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
