import { classifyMedication, resolveMedication } from '../vocabulary/classify-medication';
import { listOf } from './fhir-list';
import { addDays, addMonths, parseFhirDateTime } from '../time/fhir-time';
import type { MedicationOrder } from '../rules/rule';
import type { DrugGroup } from '../vocabulary/medication-groups';

const NOT_ORDERS: ReadonlySet<string> = new Set(['proposal', 'plan', 'option']);

/**
 * MedicationRequests → MedicationOrders: classified (§2), with start, planned end and activity
 * (§4), and the drafts applied (§2: a draft supersedes its group's active orders).
 */
const DISCONTINUING_STATUSES: ReadonlySet<string> = new Set(['stopped', 'cancelled', 'completed']);

/** §4: start = earliest boundsPeriod.start, else authoredOn. */
function startOf(request: fhir4.MedicationRequest): Date | undefined {
  let earliest: Date | undefined;
  for (const dosage of listOf(request.dosageInstruction)) {
    const start = parseFhirDateTime(dosage.timing?.repeat?.boundsPeriod?.start);
    if (start && (!earliest || start.getTime() < earliest.getTime())) earliest = start;
  }
  return earliest ?? parseFhirDateTime(request.authoredOn);
}

const DURATION_UNITS: Readonly<Record<string, { days?: number; months?: number }>> = {
  s: { days: 1 / 86_400 },
  min: { days: 1 / 1_440 },
  h: { days: 1 / 24 },
  d: { days: 1 },
  day: { days: 1 },
  days: { days: 1 },
  wk: { days: 7 },
  week: { days: 7 },
  weeks: { days: 7 },
  mo: { months: 1 },
  month: { months: 1 },
  months: { months: 1 },
  a: { months: 12 },
  year: { months: 12 },
  years: { months: 12 },
};

type PlannedEndOfOrder =
  | { readonly kind: 'none' }
  | { readonly kind: 'at'; readonly at: Date }
  | {
      readonly kind: 'unreadable';
    };

/**
 * §4: the planned end is boundsPeriod.end, or start + boundsDuration (a month is a calendar month,
 * §7). With several dosage instructions the order ends when the last one ends; one without an end
 * means no planned end. dispenseRequest.validityPeriod is never an end.
 */
function plannedEndOf(request: fhir4.MedicationRequest, start: Date | undefined): PlannedEndOfOrder {
  const dosages = request.dosageInstruction ?? [];
  if (dosages.length === 0) return { kind: 'none' };
  let latest: Date | undefined;
  for (const dosage of dosages) {
    const repeat = dosage.timing?.repeat;
    let end: Date | undefined;
    if (repeat?.boundsPeriod?.end !== undefined) {
      end = parseFhirDateTime(repeat.boundsPeriod.end);
      if (!end) return { kind: 'unreadable' };
    } else if (repeat?.boundsDuration) {
      const { value } = repeat.boundsDuration;
      const unit = DURATION_UNITS[(repeat.boundsDuration.code ?? repeat.boundsDuration.unit ?? '').trim()];
      if (value === undefined || !unit || !start) return { kind: 'unreadable' };
      end = unit.months ? addMonths(start, unit.months * value) : addDays(start, (unit.days ?? 0) * value);
    } else {
      return { kind: 'none' };
    }
    if (!latest || end.getTime() > latest.getTime()) latest = end;
  }
  return latest ? { kind: 'at', at: latest } : { kind: 'none' };
}

export interface OrderInput {
  readonly medicationRequests: readonly fhir4.MedicationRequest[];
  readonly draftOrders: readonly fhir4.MedicationRequest[];
  readonly medications: readonly fhir4.Medication[];
  readonly now: Date;
  readonly note: (reason: string) => void;
}

export interface Orders {
  readonly orders: readonly MedicationOrder[];
  readonly drafts: readonly MedicationOrder[];
  readonly currentOrders: readonly MedicationOrder[];
}

