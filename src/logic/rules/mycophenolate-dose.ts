import { isWithinLastDays } from '../time/fhir-time';
import type { MycophenolateKind } from '../vocabulary/medication-groups';
import { isBeyond } from '../record/observations';
import type { Finding, MedicationOrder, Phase, Rule, RuleContext } from './rule';
import type { RuleCode } from '../vocabulary/rule-codes';
import type { Range, Targets } from '../targets';
import { formatNumber } from '../cards/card-text';
import {
  currentOrdersOf,
  describeOrder,
  describeOrderWithDose,
  describeTherapyStart,
  draftIdOf,
} from '../cards/evidence';
import { labelledProductsOf } from '../cards/sources';
import { readGroupDose, singleDraftOf } from '../dose/group-dose';
import { proposeDraftDose, type DoseBounds } from '../dose/propose-dose';

/**
 * clinical-rules.md §5 mycophenolate-dose-low / -high (KDIGO 2024): MMF maintenance 1500–2000,
 * induction 2000–3000 mg/day; MPA maintenance 1080–1440, induction 1440–2160 mg/day. Boundaries
 * are in range. MMF and MPA are one group but each compares in its own range, so orders mixing
 * both (or naming neither) are silent.
 *
 * With tacrolimus also current, the record cannot tell planned multitarget therapy (MMF 500–750 /
 * MPA 360–540 mg/day) from tacrolimus added to full-dose mycophenolate (refractory proteinuria,
 * class V). In maintenance the card fires only outside both ranges — below the multitarget
 * minimum or above the full-dose maximum — and a dose between the two is silent; in induction
 * only the induction maximum applies (multitarget induction regimens vary).
 */
export interface MycophenolateRange {
  readonly kind: MycophenolateKind;
  readonly label: string;
  /** The card fires below `min` or above `max` (both in range). */
  readonly min?: number;
  readonly max: number;
  /** Maintenance with tacrolimus: the two ranges the dose may lie in. */
  readonly withTacrolimus?: { readonly multitarget: Range; readonly fullDose: Range };
}

const KIND_LABEL: Readonly<Record<MycophenolateKind, string>> = { mmf: 'MMF', mpa: 'MPA' };
export const DOSE_LABEL: Readonly<Record<MycophenolateKind, string>> = {
  mmf: 'Mycophenolate mofetil daily dose',
  mpa: 'Mycophenolic acid daily dose',
};

export function selectMycophenolateRange(
  targets: Targets,
  kind: MycophenolateKind,
  phase: Phase,
  withTacrolimus: boolean,
): MycophenolateRange {
  const t = targets.mycophenolate;
  const name = KIND_LABEL[kind];
  if (phase === 'maintenance') {
    const fullDose = kind === 'mmf' ? t.mmfMaintenanceMgPerDay : t.mpaMaintenanceMgPerDay;
    if (!withTacrolimus) {
      return {
        kind,
        label: `${name} maintenance range`,
        min: fullDose.min,
        max: fullDose.max,
        withTacrolimus: undefined,
      };
    }
    const multitarget =
      kind === 'mmf' ? t.mmfMultitargetMaintenanceMgPerDay : t.mpaMultitargetMaintenanceMgPerDay;
    return {
      kind,
      label: `${name} multitarget (${formatRange(multitarget)}) and full-dose (${formatRange(fullDose)}) ranges`,
      min: Math.min(multitarget.min, fullDose.min),
      max: Math.max(multitarget.max, fullDose.max),
      withTacrolimus: { multitarget, fullDose },
    };
  }
  const induction = kind === 'mmf' ? t.mmfInductionMgPerDay : t.mpaInductionMgPerDay;
  if (withTacrolimus) {
    return {
      kind,
      label: `${name} multitarget induction maximum`,
      min: undefined,
      max: induction.max,
      withTacrolimus: undefined,
    };
  }
  return {
    kind,
    label: `${name} induction range`,
    min: induction.min,
    max: induction.max,
    withTacrolimus: undefined,
  };
}

/** "500–750" */
function formatRange(range: Range): string {
  return `${formatNumber(range.min)}–${formatNumber(range.max)}`;
}

/**
 * Where a suggested dose may land: inside the range, and with tacrolimus in maintenance inside the
 * one of the two ranges whose bound was crossed (the multitarget minimum when too low, the
 * full-dose maximum when too high), never between them. Capped by `ceiling` (the eGFR < 25 max).
 */
export function proposalBounds(
  range: MycophenolateRange,
  side: 'below' | 'above',
  ceiling: number | undefined,
): DoseBounds {
  const both = range.withTacrolimus;
  const inner = both === undefined ? range : rangeHolding(both, side === 'below' ? range.min : range.max);
  const max = ceiling === undefined ? inner.max : Math.min(inner.max, ceiling);
  return { min: inner.min, max };
}

function rangeHolding(
  both: NonNullable<MycophenolateRange['withTacrolimus']>,
  bound: number | undefined,
): Range {
  const { multitarget, fullDose } = both;
  return bound !== undefined && bound >= multitarget.min && bound <= multitarget.max ? multitarget : fullDose;
}

