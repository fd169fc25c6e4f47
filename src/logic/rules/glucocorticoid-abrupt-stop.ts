import { computeDailyDose } from '../dose/daily-dose';
import { readGroupDose } from '../dose/group-dose';
import { roundTo2 } from '../dose/units';
import { findGlucocorticoidRun } from '../record/glucocorticoid-run';
import { addDays, daysBetween, formatDate, monthsBetween } from '../time/fhir-time';
import { COVERING_GLUCOCORTICOID_GROUPS, GLUCOCORTICOID_GROUPS } from '../vocabulary/medication-groups';
import { isGlucocorticoid, toPrednisoneEquivalentMg } from '../vocabulary/prednisone-equivalent';
import { describeOrderWithDose } from '../cards/evidence';
import type { Finding, MedicationOrder, Rule, RuleContext } from './rule';

/**
 * clinical-rules-wave2.md §4.3 glucocorticoid-abrupt-stop (warning; order hooks only — in
 * patient-view the end of a past order is unknown, §4 treats it as now, so a stop would be guessed).
 * All of:
 *  1. a draft ends glucocorticoid therapy at E: (i) a discontinuing draft of a glucocorticoid
 *     group (E = now), or (ii) a glucocorticoid draft whose planned end is ≤ now + 14 days (E = that
 *     end). Only the latest such E can leave nothing after it, so it alone is judged;
 *  2. after all drafts, no glucocorticoid (hydrocortisone and dexamethasone included) is active
 *     after E;
 *  3. the prednisone-equivalent dose stopped is ≥ 5 mg/day: (i) the sum of the active orders' daily
 *     doses at now (a duplicate or an unreadable dose → silent), (ii) the ending draft's step that
 *     contains E;
 *  4. the continuous run (§3) ending at E lasted ≥ 28 days.
 * ESE/ES 2024: adrenal-insufficiency risk needs 3–4 weeks above the physiological 4–6 mg prednisone;
 * 5 mg/day and 28 days are service defaults (targets.glucocorticoidStop).
 */
const CODE = 'glucocorticoid-abrupt-stop';

const isGlucocorticoidOrder = (order: MedicationOrder): boolean =>
  COVERING_GLUCOCORTICOID_GROUPS.has(order.group);
/** Hydrocortisone and dexamethasone keep a patient covered but have no §2 prednisone equivalent. */
const isDoseCounted = (order: MedicationOrder): boolean => GLUCOCORTICOID_GROUPS.has(order.group);

function prednisoneEquivalent(order: MedicationOrder, mgPerDay: number): number | undefined {
  const ingredient = order.product.ingredient;
  return isGlucocorticoid(ingredient) ? toPrednisoneEquivalentMg(ingredient, mgPerDay) : undefined;
}

interface Stop {
  readonly at: Date;
  /** (i) stopped now by a discontinuing draft, or (ii) the drafts whose planned end is E. */
  readonly kind: 'stopped' | 'ends';
  readonly drafts: readonly MedicationOrder[];
}

function findStop(context: RuleContext, drafts: readonly MedicationOrder[]): Stop | undefined {
  const horizon = addDays(context.now, context.targets.glucocorticoidStop.endHorizonDays).getTime();
  let latest: number | undefined;
  for (const draft of drafts) {
    const at = draft.discontinuesGroup ? context.now.getTime() : draft.end?.getTime();
    if (at !== undefined && at <= horizon && (latest === undefined || at > latest)) latest = at;
  }
  if (latest === undefined) return undefined;
  const ending = drafts.filter((d) => !d.discontinuesGroup && d.end?.getTime() === latest);
  return ending.length > 0
    ? { at: new Date(latest), kind: 'ends', drafts: ending }
    : { at: new Date(latest), kind: 'stopped', drafts: drafts.filter((d) => d.discontinuesGroup) };
}

interface StoppedDose {
  readonly mgPerDay: number;
  readonly how: string;
  /** The drug's own mg/day when one ingredient is stopped (the summary names it). */
  readonly own?: { readonly ingredient: string; readonly mgPerDay: number };
}

/** (i): what the active orders give at now; the §2 group-dose reading (duplicates, unreadable: silent). */
function doseStoppedNow(context: RuleContext, active: readonly MedicationOrder[]): StoppedDose | undefined {
  const counted = active.filter(isDoseCounted);
  if (counted.length === 0) {
    context.note(`${CODE}: no prednisone-equivalent dose stopped (hydrocortisone or dexamethasone only)`);
    return undefined;
  }
  const dose = readGroupDose(context, CODE, counted, prednisoneEquivalent, 'prednisone-equivalent');
  if (dose === undefined) return undefined;
  if (dose.prn) {
    context.note(`${CODE}: an as-needed dose does not establish the dose stopped`);
    return undefined;
  }
  return { mgPerDay: dose.mgPerDay, how: dose.how, own: ownDose(counted, (o) => context.dailyDoseOf(o)) };
}

