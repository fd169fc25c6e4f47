import { computeDailyDose, type DailyDose } from '../dose/daily-dose';
import { buildOrders } from './medication-orders';
import { selectLatestResults } from './observations';
import type { OptionalData, PatientRecord } from './patient-record';
import type { MedicationOrder, RuleContext, ScopeGate } from '../rules/rule';
import type { Targets } from '../targets';
import { buildTimeline } from './timeline';

const NOTHING_UNAVAILABLE: ReadonlySet<OptionalData> = new Set();

/**
 * Everything the rules read, computed once per decision: classified orders, timeline, latest
 * results. Rules never rescan the record.
 */
export function buildRuleContext(
  record: PatientRecord,
  now: Date,
  targets: Targets,
  scope: ScopeGate,
  note: (reason: string) => void,
): RuleContext {
  const isOrderHook = record.hook !== 'patient-view';
  const { orders, drafts, currentOrders } = buildOrders({
    medicationRequests: record.medicationRequests,
    draftOrders: isOrderHook ? record.draftOrders : [],
    medications: record.medications,
    now,
    note,
  });
  const dailyDoses = new Map<MedicationOrder, DailyDose>();
  return {
    now,
    hook: record.hook,
    patientId: record.patientId,
    isOrderHook,
    targets,
    scope,
    orders,
    currentOrders,
    currentGroups: new Set(currentOrders.map((order) => order.group)),
    drafts,
    timeline: buildTimeline(orders, now, targets, isOrderHook, note),
    latest: selectLatestResults(record.observations, now, note),
    patient: record.patient,
    conditions: record.conditions,
    observations: record.observations,
    allergies: record.allergies ?? [],
    unavailable: record.unavailable ?? NOTHING_UNAVAILABLE,
    dailyDoseOf(order) {
      const known = dailyDoses.get(order);
      if (known) return known;
      const dose = computeDailyDose(order.request.dosageInstruction, {
        now,
        strength: order.product.strength,
      });
      dailyDoses.set(order, dose);
      return dose;
    },
    note,
  };
}
