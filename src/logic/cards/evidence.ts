import { formatDate } from '../time/fhir-time';
import type { Evidence, LatestResult, Measurement, MedicationOrder, RuleContext } from '../rules/rule';

/** Evidence items shared by the rules: how an order, a result and the timeline are shown. */
export function nameOfOrder(order: MedicationOrder): string {
  const concept = order.request.medicationCodeableConcept ?? order.medication?.code;
  return concept?.text ?? concept?.coding?.find((c) => c.display)?.display ?? order.product.ingredient;
}

export function describeOrder(order: MedicationOrder): Evidence {
  const dosage = (order.request.dosageInstruction ?? [])
    .map((d) => d.text)
    .filter((text): text is string => typeof text === 'string' && text.length > 0)
    .join('; ');
  const state = order.isDraft
    ? order.discontinuesGroup
      ? `draft order (${order.request.status}: discontinues)`
      : 'draft order'
    : order.isActive && !order.isCurrent
      ? `order (${order.request.status}, superseded by the draft)`
      : `order (${order.request.status})`;
  return {
    label: `${nameOfOrder(order)} — ${state}`,
    ...(dosage ? { value: dosage } : {}),
    ...(order.start ? { date: formatDate(order.start) } : {}),
    ...(order.reference ? { reference: order.reference } : {}),
  };
}

// Evidence and measurements are built key by key rather than with conditional spreads followed
// by other keys, which V8 builds on a slow path (bench/, issue 5): same keys, same order.
export type Writable<T> = { -readonly [K in keyof T]: T[K] };

export function describeResult(label: string, result: LatestResult): Evidence {
  const quantity = result.observation.valueQuantity;
  const value =
    quantity?.value === undefined
      ? undefined
      : `${quantity.comparator ?? ''}${quantity.value} ${quantity.unit ?? quantity.code ?? ''}`.trim();
  const evidence: Writable<Evidence> = { label };
  if (value) evidence.value = value;
  evidence.date = formatDate(result.at);
  if (result.observation.id) evidence.reference = `Observation/${result.observation.id}`;
  return evidence;
}

/** The measurement of a readable latest result, in the canonical unit, with what was reported. */
export function measurementOf(label: string, result: LatestResult): Measurement | undefined {
  const reading = result.reading;
  if (!reading.ok) return undefined;
  const converted = reading.reported.unit !== reading.unit;
  const measurement: Writable<Measurement> = { label, value: reading.value, unit: reading.unit };
  if (reading.comparator) measurement.comparator = reading.comparator;
  measurement.date = formatDate(result.at);
  if (converted) measurement.reported = reading.reported;
  return measurement;
}

export function describeTherapyStart(context: RuleContext): Evidence[] {
  const { therapyStart, phase } = context.timeline;
  if (!therapyStart) return [];
  const evidence: Writable<Evidence> = { label: 'LN immunosuppression started' };
  if (phase) evidence.value = `${phase} phase`;
  evidence.date = formatDate(therapyStart);
  return [evidence];
}

/** The current orders of a group, for evidence, drafts first. */
export function currentOrdersOf(context: RuleContext, group: MedicationOrder['group']): MedicationOrder[] {
  return context.currentOrders
    .filter((order) => order.group === group)
    .sort((a, b) => Number(b.isDraft) - Number(a.isDraft));
}

/** The id of the first draft of the group, for `draftOrderId`. */
export function draftIdOf(orders: readonly MedicationOrder[]): string | undefined {
  return orders.find((order) => order.isDraft)?.request.id;
}
