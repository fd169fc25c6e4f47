import type { PatientRecord } from '../record/patient-record';
import type { RuleCode, RuleMode } from '../vocabulary/rule-codes';
import type { Targets } from '../targets';
import { buildRuleContext } from '../record/rule-context';
import { evaluateScopeGate } from '../record/scope-gate';
import { decide } from '../decide';
import { addMonths } from '../time/fhir-time';
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
  /** The instant the view was computed for (ISO). */
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
  const series = buildSeries(record.observations, now, note);
  const orders = buildOrderBars(context);
  const unavailable = [...(record.unavailable ?? [])].sort();
  const base = { patientId: record.patientId, now: now.toISOString(), series, orders, unavailable };
  if (!scope.inScope) {
    // No phase, band or finding: the LN targets do not apply to this patient (a transplant
    // trough target is not 4–6 ng/mL). The results and orders are still the record's.
    const view: TimelineView = {
      ...base,
      inScope: false,
      scopeReason: scope.reason,
      targets: { tacrolimus: null },
      findings: [],
    };
    return { view, notes: [...notes] };
  }
  const { timeline } = context;
  const clockStart = timeline.reInduction?.start ?? timeline.therapyStart;
  const decision = decide({ record, now, targets, newId: sequentialIds(), modeOf: input.modeOf });
  for (const reason of decision.notes) note(reason);
  const view: TimelineView = {
    ...base,
    inScope: true,
    ...(timeline.phase === undefined ? {} : { phase: timeline.phase }),
    ...(timeline.therapyStart === undefined ? {} : { therapyStart: timeline.therapyStart.toISOString() }),
    ...(clockStart === undefined
      ? {}
      : {
          inductionEnd: addMonths(clockStart, targets.inductionMonths).toISOString(),
          maintenanceMark: addMonths(clockStart, targets.discontinuation.minimumTherapyMonths).toISOString(),
        }),
    ...(timeline.reInduction === undefined
      ? {}
      : {
          reInduction: {
            start: timeline.reInduction.start.toISOString(),
            ...(timeline.reInduction.order.reference === undefined
              ? {}
              : { reference: timeline.reInduction.order.reference }),
          },
        }),
    targets: describeTargets(targets),
    // Only the cards the EHR was shown (active rules): shadow findings are never shown to clinicians.
    findings: decision.cards.map((card) => ({
      ruleCode: card.source.topic?.code ?? 'unknown',
      indicator: card.indicator,
      summary: card.summary,
      triggers: decision.triggers.get(card.uuid) ?? [],
    })),
  };
  return { view, notes: [...notes] };
}

/** Card ids never leave this function; they only key the triggers of each card. */
function sequentialIds(): () => string {
  let next = 0;
  return () => {
    next += 1;
    return `timeline-card-${next}`;
  };
}