/** (ii): the step of each ending draft that contains E (§7: taper steps by boundsPeriod). */
function doseEndingAt(context: RuleContext, stop: Stop): StoppedDose | undefined {
  const atE = (order: MedicationOrder) =>
    computeDailyDose(order.request.dosageInstruction, { now: stop.at, strength: order.product.strength });
  let mgPerDay = 0;
  const parts: string[] = [];
  for (const draft of stop.drafts) {
    const dose = atE(draft);
    const converted = dose.ok ? prednisoneEquivalent(draft, dose.mgPerDay) : undefined;
    if (!dose.ok || converted === undefined || dose.prn) {
      context.note(
        `${CODE}: ${draft.product.ingredient} dose at the planned end not readable as a regular prednisone-equivalent dose`,
      );
      return undefined;
    }
    mgPerDay += converted;
    parts.push(
      converted === dose.mgPerDay
        ? dose.how
        : `${dose.how} → ${round(converted)} mg/day prednisone-equivalent`,
    );
  }
  return { mgPerDay: round(mgPerDay), how: parts.join('; '), own: ownDose(stop.drafts, atE) };
}

function ownDose(
  orders: readonly MedicationOrder[],
  doseOf: (order: MedicationOrder) => ReturnType<RuleContext['dailyDoseOf']>,
): StoppedDose['own'] {
  const ingredients = new Set(orders.map((o) => o.product.ingredient));
  const [ingredient] = ingredients;
  if (ingredients.size !== 1 || ingredient === undefined) return undefined;
  let mgPerDay = 0;
  for (const order of orders) {
    const dose = doseOf(order);
    if (!dose.ok) return undefined;
    mgPerDay += dose.mgPerDay;
  }
  return { ingredient, mgPerDay: round(mgPerDay) };
}

function evaluate(context: RuleContext): Finding[] {
  if (!context.isOrderHook) return [];
  const drafts = context.drafts.filter(isGlucocorticoidOrder);
  if (drafts.length === 0) return [];
  const limits = context.targets.glucocorticoidStop;
  // 1.
  const stop = findStop(context, drafts);
  if (stop === undefined) return [];
  // 2. Switching to another glucocorticoid (hydrocortisone replacement included) keeps the patient covered.
  const after = context.currentOrders.filter(
    (o) => isGlucocorticoidOrder(o) && (o.end === undefined || o.end.getTime() > stop.at.getTime()),
  );
  if (after.length > 0) return [];
  // 3.
  const history = context.orders.filter((o) => !o.isDraft && isGlucocorticoidOrder(o));
  const activeBefore = history.filter((o) => o.isActive);
  if (stop.kind === 'stopped' && activeBefore.length === 0) {
    context.note(`${CODE}: the glucocorticoid stopped has no active order`);
    return [];
  }
  const dose = stop.kind === 'stopped' ? doseStoppedNow(context, activeBefore) : doseEndingAt(context, stop);
  if (dose === undefined || roundTo2(dose.mgPerDay) < limits.minMgPerDay) return [];
  // 4.
  const seeds = stop.kind === 'stopped' ? activeBefore : [...stop.drafts, ...activeBefore];
  const run = findGlucocorticoidRun(seeds, history, limits.runGapDays, context.now);
  if (!run.ok) {
    context.note(`${CODE}: ${run.reason}`);
    return [];
  }
  if (daysBetween(run.start, stop.at) < limits.minRunDays) return [];

  const members = [...run.members]
    .filter((o) => !o.isDraft)
    .sort((a, b) => (a.start?.getTime() ?? 0) - (b.start?.getTime() ?? 0));
  return [
    {
      code: CODE,
      indicator: 'warning',
      measured: { label: 'Prednisone-equivalent daily dose stopped', value: dose.mgPerDay, unit: 'mg/day' },
      dose: { mgPerDay: dose.mgPerDay, how: dose.how },
      evidence: [...drafts, ...members].map(describeOrderWithDose(context)),
      draftOrderId: stop.drafts.find((d) => d.request.id !== undefined)?.request.id,
      facts: {
        drug: dose.own?.ingredient,
        ownMgPerDay: dose.own?.mgPerDay,
        runLength: describeRunLength(run.start, stop.at),
        runStart: formatDate(run.start),
        endsOn: stop.kind === 'ends' ? formatDate(stop.at) : undefined,
        minMgPerDay: limits.minMgPerDay,
        minRunDays: limits.minRunDays,
      },
    },
  ];
}

/** "32 months"; a run shorter than a month (28–30 days) in weeks: "4 weeks". */
function describeRunLength(start: Date, end: Date): string {
  const months = monthsBetween(start, end);
  if (months >= 1) return months === 1 ? '1 month' : `${months} months`;
  return `${Math.floor(daysBetween(start, end) / 7)} weeks`;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export const glucocorticoidAbruptStop: Rule = { code: CODE, evaluate };