/** With tacrolimus in maintenance: a dose in neither range but between them (silent, §5). */
function isBetweenRanges(range: MycophenolateRange, mgPerDay: number): boolean {
  const both = range.withTacrolimus;
  if (both === undefined) return false;
  const inside = (r: { readonly min?: number; readonly max: number }): boolean =>
    mgPerDay >= (r.min ?? 0) && mgPerDay <= r.max;
  return inside(range) && !inside(both.multitarget) && !inside(both.fullDose);
}

/** The one mycophenolate kind of the current orders, or undefined (with a note) when unclear. */
export function kindOfOrders(
  context: RuleContext,
  code: RuleCode,
  orders: readonly MedicationOrder[],
): MycophenolateKind | undefined {
  const kinds = new Set(orders.map((order) => order.product.mycophenolateKind));
  const [kind] = kinds;
  if (kinds.size === 1 && kind !== undefined) return kind;
  context.note(
    `${code}: ${kinds.size > 1 ? 'MMF and MPA ordered together' : 'mycophenolate product (MMF or MPA) unknown'}`,
  );
  return undefined;
}

/**
 * The CellCept-label maximum when the latest eGFR (within the renal window) is certainly below the
 * renal threshold (§5 mycophenolate-renal-dose), else undefined. Used to keep proposals consistent.
 */
export function severeRenalMaxMgPerDay(context: RuleContext, kind: MycophenolateKind): number | undefined {
  const renal = context.targets.mycophenolate.renal;
  const egfr = context.latest.egfr;
  if (!egfr || !isWithinLastDays(egfr.at, context.now, renal.egfrWindowDays)) return undefined;
  if (isBeyond(egfr.reading, renal.egfrBelow, 'below') !== 'yes') return undefined;
  return kind === 'mmf' ? renal.mmfMaxMgPerDay : renal.mpaMaxMgPerDay;
}

function evaluateMycophenolateDose(context: RuleContext, side: 'below' | 'above'): Finding[] {
  const code: RuleCode = side === 'below' ? 'mycophenolate-dose-low' : 'mycophenolate-dose-high';
  const orders = currentOrdersOf(context, 'mycophenolate');
  if (orders.length === 0) return [];
  const phase = context.timeline.phase;
  if (phase === undefined) {
    context.note(`${code}: no therapy start, phase unknown`);
    return [];
  }
  const kind = kindOfOrders(context, code, orders);
  if (kind === undefined) return [];
  const dose = readGroupDose(context, code, orders);
  if (dose === undefined) return [];
  // §2: an as-needed dose never produces a "dose low" card.
  if (side === 'below' && dose.prn) return [];

  const tacrolimusOrders = currentOrdersOf(context, 'tacrolimus');
  const multitarget = tacrolimusOrders.length > 0;
  const range = selectMycophenolateRange(context.targets, kind, phase, multitarget);
  const crossed =
    side === 'below' ? range.min !== undefined && dose.mgPerDay < range.min : dose.mgPerDay > range.max;
  if (!crossed) {
    if (isBetweenRanges(range, dose.mgPerDay)) {
      context.note(
        `${code}: ${KIND_LABEL[kind]} ${dose.mgPerDay} mg/day with tacrolimus lies between the multitarget and ` +
          'full-dose ranges: planned multitarget therapy cannot be told from tacrolimus added to full dose',
      );
    }
    return [];
  }

  const draft = context.isOrderHook ? singleDraftOf(orders) : undefined;
  // §6: the suggested dose must not cross the renal maximum either (eGFR < 25: MMF ≤ 2000, MPA
  // ≤ 1440 mg/day), or it would only trade this card for mycophenolate-renal-dose.
  const bounds = proposalBounds(range, side, severeRenalMaxMgPerDay(context, kind));
  const proposal = draft && proposeDraftDose(draft, bounds, side, context.now);
  return [
    {
      code,
      indicator: 'warning',
      measured: { label: DOSE_LABEL[kind], value: dose.mgPerDay, unit: 'mg/day' },
      target: {
        label: range.label,
        min: range.min,
        max: range.max,
        unit: 'mg/day',
        source: 'KDIGO 2024 LN guideline',
      },
      direction: side,
      evidence: [
        ...orders.map(describeOrder),
        ...(multitarget ? tacrolimusOrders.map(describeOrderWithDose(context)) : []),
        ...describeTherapyStart(context),
      ],
      dose: { mgPerDay: dose.mgPerDay, how: dose.how },
      draftOrderId: draftIdOf(orders),
      proposedDraft: proposal?.draft,
      labelledProducts: labelledProductsOf(orders),
      facts: {
        phase,
        multitarget,
        asNeeded: dose.prn,
        proposedDose: proposal?.text,
        proposedChange: proposal?.label,
      },
    },
  ];
}

export const mycophenolateDoseLow: Rule = {
  code: 'mycophenolate-dose-low',
  evaluate: (context) => evaluateMycophenolateDose(context, 'below'),
};

export const mycophenolateDoseHigh: Rule = {
  code: 'mycophenolate-dose-high',
  evaluate: (context) => evaluateMycophenolateDose(context, 'above'),
};
