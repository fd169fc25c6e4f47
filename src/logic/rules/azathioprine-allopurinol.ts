import type { Finding, Rule, RuleContext } from './rule';
import { describeOrder, describeOrderWithDose, draftIdOf } from '../cards/evidence';
import { labelledProductsOf } from '../cards/sources';
import { singleDraftOf } from '../dose/group-dose';
import { proposeDraftDose } from '../dose/propose-dose';
import { roundTo2 } from '../dose/units';
import { readAzathioprineDosePerKg } from './azathioprine-dose';
import { findInteractingOrders } from './interacting-orders';

/**
 * clinical-rules-wave2.md 2b azathioprine-allopurinol: on azathioprine and on allopurinol, unless
 * the azathioprine daily dose (§2, the draft supersedes) per latest body weight (≤ 12 months, as
 * azathioprine-dose-*) is already ≤ 0.67 mg/kg/day (rounded to two decimals, §7: 0.67 is reduced
 * enough). Imuran label, Drug Interactions: with allopurinol, azathioprine at one-third to
 * one-quarter of the usual dose; 0.67 is ⅓ of the 2.0 mg/kg/day maintenance maximum — derived,
 * a service default. The interaction itself is certain, so an unknown dose or weight still
 * fires, saying the dose was not checked.
 */
function evaluate(context: RuleContext): Finding[] {
  const found = findInteractingOrders(context, 'azathioprine', ['allopurinol']);
  if (found === undefined) return [];
  const { drug: azathioprine, interacting: allopurinol } = found;
  const maxMgPerKgPerDay = context.targets.azathioprineWithAllopurinol.maxMgPerKgPerDay;
  const perKg = readAzathioprineDosePerKg(context, 'azathioprine-allopurinol', azathioprine);
  if (perKg.ok && perKg.mgPerKgPerDay <= maxMgPerKgPerDay) {
    context.note('azathioprine-allopurinol: azathioprine dose already reduced for allopurinol');
    return [];
  }
  const usualMax = context.targets.azathioprine.maxMgPerKgPerDay;
  const target = {
    label: 'maximum with allopurinol',
    max: maxMgPerKgPerDay,
    unit: 'mg/kg/day',
    // A site's own limit is not the ⅓ this service derives: then it is said to be the site's.
    source:
      roundTo2(usualMax / 3) === maxMgPerKgPerDay
        ? `${maxMgPerKgPerDay} = ⅓ of ${usualMax.toFixed(1)}, derived, service default`
        : "this site's setting",
  };
  const withDose = describeOrderWithDose(context);
  const shared = {
    code: 'azathioprine-allopurinol',
    indicator: 'warning',
    target,
    draftOrderId: draftIdOf(azathioprine) ?? draftIdOf(allopurinol),
    labelledProducts: labelledProductsOf(azathioprine),
  } as const;
  if (!perKg.ok) {
    return [
      {
        ...shared,
        evidence: [...azathioprine, ...allopurinol].map(withDose),
        facts: { doseNotChecked: perKg.reason },
      },
    ];
  }
  const { dose, kg } = perKg;
  const draft = context.isOrderHook ? singleDraftOf(azathioprine) : undefined;
  // The largest whole-tablet regimen at or below the limit, on the draft's own schedule; only a
  // product of known tablet strength (a guessed strength would be a wrong order).
  const proposal =
    draft?.product.strength?.per === 'unit'
      ? proposeDraftDose(draft, { max: maxMgPerKgPerDay * kg.value }, 'above', context.now)
      : undefined;
  return [
    {
      ...shared,
      measured: perKg.measured,
      direction: 'above',
      evidence: [...azathioprine.map(describeOrder), ...allopurinol.map(withDose)],
      dose: perKg.used,
      proposedDraft: proposal?.draft,
      facts: { mgPerDay: dose.mgPerDay, proposedDose: proposal?.text, proposedChange: proposal?.label },
    },
  ];
}

export const azathioprineAllopurinol: Rule = {
  code: 'azathioprine-allopurinol',
  evaluate,
};