/** What every order of one decision is built against. */
interface OrderScope {
  readonly medicationsById: ReadonlyMap<string, fhir4.Medication>;
  readonly now: Date;
  readonly note: (reason: string) => void;
  /** §2: the groups with a draft in this hook; their other orders are superseded. */
  readonly draftedGroups: ReadonlySet<DrugGroup>;
}

function buildOrder(
  request: fhir4.MedicationRequest,
  isDraft: boolean,
  { medicationsById, now, note, draftedGroups }: OrderScope,
): MedicationOrder | undefined {
  const status = request.status;
  if (status === 'entered-in-error') return undefined;
  // FHIR R4 modifier element: "do not give this drug" is not therapy with it (no start, no stop).
  if (request.doNotPerform === true) {
    note('medication order ignored: doNotPerform');
    return undefined;
  }
  // History orders that were never given: cancelled, or unsigned drafts outside this hook.
  if (!isDraft && (status === 'cancelled' || status === 'draft')) return undefined;
  // FHIR R4 `intent` is a modifier too: a proposal, plan or option is not an order being given.
  if (!isDraft && NOT_ORDERS.has(request.intent)) {
    note(`medication order ignored: intent ${request.intent}`);
    return undefined;
  }
  const medication = resolveMedication(request, medicationsById);
  const classification = classifyMedication(request, medication);
  switch (classification.kind) {
    case 'unrelated':
      return undefined;
    case 'non-systemic':
    case 'unresolved':
      note(`medication order ignored: ${classification.reason}`);
      return undefined;
    case 'drug':
      break;
  }
  const group = classification.product.group;
  if (!isDraft && status === 'unknown') {
    note(`${group} order with status unknown ignored`);
    return undefined;
  }
  const discontinuesGroup = isDraft && DISCONTINUING_STATUSES.has(status);
  const start = startOf(request) ?? (isDraft ? now : undefined);
  if (!start) note(`${group} order without a start date`);
  const planned = plannedEndOf(request, start);
  if (planned.kind === 'unreadable') note(`${group} order end unreadable`);
  let end = planned.kind === 'at' ? planned.at : undefined;
  let isActive: boolean;
  if (discontinuesGroup) {
    end = now;
    isActive = false;
  } else if (isDraft || status === 'active' || status === 'on-hold') {
    isActive = end === undefined || end.getTime() > now.getTime();
  } else {
    // §4: stopped / completed without an end ended at an unknown time: now.
    if (end === undefined || end.getTime() > now.getTime()) end = now;
    isActive = false;
  }
  return {
    request,
    group,
    product: classification.product,
    isDraft,
    discontinuesGroup,
    isActive,
    isCurrent: isActive && (isDraft || !draftedGroups.has(group)),
    reference: request.id ? `MedicationRequest/${request.id}` : undefined,
    medication,
    start,
    end,
    plannedEnd: planned.kind === 'at' ? planned.at : undefined,
  };
}

/** One malformed order (src/fhir should have dropped it) is skipped, not fatal to the others. */
function buildEach(
  requests: readonly fhir4.MedicationRequest[],
  isDraft: boolean,
  scope: OrderScope,
): MedicationOrder[] {
  const built: MedicationOrder[] = [];
  for (const request of requests) {
    try {
      const order = buildOrder(request, isDraft, scope);
      if (order) built.push(order);
    } catch {
      scope.note('malformed medication order ignored');
    }
  }
  return built;
}

export function buildOrders(input: OrderInput): Orders {
  const medicationsById = new Map(input.medications.filter((m) => m.id).map((m) => [m.id ?? '', m] as const));
  const scope = { medicationsById, now: input.now, note: input.note };
  const drafts = buildEach(input.draftOrders, true, { ...scope, draftedGroups: new Set() });
  const draftIds = new Set(input.draftOrders.map((d) => d.id).filter((id) => id !== undefined));
  const history = buildEach(
    input.medicationRequests.filter((request) => request.id === undefined || !draftIds.has(request.id)),
    false,
    { ...scope, draftedGroups: new Set(drafts.map((draft) => draft.group)) },
  );
  const orders = [...history, ...drafts];
  return { orders, drafts, currentOrders: orders.filter((order) => order.isCurrent) };
}
