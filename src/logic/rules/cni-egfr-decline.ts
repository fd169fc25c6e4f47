import { addDays, formatDate, isWithinLastDays } from '../time/fhir-time';
import { roundTo2 } from '../dose/units';
import { readAdministrationsPerDay, readDosePerAdministration } from '../dose/daily-dose';
import { formatAmount } from '../dose/dose-words';
import { singleDraftOf } from '../dose/group-dose';
import { proposeDraftDose } from '../dose/propose-dose';
import { selectLatestResultBetween } from '../record/observations';
import { CALCINEURIN_INHIBITOR_GROUPS } from '../vocabulary/medication-groups';
import type {
  Evidence,
  Finding,
  LatestResult,
  MedicationOrder,
  ReadableResult,
  Rule,
  RuleContext,
} from './rule';
import { currentOrdersOf, describeOrderWithDose, describeResult, draftIdOf } from '../cards/evidence';
import { labelledProductsOf } from '../cards/sources';
import { CNI_GROUPS, describeFirstStart, type CniGroup } from './cni-kidney-function-overdue';
import { buildCreatinineOrder } from './lab-order';

/**
 * clinical-rules-wave2.md §4.4 rule 4b, for each calcineurin inhibitor G the patient is on (a draft
 * stopping G silences it), first started at S_G:
 * - baseline = the latest eGFR with S_G − 90 days ≤ t ≤ S_G; silent when there is none, when it
 *   cannot be read, or when another CNI group had an order active at any time in that window (the
 *   baseline is then not CNI-free);
 * - current = the latest eGFR of the last 90 days, taken only when t > S_G (§7: never an older one
 *   when the latest cannot be read);
 * - fires when current < 60 mL/min/1.73 m² and the decline, in percent rounded to two decimals,
 *   is above 20 (20.00 is silent).
 * The thresholds are the Lupkynis label's dose modification; for tacrolimus and cyclosporine they
 * are a service default borrowed from it. eGFR history is what the record holds (the `egfr` and
 * `egfrHistory` keys together).
 *
 * *Choices*: a baseline or current value with a comparator (`> 90`) is not an exact value and the
 * decline cannot be computed: silent. An order of another CNI without a start date might overlap
 * the baseline window: silent.
 */
const CODE = 'cni-egfr-decline';

/** Lupkynis label: 7.9 mg capsules; the dose is reduced by 7.9 mg twice daily. */
const VOCLOSPORIN_CAPSULE_MG = 7.9;

function evaluate(context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const group of CNI_GROUPS) {
    const orders = currentOrdersOf(context, group);
    if (orders.length === 0) continue;
    const finding = evaluateGroup(context, group, orders);
    if (finding) findings.push(finding);
  }
  return findings;
}

function evaluateGroup(
  context: RuleContext,
  group: CniGroup,
  orders: readonly MedicationOrder[],
): Finding | undefined {
  const { targets, now } = context;
  const limits = targets.cniKidney;
  const start = context.timeline.firstStartByGroup.get(group);
  if (start === undefined) {
    context.note(`${CODE}: ${group} start unknown`);
    return undefined;
  }
  const from = addDays(start, -limits.baselineWindowDays);
  if (!isCniFree(context, group, from, start)) return undefined;

  const baseline = selectLatestResultBetween(context.observations, 'egfr', { from, to: start }, (reason) =>
    context.note(reason),
  );
  if (baseline === undefined) {
    const history = context.unavailable.has('egfrHistory') ? ' (eGFR history unavailable)' : '';
    context.note(
      `${CODE}: no eGFR in the ${limits.baselineWindowDays} days before ${group} was started${history}`,
    );
    return undefined;
  }
  const base = exactValue(context, baseline, 'baseline eGFR');
  if (base === undefined || !(base.reading.value > 0)) return undefined;

  const latest = context.latest.egfr;
  if (
    latest === undefined ||
    !isWithinLastDays(latest.at, now, limits.currentWindowDays) ||
    latest.at.getTime() <= start.getTime()
  ) {
    return undefined;
  }
  const current = exactValue(context, latest, 'eGFR');
  if (current === undefined) return undefined;

  const currentValue = current.reading.value;
  const baseValue = base.reading.value;
  const declinePercent = roundTo2(((baseValue - currentValue) / baseValue) * 100);
  if (!(currentValue < limits.egfrBelow) || !(declinePercent > limits.declinePercentAbove)) return undefined;

  const discontinueBand = declinePercent >= limits.voclosporinDiscontinuePercent;
  const draft =
    context.isOrderHook && group === 'voclosporin' && !discontinueBand ? singleDraftOf(orders) : undefined;
  const proposal = draft && proposeOneCapsuleLess(draft, now);
  const evidence: Evidence[] = [
    describeResult(`Baseline eGFR (latest in the ${limits.baselineWindowDays} days before ${group})`, base),
    describeResult('Current eGFR', current),
    describeFirstStart(group, start),
    ...orders.map(describeOrderWithDose(context)),
  ];
  return {
    code: CODE,
    indicator: 'warning',
    evidence,
    draftOrderId: draftIdOf(orders),
    proposedDraft: proposal?.draft,
    proposedCreate: buildCreatinineOrder(context),
    proposedCreateLabel: 'Repeat creatinine/eGFR within 2 weeks',
    labelledProducts: labelledProductsOf(orders),
    facts: {
      drug: group,
      current: currentValue,
      currentDate: formatDate(current.at),
      baseline: baseValue,
      baselineDate: formatDate(base.at),
      declinePercent,
      band: group === 'voclosporin' ? (discontinueBand ? 'discontinue' : 'reduce') : 'service-default',
      proposedChange: proposal?.label,
    },
  };
}

