import { addMonths, formatDate, isWithinLastMonths } from '../time/fhir-time';
import type {
  DoseUsed,
  Finding,
  LatestResult,
  Measurement,
  MedicationOrder,
  Rule,
  RuleContext,
} from './rule';
import type { RuleCode } from '../vocabulary/rule-codes';
import { roundTo2 } from '../dose/units';
import { currentOrdersOf, describeOrder, draftIdOf } from '../cards/evidence';
import { labelledProductsOf } from '../cards/sources';
import { readGroupDose, singleDraftOf, type GroupDose } from '../dose/group-dose';
import { proposeDraftDose } from '../dose/propose-dose';

/**
 * clinical-rules.md §5 azathioprine-dose-high / -low: the daily dose per latest body weight
 * (≤ 12 months old; kg, g or [lb_av], converted by UCUM) > 2.0 mg/kg/day, or < 1.5 mg/kg/day
 * during the first 18 months counted from the first azathioprine start (renewals do not reset it,
 * §7: now < first start + 18 months). Any phase. mg/kg/day is compared rounded to two decimals
 * (§7), so 1.5 and 2.0 are in range. An as-needed dose is never "low". The range is §5's, which
 * the specification takes from its KDIGO 2024-based guideline summary; the azathioprine label does
 * not state an LN range, so the card does not attribute it to the label. With allopurinol on, the
 * low side is silent (clinical-rules-wave2.md §5.1).
 */
function evaluateAzathioprineDose(context: RuleContext, side: 'below' | 'above'): Finding[] {
  const code: RuleCode = side === 'below' ? 'azathioprine-dose-low' : 'azathioprine-dose-high';
  const targets = context.targets.azathioprine;
  const orders = currentOrdersOf(context, 'azathioprine');
  if (orders.length === 0) return [];
  if (side === 'below') {
    // clinical-rules-wave2.md §5.1: with allopurinol the reduced dose is intended (Imuran label:
    // ⅓–¼ of the usual dose); azathioprine-allopurinol judges it instead.
    if (currentOrdersOf(context, 'allopurinol').length > 0) {
      context.note(
        `${code}: allopurinol is on, a reduced azathioprine dose is intended (azathioprine-allopurinol)`,
      );
      return [];
    }
    const firstStart = context.timeline.firstStartByGroup.get('azathioprine');
    if (firstStart === undefined) {
      context.note(`${code}: azathioprine start unknown`);
      return [];
    }
    if (context.now.getTime() >= addMonths(firstStart, targets.lowDoseCheckMonths).getTime()) return [];
  }
  const perKg = readAzathioprineDosePerKg(context, code, orders);
  if (!perKg.ok) return [];
  const { dose, kg, mgPerKgPerDay } = perKg;
  if (side === 'below' && dose.prn) return [];

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
      measured: perKg.measured,
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
      dose: perKg.used,
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

/** The azathioprine daily dose per body weight, or why it cannot be known. */
export type DosePerKg =
  | {
      readonly ok: true;
      readonly dose: GroupDose;
      readonly kg: { readonly value: number; readonly result: LatestResult };
      /** Rounded to two decimals (§7). */
      readonly mgPerKgPerDay: number;
      /** As the card shows it: mg/kg/day, and mg/day ÷ the weight with its date. */
      readonly measured: Measurement;
      readonly used: DoseUsed;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * §5: the current azathioprine daily dose (§2, drafts supersede) ÷ the latest body weight at most
 * `targets.azathioprine.weightWindowMonths` old, read once for every rule that judges it per kg
 * (azathioprine-dose-*, and azathioprine-allopurinol of the second wave). Unreadable → a note
 * under `code` and the reason.
 */
export function readAzathioprineDosePerKg(
  context: RuleContext,
  code: RuleCode,
  orders: readonly MedicationOrder[],
): DosePerKg {
  const windowMonths = context.targets.azathioprine.weightWindowMonths;
  const kg = readWeightKg(context, code, windowMonths);
  if (!kg.ok) return kg;
  const dose = readGroupDose(context, code, orders);
  if (dose === undefined) return { ok: false, reason: 'the azathioprine daily dose could not be read' };
  const mgPerKgPerDay = roundTo2(dose.mgPerDay / kg.value);
  return {
    ok: true,
    dose,
    kg,
    mgPerKgPerDay,
    measured: { label: 'Azathioprine dose', value: mgPerKgPerDay, unit: 'mg/kg/day' },
    used: {
      mgPerDay: dose.mgPerDay,
      how: dose.how,
      mgPerKgPerDay,
      weightKg: kg.value,
      weightDate: formatDate(kg.result.at),
    },
  };
}

/** The latest body weight in kg when it is recent, readable and exact (no comparator). */
function readWeightKg(
  context: RuleContext,
  code: RuleCode,
  windowMonths: number,
): { ok: true; value: number; result: LatestResult } | { ok: false; reason: string } {
  const weight = context.latest.weight;
  if (!weight || !isWithinLastMonths(weight.at, context.now, windowMonths)) {
    const reason = `no body weight in the last ${windowMonths} months`;
    context.note(`${code}: ${reason}`);
    return { ok: false, reason };
  }
  const reading = weight.reading;
  if (!reading.ok || reading.comparator !== undefined || !(reading.value > 0)) {
    context.note(
      `${code}: latest body weight unreadable (${reading.ok ? 'not an exact positive value' : reading.reason})`,
    );
    return { ok: false, reason: 'the latest body weight could not be read' };
  }
  return { ok: true, value: reading.value, result: weight };
}

export const azathioprineDoseHigh: Rule = {
  code: 'azathioprine-dose-high',
  evaluate: (context) => evaluateAzathioprineDose(context, 'above'),
};

export const azathioprineDoseLow: Rule = {
  code: 'azathioprine-dose-low',
  evaluate: (context) => evaluateAzathioprineDose(context, 'below'),
};
