import { formatNumber } from '../cards/card-text';
import { judgeReading, selectRecentReadableResult } from '../record/observations';
import type { Finding, Rule, RuleContext } from './rule';
import { currentOrdersOf, describeOrder, describeResult, draftIdOf } from '../cards/evidence';
import { labelledProductsOf } from '../cards/sources';
import { readGroupDose, singleDraftOf } from '../dose/group-dose';
import { DOSE_LABEL, kindOfOrders, proposalBounds, selectMycophenolateRange } from './mycophenolate-dose';
import { proposeDraftDose } from '../dose/propose-dose';

/**
 * clinical-rules.md §5 mycophenolate-renal-dose: the latest eGFR (≤ 90 days old) < 25 mL/min/1.73 m²
 * and MMF > 2000 mg/day or MPA > 1440 mg/day. Source: CellCept label, "in patients with severe
 * chronic renal impairment (GFR < 25 mL/min/1.73 m²) ... doses greater than 1 g twice a day
 * should be avoided". Any phase; an as-needed dose counts (the rule is about too much). The MPA
 * maximum is this service's equivalent of that MMF limit (720 mg MPA ≈ 1000 mg MMF), and the card
 * says it is derived (§6).
 */
const CODE = 'mycophenolate-renal-dose';

function evaluateRenalDose(context: RuleContext): Finding[] {
  const orders = currentOrdersOf(context, 'mycophenolate');
  if (orders.length === 0) return [];
  const renal = context.targets.mycophenolate.renal;
  const egfr = selectRecentReadableResult(context, CODE, 'egfr', 'eGFR', renal.egfrWindowDays);
  if (!egfr) return [];
  if (judgeReading(context, CODE, 'eGFR', egfr.reading, { min: renal.egfrBelow }) !== 'below') return [];

  const kind = kindOfOrders(context, CODE, orders);
  if (kind === undefined) return [];
  const dose = readGroupDose(context, CODE, orders);
  if (dose === undefined) return [];
  const max = kind === 'mmf' ? renal.mmfMaxMgPerDay : renal.mpaMaxMgPerDay;
  if (dose.mgPerDay <= max) return [];

  const draft = context.isOrderHook ? singleDraftOf(orders) : undefined;
  // §6: the suggested dose must lie inside the target. Below the renal maximum is not enough when
  // the phase's own range is lower (a site may set a maintenance maximum under the renal one): the
  // proposal would only trade this card for mycophenolate-dose-high. Stay inside both — with
  // tacrolimus in maintenance inside the full-dose range, never between it and the multitarget one.
  const phase = context.timeline.phase;
  const range =
    phase === undefined
      ? undefined
      : selectMycophenolateRange(
          context.targets,
          kind,
          phase,
          currentOrdersOf(context, 'tacrolimus').length > 0,
        );
  const bounds = range === undefined ? { min: undefined, max } : proposalBounds(range, 'above', max);
  const proposal = draft && proposeDraftDose(draft, bounds, 'above', context.now);
  const egfrText = `${egfr.reading.comparator ?? ''}${formatNumber(egfr.reading.value)}`;
  return [
    {
      code: CODE,
      indicator: 'warning',
      measured: { label: DOSE_LABEL[kind], value: dose.mgPerDay, unit: 'mg/day' },
      target: {
        label: `maximum at eGFR ${egfrText} (< ${formatNumber(renal.egfrBelow)})`,
        max,
        unit: 'mg/day',
        source:
          kind === 'mmf'
            ? 'CellCept label, severe chronic renal impairment'
            : 'derived by this service from the CellCept MMF limit',
      },
      direction: 'above',
      evidence: [describeResult('Latest eGFR', egfr), ...orders.map(describeOrder)],
      dose: { mgPerDay: dose.mgPerDay, how: dose.how },
      draftOrderId: draftIdOf(orders),
      proposedDraft: proposal?.draft,
      labelledProducts: labelledProductsOf(orders),
      facts: {
        kind,
        egfr: egfr.reading.value,
        proposedDose: proposal?.text,
        proposedChange: proposal?.label,
      },
    },
  ];
}

export const mycophenolateRenalDose: Rule = {
  code: CODE,
  evaluate: evaluateRenalDose,
};
