import { addDays, daysBetween, formatDate, isWithinLastDays } from '../time/fhir-time';
import type { Evidence, Finding, Rule, RuleContext } from './rule';
import { currentOrdersOf, describeOrderWithDose, describeResult, draftIdOf } from '../cards/evidence';
import { labelledProductsOf } from '../cards/sources';
import { buildLabOrder } from './lab-order';

/**
 * §5 tacrolimus-trough-overdue, §7: tacrolimus first started ≥ 90 days ago (renewals do not reset
 * it), still current, and no tacrolimus level — readable or not — in the last 90 days. Both phases.
 * Order hooks get a suggestion to order a trough (LOINC 77348-1).
 */
const TROUGH_LOINC = '77348-1';

function drawInstruction(onceDaily: boolean): string {
  return onceDaily
    ? 'Draw as a trough about 24 h after the last dose of once-daily extended-release tacrolimus, before the next dose.'
    : 'Draw as a trough 12 h after the last tacrolimus dose, before the next dose.';
}

export function buildTroughServiceRequest(context: RuleContext, onceDaily: boolean): fhir4.ServiceRequest {
  return buildLabOrder(context, {
    loinc: TROUGH_LOINC,
    display: 'Tacrolimus [Mass/volume] in Blood --trough',
    text: 'Tacrolimus trough level',
    note: drawInstruction(onceDaily),
  });
}

function evaluate(context: RuleContext): Finding[] {
  const { now, targets, timeline, latest } = context;
  const tacrolimusOrders = currentOrdersOf(context, 'tacrolimus');
  if (tacrolimusOrders.length === 0) return [];
  const firstStart = timeline.firstStartByGroup.get('tacrolimus');
  if (!firstStart) return [];
  const windowDays = targets.tacrolimus.levelWindowDays;
  if (firstStart.getTime() > addDays(now, -targets.tacrolimus.overdueAfterDays).getTime()) return [];
  const level = latest.tacrolimus;
  if (level && isWithinLastDays(level.at, now, windowDays)) return [];
  const onceDaily = tacrolimusOrders.some((o) => o.product.onceDailyExtendedRelease === true);
  const evidence: Evidence[] = [
    { label: 'Tacrolimus first started', date: formatDate(firstStart) },
    level
      ? describeResult('Last tacrolimus level', level)
      : { label: 'Last tacrolimus level', value: 'none on record' },
    ...tacrolimusOrders.map(describeOrderWithDose(context)),
  ];
  return [
    {
      code: 'tacrolimus-trough-overdue',
      indicator: 'info',
      evidence,
      draftOrderId: draftIdOf(tacrolimusOrders),
      proposedCreate: context.isOrderHook ? buildTroughServiceRequest(context, onceDaily) : undefined,
      labelledProducts: labelledProductsOf(tacrolimusOrders),
      facts: {
        windowDays,
        onceDailyExtendedRelease: onceDaily,
        drawInstruction: drawInstruction(onceDaily),
        daysSinceLastLevel: level ? daysBetween(level.at, now) : undefined,
      },
    },
  ];
}

export const tacrolimusTroughOverdue: Rule = {
  code: 'tacrolimus-trough-overdue',
  evaluate,
};
