import type { Finding, Rule, RuleContext } from './rule';
import { describeOrderWithDose, draftIdOf } from '../cards/evidence';
import { findInteractingOrders, proposeRemovingDraft } from './interacting-orders';

/**
 * clinical-rules-wave2.md 6a voclosporin-strong-cyp3a4-inhibitor: on voclosporin and on a drug of
 * the strong CYP3A4 inhibitor group (§2 of the main spec), active or drafted; a draft stopping
 * either ends it. Lupkynis label §4 Contraindications, §7 Drug Interactions: strong CYP3A4
 * inhibitors are contraindicated (they raise voclosporin exposure). In order hooks a drafted
 * inhibitor is offered for removal; no substitute is proposed (the alternative depends on the
 * infection or the indication).
 */
function evaluate(context: RuleContext): Finding[] {
  const found = findInteractingOrders(context, 'voclosporin', ['strong-cyp3a4-inhibitor']);
  if (found === undefined) return [];
  const { drug: voclosporin, interacting: inhibitors } = found;
  const names = [...new Set(inhibitors.map((order) => order.product.ingredient))];
  return [
    {
      code: 'voclosporin-strong-cyp3a4-inhibitor',
      indicator: 'critical',
      evidence: [...inhibitors, ...voclosporin].map(describeOrderWithDose(context)),
      draftOrderId: draftIdOf(inhibitors) ?? draftIdOf(voclosporin),
      proposedDelete: proposeRemovingDraft(context, inhibitors),
      facts: { inhibitors: names },
    },
  ];
}

export const voclosporinStrongCyp3a4Inhibitor: Rule = {
  code: 'voclosporin-strong-cyp3a4-inhibitor',
  evaluate,
};
