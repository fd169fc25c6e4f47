import { addMonths, formatDate, isWithinLastMonths } from '../time/fhir-time';
import type { Finding, LatestResult, Rule, RuleContext } from './rule';
import type { RuleCode } from '../vocabulary/rule-codes';
import { roundTo2 } from '../dose/units';
import { currentOrdersOf, describeOrder, draftIdOf } from '../cards/evidence';
import { labelledProductsOf } from '../cards/sources';
import { readGroupDose, singleDraftOf } from '../dose/group-dose';
import { proposeDraftDose } from '../dose/propose-dose';

/**
 * clinical-rules.md §5 azathioprine-dose-high / -low: the daily dose per latest body weight
 * (≤ 12 months old; kg, g or [lb_av], converted by UCUM) > 2.0 mg/kg/day, or < 1.5 mg/kg/day
 * during the first 18 months counted from the first azathioprine start (renewals do not reset it,
 * §7: now < first start + 18 months). Any phase. mg/kg/day is compared rounded to two decimals
 * (§7), so 1.5 and 2.0 are in range. An as-needed dose is never "low". The range is §5's, which
 * the specification takes from its KDIGO 2024-based guideline summary; the azathioprine label does
 * not state an LN range, so the card does not attribute it to the label.
 */
function evaluateAzathioprineDose(context: RuleContext, side: 'below' | 'above'): Finding[] {
  const code: RuleCode = side === 'below' ? 'azathioprine-dose-low' : 'azathioprine-dose-high';
  const targets = context.targets.azathioprine;
  const orders = currentOrdersOf(context, 'azathioprine');
  if (orders.length === 0) return [];
  if (side === 'below') {
    const firstStart = context.timeline.firstStartByGroup.get('azathioprine');
    if (firstStart === undefined) {
      context.note(`${code}: azathioprine start unknown`);
      return [];
    }
    if (context.now.getTime() >= addMonths(firstStart, targets.lowDoseCheckMonths).getTime()) return [];
  }
  const kg = readWeightKg(context, code, targets.weightWindowMonths);
  if (kg === undefined) return [];
  const dose = readGroupDose(context, code, orders);
  if (dose === undefined) return [];
  if (side === 'below' && dose.prn) return [];

  const mgPerKgPerDay = roundTo2(dose.mgPerDay / kg.value);
  const crossed =
    side === 'below' ? mgPerKgPerDay < targets.minMgPerKgPerDay : mgPerKgPerDay > targets.maxMgPerKgPerDay;
  if (!crossed) return [];

  const draft = context.isOrderHook ? singleDraftOf(orders) : undefined;
  const bounds = { min: targets.minMgPerKgPerDay * kg.value, max: targets.maxMgPerKgPerDay * kg.value };
  const proposal = draft && proposeDraftDose(draft, bounds, side, context.now);
  return [
    {
      code,
      indicator: 'warning',
      measured: { label: 'Azathioprine dose', value: mgPerKgPerDay, unit: 'mg/kg/day' },
      target: {
        label: 'LN maintenance range',
        min: targets.minMgPerKgPerDay,
        max: targets.maxMgPerKgPerDay,
        unit: 'mg/kg/day',
        source: "this service's default, from a guideline summary citing KDIGO 2024",
      },
      direction: side,
      // The weight and its date are part of the computation on the card's first line.
      evidence: orders.map(describeOrder),
      dose: {
        mgPerDay: dose.mgPerDay,
        how: dose.how,
        mgPerKgPerDay,
        weightKg: kg.value,
        weightDate: formatDate(kg.result.at),
      },
      draftOrderId: draftIdOf(orders),
      proposedDraft: proposal?.draft,
      labelledProducts: labelledProductsOf(orders),
      facts: {
        weightKg: kg.value,
        asNeeded: dose.prn,
        proposedDose: proposal?.text,
        proposedChange: proposal?.label,
      },
    },
  ];
}

/** The latest body weight in kg when it is recent, readable and exact (no comparator). */
function readWeightKg(
  context: RuleContext,
  code: RuleCode,
  windowMonths: number,
): { value: number; result: LatestResult } | undefined {
  const weight = context.latest.weight;
  if (!weight || !isWithinLastMonths(weight.at, context.now, windowMonths)) {
    context.note(`${code}: no body weight in the last ${windowMonths} months`);
    return undefined;
  }
  const reading = weight.reading;
  if (!reading.ok || reading.comparator !== undefined || !(reading.value > 0)) {
    context.note(
      `${code}: latest body weight unreadable (${reading.ok ? 'not an exact positive value' : reading.reason})`,
    );
    return undefined;
  }
  return { value: reading.value, result: weight };
}

export const azathioprineDoseHigh: Rule = {
  code: 'azathioprine-dose-high',
  evaluate: (context) => evaluateAzathioprineDose(context, 'above'),
};

export const azathioprineDoseLow: Rule = {
  code: 'azathioprine-dose-low',
  evaluate: (context) => evaluateAzathioprineDose(context, 'below'),
};
