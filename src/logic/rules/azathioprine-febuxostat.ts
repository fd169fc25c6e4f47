import type { Finding, Rule, RuleContext } from './rule';
import { describeOrderWithDose, draftIdOf } from '../cards/evidence';
import { labelledProductsOf } from '../cards/sources';
import { findInteractingOrders, proposeRemovingDraft } from './interacting-orders';

/**
 * clinical-rules-wave2.md 2a azathioprine-febuxostat: on azathioprine and on febuxostat (drug
 * groups, not orders; active or drafted, a draft stopping either ends it). Febuxostat (Uloric)
 * label §4 Contraindications and §7: contraindicated with azathioprine — xanthine-oxidase
 * inhibition raises 6-mercaptopurine / 6-thioguanine nucleotide exposure (severe myelotoxicity);
 * Imuran label, Drug Interactions. In order hooks a febuxostat draft is offered for removal.
 */
function evaluate(context: RuleContext): Finding[] {
  const found = findInteractingOrders(context, 'azathioprine', ['febuxostat']);
  if (found === undefined) return [];
  const { drug: azathioprine, interacting: febuxostat } = found;
  return [
    {
      code: 'azathioprine-febuxostat',
      indicator: 'critical',
      evidence: [...febuxostat, ...azathioprine].map(describeOrderWithDose(context)),
      draftOrderId: draftIdOf(febuxostat) ?? draftIdOf(azathioprine),
      proposedDelete: proposeRemovingDraft(context, febuxostat),
      labelledProducts: labelledProductsOf(azathioprine),
    },
  ];
}

export const azathioprineFebuxostat: Rule = {
  code: 'azathioprine-febuxostat',
  evaluate,
};
