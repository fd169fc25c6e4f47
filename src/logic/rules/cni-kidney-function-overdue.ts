import { addDays, daysBetween, formatDate, isWithinLastDays } from '../time/fhir-time';
import type { DrugGroup } from '../vocabulary/medication-groups';
import type { Targets } from '../targets';
import type { Evidence, Finding, MedicationOrder, Rule, RuleContext } from './rule';
import { currentOrdersOf, describeOrderWithDose, describeResult, draftIdOf } from '../cards/evidence';
import { buildCreatinineOrder } from './lab-order';

/**
 * clinical-rules-wave2.md §4.4 rule 4a: on a calcineurin inhibitor G (active or drafted, not
 * stopped by a draft) first started ≥ W_G ago (renewals do not reset it, §7), and no eGFR and no
 * serum creatinine — readable or not, allowed status — with now − W_G ≤ t ≤ now. W = 90 days for
 * tacrolimus and cyclosporine (service default: the seed asks for "close monitoring" without an
 * interval), 28 days for voclosporin (Lupkynis label: eGFR every 4 weeks after the first month).
 * One card naming every overdue group, quoting the shortest window. All four hooks.
 *
 * *Choice*: when the creatinine data could not be read the rule is silent even without an eGFR in
 * the window — "no creatinine" cannot be said of data the service did not see.
 */
/** The calcineurin inhibitors of §2, the shortest monitoring window first (a card names them in this order). */
export const CNI_GROUPS = [
  'voclosporin',
  'tacrolimus',
  'cyclosporine',
] as const satisfies readonly DrugGroup[];
export type CniGroup = (typeof CNI_GROUPS)[number];

export function kidneyCheckWindowDays(targets: Targets, group: CniGroup): number {
  return group === 'voclosporin'
    ? targets.cniKidney.voclosporinWindowDays
    : targets.cniKidney.tacrolimusCyclosporineWindowDays;
}

const CODE = 'cni-kidney-function-overdue';

interface Overdue {
  readonly group: CniGroup;
  readonly windowDays: number;
  readonly firstStart: Date;
  readonly orders: readonly MedicationOrder[];
}

function evaluate(context: RuleContext): Finding[] {
  const { now, latest } = context;
  const overdue: Overdue[] = [];
  for (const group of CNI_GROUPS) {
    const orders = currentOrdersOf(context, group);
    if (orders.length === 0) continue;
    const firstStart = context.timeline.firstStartByGroup.get(group);
    if (firstStart === undefined) {
      context.note(`${CODE}: ${group} start unknown`);
      continue;
    }
    const windowDays = kidneyCheckWindowDays(context.targets, group);
    if (firstStart.getTime() > addDays(now, -windowDays).getTime()) continue;
    const checked = [latest.egfr, latest.creatinine].some(
      (result) => result !== undefined && isWithinLastDays(result.at, now, windowDays),
    );
    if (!checked) overdue.push({ group, windowDays, firstStart, orders });
  }
  if (overdue.length === 0) return [];
  if (context.unavailable.has('creatinine')) {
    context.note(`${CODE}: creatinine results unavailable, cannot tell whether kidney function was checked`);
    return [];
  }
  overdue.sort((a, b) => a.windowDays - b.windowDays);
  const windowDays = overdue[0]?.windowDays ?? 0;
  const lastCheck = [latest.egfr, latest.creatinine]
    .map((result) => result?.at)
    .filter((at): at is Date => at !== undefined)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  const evidence: Evidence[] = [
    ...overdue.map((o) => describeFirstStart(o.group, o.firstStart)),
    latest.egfr ? describeResult('Last eGFR', latest.egfr) : { label: 'Last eGFR', value: 'none on record' },
    latest.creatinine
      ? describeResult('Last creatinine', latest.creatinine)
      : { label: 'Last creatinine', value: 'none on record' },
    ...overdue.flatMap((o) => o.orders.map(describeOrderWithDose(context))),
  ];
  return [
    {
      code: CODE,
      indicator: 'info',
      evidence,
      draftOrderId: draftIdOf(overdue.flatMap((o) => o.orders)),
      proposedCreate: buildCreatinineOrder(context),
      proposedCreateLabel: 'Order serum creatinine with eGFR',
      labelledProducts: overdue.some((o) => o.group === 'voclosporin') ? ['lupkynis'] : [],
      facts: {
        windowDays,
        drugs: overdue.map((o) => o.group),
        since: overdue.map((o) => formatDate(o.firstStart)),
        onVoclosporin: overdue.some((o) => o.group === 'voclosporin'),
        onTacrolimusOrCyclosporine: overdue.some((o) => o.group !== 'voclosporin'),
        daysSinceLastCheck: lastCheck === undefined ? undefined : daysBetween(lastCheck, now),
      },
    },
  ];
}

/** "Voclosporin first started (2026-03-01)": the start every CNI window counts from. */
export function describeFirstStart(group: CniGroup, start: Date): Evidence {
  return {
    label: `${group.charAt(0).toUpperCase()}${group.slice(1)} first started`,
    date: formatDate(start),
  };
}

export const cniKidneyFunctionOverdue: Rule = { code: CODE, evaluate };
