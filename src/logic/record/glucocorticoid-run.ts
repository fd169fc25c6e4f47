import { addDays } from '../time/fhir-time';
import type { MedicationOrder } from '../rules/rule';

/**
 * clinical-rules-wave2.md §3 "continuous glucocorticoid run": walking back from the orders that
 * end at E, an older glucocorticoid order joins the run when
 *   (a) its planned end is known and lies no more than `gapDays` (7) before the start of the run so
 *       far (an order that overlaps the run joins too), or
 *   (b) a member of the run names it in `priorPrescription`.
 * An order whose end is unknown, that is not active and not named, does not join: its real end is
 * unknown, and §4's "treat as now" would invent continuity. S = the earliest start of the run.
 */
export type GlucocorticoidRun =
  | { readonly ok: true; readonly start: Date; readonly members: readonly MedicationOrder[] }
  | { readonly ok: false; readonly reason: string };

export function findGlucocorticoidRun(
  /** The orders the run ends with (active just before the drafts, and the drafts ending at E). */
  seeds: readonly MedicationOrder[],
  /** Every record glucocorticoid order (hydrocortisone and dexamethasone included). */
  history: readonly MedicationOrder[],
  gapDays: number,
  now: Date,
): GlucocorticoidRun {
  const members = [...seeds];
  let candidates = history.filter((order) => !members.includes(order));
  for (;;) {
    const start = earliestStart(members);
    if (!start.ok) return start;
    const named = new Set(members.map((m) => referenceOf(m.request.priorPrescription)).filter(isString));
    const joining = candidates.filter(
      (order) =>
        (order.reference !== undefined && named.has(order.reference)) ||
        endsWithinGap(order, start.at, gapDays, now),
    );
    if (joining.length === 0) return { ok: true, start: start.at, members };
    members.push(...joining);
    candidates = candidates.filter((order) => !joining.includes(order));
  }
}

type EarliestStart =
  { readonly ok: true; readonly at: Date } | { readonly ok: false; readonly reason: string };

function earliestStart(members: readonly MedicationOrder[]): EarliestStart {
  let earliest: Date | undefined;
  for (const member of members) {
    // "Any part unreadable (start, end, dose) → silent": a member without a start hides S.
    if (member.start === undefined) return { ok: false, reason: 'an order of the run has no start date' };
    if (!earliest || member.start.getTime() < earliest.getTime()) earliest = member.start;
  }
  return earliest ? { ok: true, at: earliest } : { ok: false, reason: 'no glucocorticoid order in the run' };
}

/**
 * (a): the order's own planned end, at or after `runStart − gapDays`. An order that is no longer
 * active ended by now at the latest, so a planned end in the future is read as now (never later).
 */
function endsWithinGap(order: MedicationOrder, runStart: Date, gapDays: number, now: Date): boolean {
  const planned = order.plannedEnd;
  if (planned === undefined) return false;
  const end = !order.isActive && planned.getTime() > now.getTime() ? now : planned;
  return end.getTime() >= addDays(runStart, -gapDays).getTime();
}

/** `MedicationRequest/<id>` of a reference, relative or absolute, with or without `_history`. */
function referenceOf(reference: fhir4.Reference | undefined): string | undefined {
  const match = /(?:^|\/)MedicationRequest\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(
    reference?.reference ?? '',
  );
  return match?.[1] ? `MedicationRequest/${match[1]}` : undefined;
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}
