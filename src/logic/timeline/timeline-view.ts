import type { PatientRecord } from '../record/patient-record';
import type { RuleCode, RuleMode } from '../vocabulary/rule-codes';
import type { Targets } from '../targets';
import type { Timeline } from '../rules/rule';
import { buildRuleContext } from '../record/rule-context';
import { evaluateScopeGate } from '../record/scope-gate';
import { decide } from '../decide';
import { addMonths } from '../time/fhir-time';
import { formatTimelineTime } from './timeline-time';
import { buildSeries, type TimelineSeries } from './series';
import { buildOrderBars, type TimelineOrder } from './order-bars';
import { describeTargets, type TimelineTargets } from './targets-view';

export type { TimelineSeries, TimelinePoint } from './series';
export type { TimelineOrder } from './order-bars';
export type { TimelineTargets } from './targets-view';

/**
 * One patient's LN immunosuppression as the timeline app shows it: results, orders with their
 * daily doses, phase and the findings of the active rules — all read by the same code as the
 * cards (units, dates, phase, doses, rules), so the chart and the cards never disagree. The
 * browser computes nothing clinical; it draws this.
 */
export interface TimelineView {
  readonly patientId: string;
  /** The instant the view was computed for (ISO). The other times: formatTimelineTime. */
  readonly now: string;
  /** clinical-rules.md §1: false without an LN condition, or after a transplant. */
  readonly inScope: boolean;
  readonly scopeReason?: 'no-lupus-nephritis' | 'transplant';
  readonly phase?: 'induction' | 'maintenance';
  readonly therapyStart?: string;
  /** Therapy start (or the latest re-induction) + the induction months of the targets. */
  readonly inductionEnd?: string;
  /** §5: the 36-month mark, counted from the latest re-induction when there is one. */
  readonly maintenanceMark?: string;
  readonly reInduction?: { readonly start: string; readonly reference?: string };
  readonly targets: TimelineTargets;
  readonly series: readonly TimelineSeries[];
  readonly orders: readonly TimelineOrder[];
  readonly findings: readonly TimelineFinding[];
  /** Optional data that could not be read (the rules that need it stayed silent). */
  readonly unavailable: readonly string[];
}

export interface TimelineFinding {
  readonly ruleCode: string;
  readonly indicator: 'info' | 'warning' | 'critical';
  /** The card's summary, word for word. */
  readonly summary: string;
  /** References of the resources that triggered the card (its SMART link's `focus`). */
  readonly triggers: readonly string[];
}

export interface TimelineInput {
  readonly record: PatientRecord;
  readonly now: Date;
  readonly targets: Targets;
  /** Each rule's mode for the caller (CDS_RULES_FILE); absent: every rule active. */
  readonly modeOf?: (code: RuleCode) => RuleMode;
}

export interface TimelineResult {
  readonly view: TimelineView;
  /** Why something was left out or a rule stayed silent: for the debug log, never PHI. */
  readonly notes: readonly string[];
}

export function buildTimelineView(input: TimelineInput): TimelineResult {
  const { record, now, targets } = input;
  const notes = new Set<string>();
  const note = (reason: string): void => {
    notes.add(reason);
  };
  const scope = evaluateScopeGate(record.conditions);
  const context = buildRuleContext(record, now, targets, scope, note);
  // Out of scope: no phase, band or finding, since the LN targets do not apply (a transplant
  // trough target is not 4–6 ng/mL); the results and orders are still the record's.
  const decision = scope.inScope
    ? decide({ record, now, targets, newId: sequentialIds(), modeOf: input.modeOf })
    : undefined;
  for (const reason of decision?.notes ?? []) note(reason);
  const view: TimelineView = {
    patientId: record.patientId,
    now: now.toISOString(),
    inScope: scope.inScope,
    ...(scope.inScope ? describePhase(context.timeline, targets) : { scopeReason: scope.reason }),
    targets: scope.inScope ? describeTargets(targets) : { tacrolimus: null },
    series: buildSeries(record.observations, now, note),
    orders: buildOrderBars(context),
    // Only the cards the EHR was shown (active rules): shadow findings are never shown to clinicians.
    findings: (decision?.cards ?? []).map((card) => ({
      ruleCode: card.source.topic?.code ?? 'unknown',
      indicator: card.indicator,
      summary: card.summary,
      triggers: decision?.triggers.get(card.uuid) ?? [],
    })),
    unavailable: [...(record.unavailable ?? [])].sort(),
  };
  return { view, notes: [...notes] };
}

/**
 * §4 phase and therapy start; the end of induction and the §5 36-month mark, both counted from
 * the latest re-induction when there is one (wave 2 §4.7a restarts the phase and the clock).
 */
function describePhase(
  timeline: Timeline,
  targets: Targets,
): Pick<TimelineView, 'phase' | 'therapyStart' | 'inductionEnd' | 'maintenanceMark' | 'reInduction'> {
  const { phase, therapyStart, reInduction } = timeline;
  const clockStart = reInduction?.start ?? therapyStart;
  return {
    ...(phase === undefined ? {} : { phase }),
    ...(therapyStart === undefined ? {} : { therapyStart: formatTimelineTime(therapyStart) }),
    ...(clockStart === undefined
      ? {}
      : {
          inductionEnd: formatTimelineTime(addMonths(clockStart, targets.inductionMonths)),
          maintenanceMark: formatTimelineTime(
            addMonths(clockStart, targets.discontinuation.minimumTherapyMonths),
          ),
        }),
    ...(reInduction === undefined
      ? {}
      : {
          reInduction: {
            start: formatTimelineTime(reInduction.start),
            ...(reInduction.order.reference === undefined ? {} : { reference: reInduction.order.reference }),
          },
        }),
  };
}

/** Card ids never leave this function; they only key the triggers of each card. */
function sequentialIds(): () => string {
  let next = 0;
  return () => {
    next += 1;
    return `timeline-card-${next}`;
  };
}
