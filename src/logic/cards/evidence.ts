import { addMonths, formatDate } from '../time/fhir-time';
import { displayUnit } from './card-text';
import type {
  Evidence,
  LatestResult,
  Measurement,
  MedicationOrder,
  ReadableResult,
  ReInduction,
  RuleContext,
} from '../rules/rule';

/** Evidence items shared by the rules: how an order, a result and the timeline are shown. */
export function nameOfOrder(order: MedicationOrder): string {
  const concept = order.request.medicationCodeableConcept ?? order.medication?.code;
  return concept?.text ?? concept?.coding?.find((c) => c.display)?.display ?? order.product.ingredient;
}

/**
 * An order: its name, its state and its start. A dose rule's own orders go without their dose,
 * which the card's first line states with the total; see `describeOrderWithDose`.
 */
export function describeOrder(order: MedicationOrder): Evidence {
  return orderEvidence(order, undefined);
}

/**
 * An order with its dose in words (§6: "2 × 500 mg tablets twice daily", read as the dose rules
 * read it), or the EHR's own sig when the structured dose cannot be read.
 */
export function describeOrderWithDose(context: RuleContext): (order: MedicationOrder) => Evidence {
  return (order) => {
    const dose = context.dailyDoseOf(order);
    const sig = (order.request.dosageInstruction ?? [])
      .map((d) => d.text)
      .filter((text): text is string => typeof text === 'string' && text.length > 0)
      .join('; ');
    return orderEvidence(order, dose.ok ? dose.how : sig === '' ? undefined : sig);
  };
}

function orderEvidence(order: MedicationOrder, dosage: string | undefined): Evidence {
  const state = order.isDraft
    ? order.discontinuesGroup
      ? `draft order (${order.request.status}: discontinues)`
      : 'draft order'
    : order.isActive && !order.isCurrent
      ? `order (${order.request.status}, superseded by the draft)`
      : `order (${order.request.status})`;
  return {
    label: `${nameOfOrder(order)} — ${state}`,
    value: dosage,
    date: order.start ? formatDate(order.start) : undefined,
    reference: order.reference,
  };
}

export function describeResult(label: string, result: LatestResult): Evidence {
  const quantity = result.observation.valueQuantity;
  return {
    label,
    value:
      quantity?.value === undefined
        ? undefined
        : `${quantity.comparator ?? ''}${quantity.value} ${displayUnit(quantity.unit ?? quantity.code ?? '')}`.trim(),
    date: formatDate(result.at),
    reference: result.observation.id ? `Observation/${result.observation.id}` : undefined,
  };
}

/** The measurement of a readable result, in the canonical unit, with what was reported if converted. */
export function measurementOf(label: string, result: ReadableResult): Measurement {
  const { reading } = result;
  return {
    label,
    value: reading.value,
    unit: reading.unit,
    comparator: reading.comparator,
    date: formatDate(result.at),
    reported: reading.reported.unit === reading.unit ? undefined : reading.reported,
    reference: result.observation.id ? `Observation/${result.observation.id}` : undefined,
  };
}

export function describeTherapyStart(context: RuleContext): Evidence[] {
  const { therapyStart, phase, reInduction, inductionFromReInduction } = context.timeline;
  if (!therapyStart) return [];
  if (reInduction && inductionFromReInduction) {
    // Wave 2 §4.7a: the phase comes from the re-induction, which the card must show.
    return [
      { label: 'LN immunosuppression started', date: formatDate(therapyStart) },
      describeReInduction(reInduction, context),
    ];
  }
  return [
    {
      label: 'LN immunosuppression started',
      value: phase ? `${phase} phase` : undefined,
      date: formatDate(therapyStart),
    },
  ];
}

/**
 * Wave 2 §4.7a: the re-induction R, the order that started it, and the induction phase it opens
 * ("induction phase until …" while it lasts).
 */
export function describeReInduction(reInduction: ReInduction, context: RuleContext): Evidence {
  const { inductionFromReInduction } = context.timeline;
  const until = addMonths(reInduction.start, context.targets.inductionMonths);
  const phase = inductionFromReInduction ? `; induction phase until ${formatDate(until)}` : '';
  return {
    label: 'LN re-induction started',
    value: `${nameOfOrder(reInduction.order)}${phase}`,
    date: formatDate(reInduction.start),
    reference: reInduction.order.reference,
  };
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