/**
 * The baseline must be free of any calcineurin inhibitor: no order of another CNI group active at
 * any time in [from, to] (§4: active from its start until its end; no end = still active).
 */
function isCniFree(context: RuleContext, group: CniGroup, from: Date, to: Date): boolean {
  for (const order of context.orders) {
    if (order.group === group || !CALCINEURIN_INHIBITOR_GROUPS.has(order.group)) continue;
    if (order.start === undefined) {
      context.note(`${CODE}: ${order.group} order without a start date, baseline may not be CNI-free`);
      return false;
    }
    const ended = order.end !== undefined && order.end.getTime() < from.getTime();
    if (order.start.getTime() <= to.getTime() && !ended) {
      context.note(`${CODE}: ${order.group} active in the baseline window of ${group}`);
      return false;
    }
  }
  return true;
}

/** §7: an unreadable result silences the rule; a comparator leaves the decline unknown. */
function exactValue(context: RuleContext, result: LatestResult, name: string): ReadableResult | undefined {
  const { reading } = result;
  if (!reading.ok) {
    context.note(`${CODE}: ${name} unreadable (${reading.reason})`);
    return undefined;
  }
  if (reading.comparator !== undefined) {
    context.note(`${CODE}: ${name} has a comparator, the decline cannot be computed`);
    return undefined;
  }
  return { ...result, reading };
}

/**
 * Lupkynis label, decline > 20 % and < 30 %: reduce by 7.9 mg twice daily — one capsule less per
 * dose. Only a draft taken twice daily in whole 7.9 mg capsules, more than one per dose, is
 * rewritten; anything else gets no one-click change.
 */
function proposeOneCapsuleLess(
  draft: MedicationOrder,
  now: Date,
): { draft: fhir4.MedicationRequest; label: string } | undefined {
  const [dosage, ...others] = draft.request.dosageInstruction ?? [];
  if (dosage === undefined || others.length > 0) return undefined;
  const strength = draft.product.strength;
  if (strength !== undefined && (strength.per !== 'unit' || strength.mg !== VOCLOSPORIN_CAPSULE_MG))
    return undefined;
  const perAdministration = readDosePerAdministration(dosage, { now, strength });
  const perDay = readAdministrationsPerDay(dosage.timing);
  if (!perAdministration.ok || !perDay.ok || perDay.count !== 2) return undefined;
  const capsules = Math.round(perAdministration.mg / VOCLOSPORIN_CAPSULE_MG);
  if (capsules < 2 || Math.abs(capsules * VOCLOSPORIN_CAPSULE_MG - perAdministration.mg) > 1e-6)
    return undefined;
  const fewer = capsules - 1;
  const proposal = proposeDraftDose(draft, { max: fewer * VOCLOSPORIN_CAPSULE_MG * 2 }, 'above', now);
  if (proposal === undefined) return undefined;
  return {
    draft: proposal.draft,
    label: `${fewer} × 7.9 mg ${fewer === 1 ? 'capsule' : 'capsules'} twice daily (${formatAmount(proposal.mgPerDay)} mg/day)`,
  };
}

export const cniEgfrDecline: Rule = { code: CODE, evaluate };
