import { isWithinLastDays } from '../time/fhir-time';
import { isBeyond } from '../record/observations';
import type { Finding, RuleContext } from './rule';
import type { RuleCode } from '../vocabulary/rule-codes';
import {
  currentOrdersOf,
  describeOrder,
  describeResult,
  describeTherapyStart,
  draftIdOf,
  measurementOf,
  type Writable,
} from '../cards/evidence';

/**
 * clinical-rules.md §5 tacrolimus-trough-low / -high: in maintenance, on tacrolimus (active or
 * draft), the latest tacrolimus level of the last 90 days outside 4–6 ng/mL (inclusive in range).
 * Source: KDIGO 2024 LN guideline and the tacrolimus trough summary (LN maintenance trough 4–6).
 */
export function evaluateTacrolimusLevel(
  context: RuleContext,
  code: RuleCode,
  side: 'below' | 'above',
): Finding[] {
  const { targets, timeline, latest, now } = context;
  if (timeline.phase !== 'maintenance') return [];
  const tacrolimusOrders = currentOrdersOf(context, 'tacrolimus');
  if (tacrolimusOrders.length === 0) return [];
  const level = latest.tacrolimus;
  if (!level || !isWithinLastDays(level.at, now, targets.tacrolimus.levelWindowDays)) return [];
  if (!level.reading.ok) {
    context.note(`${code}: latest tacrolimus level unreadable (${level.reading.reason})`);
    return [];
  }
  const range = targets.tacrolimus.troughNgPerMl;
  const threshold = side === 'below' ? range.min : range.max;
  const certainty = isBeyond(level.reading, threshold, side);
  if (certainty === 'unknown') {
    context.note(`${code}: comparator of the latest tacrolimus level does not settle the question`);
  }
  if (certainty !== 'yes') return [];
  const measured = measurementOf('Tacrolimus trough', level);
  if (!measured) return [];
  const draftOrderId = draftIdOf(tacrolimusOrders);
  // Key by key, not a conditional spread ahead of `facts` (a slow path in V8, bench/, issue 5).
  const finding: Writable<Finding> = {
    code,
    indicator: 'warning',
    measured,
    target: {
      label: 'LN maintenance target',
      min: range.min,
      max: range.max,
      unit: 'ng/mL',
      source: 'KDIGO 2024 LN guideline; tacrolimus trough target for LN maintenance',
    },
    direction: side,
    evidence: [
      describeResult('Latest tacrolimus level', level),
      ...tacrolimusOrders.map(describeOrder),
      ...describeTherapyStart(context),
    ],
  };
  if (draftOrderId) finding.draftOrderId = draftOrderId;
  finding.facts = {
    onceDailyExtendedRelease: tacrolimusOrders.some((o) => o.product.onceDailyExtendedRelease === true),
  };
  return [finding];
}
