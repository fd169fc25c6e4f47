/**
 * Draft orders of the order hooks, read into R4 MedicationRequests (clinical-rules.md §2 "Draft
 * orders ... in DSTU2 (`MedicationOrder`) and STU3 shape must be read as well as R4").
 *
 * Accepts order-select / order-sign `draftOrders` (a Bundle, possibly without `type`, as the CDS
 * Hooks Sandbox sends it) and medication-prescribe `medications` (a Bundle or an array of
 * resources or of entries). Pure: no I/O. Resources other than medication orders (ServiceRequest,
 * NutritionOrder, …) are ignored; Medications that travel with the orders are returned so that a
 * `medicationReference` can be resolved.
 *
 * Version mapping (https://hl7.org/fhir/R4/medicationrequest.html, "R3 ↔ R4" and DSTU2
 * MedicationOrder): STU3 `context` → `encounter`, `requester.agent` → `requester`, dose[x]/rate[x]
 * → `doseAndRate`; DSTU2 `patient` → `subject`, `dateWritten` → `authoredOn`, `prescriber` →
 * `requester`, `reasonCodeableConcept` → `reasonCode`, `note` string → Annotation. DSTU2
 * `dateEnded` has no R4 element and is not carried over (a stopped draft ends its drug now anyway).
 */
import type { HookContext } from '../cds-hooks/request';
import type { HookName } from '../logic/record/patient-record';
import { readDosage } from './r4-dosage';
import {
  asArray,
  isObject,
  readAnnotation,
  readBoolean,
  readCodeableConcept,
  readList,
  readNumber,
  readPeriod,
  readQuantity,
  readRatio,
  readReference,
  readString,
  type Json,
} from './r4-elements';

export interface DraftOrders {
  readonly orders: fhir4.MedicationRequest[];
  /** Medication resources sent alongside the orders (for `medicationReference`). */
  readonly medications: fhir4.Medication[];
  /** Why something was not read — for the debug log, never PHI. */
  readonly notes: string[];
}

type Status = fhir4.MedicationRequest['status'];
type Intent = fhir4.MedicationRequest['intent'];

/** R4 statuses; STU3 MedicationRequest and DSTU2 MedicationOrder use a subset of the same codes. */
const STATUSES: ReadonlySet<string> = new Set([
  'active',
  'on-hold',
  'cancelled',
  'completed',
  'entered-in-error',
  'stopped',
  'draft',
  'unknown',
]);
const INTENTS: ReadonlySet<string> = new Set([
  'proposal',
  'plan',
  'order',
  'original-order',
  'reflex-order',
  'filler-order',
  'instance-order',
  'option',
]);

/** R4 MedicationRequest elements that are arrays (a single object is wrapped). */
const PASSED_THROUGH_ARRAYS = [
  'identifier',
  'instantiatesCanonical',
  'instantiatesUri',
  'basedOn',
  'supportingInformation',
  'insurance',
  'detectedIssue',
  'eventHistory',
] as const;

/** Elements of MedicationRequest that readMedicationRequest reads into typed R4. */
const READ_ELEMENTS = [
  'id',
  'status',
  'intent',
  'category',
  'subject',
  'encounter',
  'requester',
  'authoredOn',
  'reasonCode',
  'reasonReference',
  'note',
  'dosageInstruction',
  'dispenseRequest',
  'medicationCodeableConcept',
  'medicationReference',
] as const;

const ARRAY_ELEMENTS: ReadonlySet<string> = new Set(PASSED_THROUGH_ARRAYS);
/** Never passed through as received: read into typed R4, or STU3-only (`context`, `definition`). */
const NOT_PASSED_THROUGH: ReadonlySet<string> = new Set(['context', 'definition', 'contained', ...READ_ELEMENTS]);

export function normaliseDraftOrders(input: unknown): DraftOrders {
  const result: DraftOrders = { orders: [], medications: [], notes: [] };
  collectResources(input, result.notes).forEach((resource, index) => {
    if (!isObject(resource)) {
      result.notes.push(`draft entry ${index}: not a resource`);
      return;
    }
    const order = readDraftOrder(resource, index, result.notes);
    if (order !== undefined) {
      result.orders.push(order);
      return;
    }
    switch (resource.resourceType) {
      case 'Medication':
        result.medications.push(readMedication(resource));
        return;
      case undefined:
        result.notes.push(`draft entry ${index}: no resourceType`);
        return;
      default:
        return; // not a medication order: no rule reads it
    }
  });
  return result;
}

/** The hook's drafts: medication-prescribe `medications`, order-select / order-sign `draftOrders`. */
export function draftOrdersOf(hook: HookName, context: HookContext): unknown {
  return hook === 'medication-prescribe' ? context.medications : context.draftOrders;
}

/** A medication order draft (R4 / STU3 MedicationRequest, DSTU2 MedicationOrder) read into R4. */
export function readDraftOrder(
  resource: Json,
  index: number,
  notes: string[],
): fhir4.MedicationRequest | undefined {
  switch (resource.resourceType) {
    case 'MedicationRequest':
      return readMedicationRequest(resource, index, notes);
    case 'MedicationOrder':
      return readMedicationOrder(resource, index, notes);
    default:
      return undefined;
  }
}

/** The resources of a Bundle, of an array of resources, or of an array of Bundle entries. */
export function collectResources(input: unknown, notes: string[]): unknown[] {
  if (input === undefined || input === null) return [];
  const items: unknown[] | undefined = Array.isArray(input)
    ? (input as unknown[])
    : isObject(input)
      ? [input]
      : undefined;
  if (items === undefined) {
    notes.push('draft orders: neither a Bundle nor an array');
    return [];
  }
  return items.flatMap((item) => {
    if (isObject(item) && item.resourceType === 'Bundle') {
      return (asArray(item.entry) ?? []).map((entry) => (isObject(entry) ? entry.resource : entry));
    }
    // An array of Bundle entries rather than of resources.
    if (isObject(item) && item.resourceType === undefined && isObject(item.resource)) return [item.resource];
    return [item];
  });
}

export function readStatus(
  value: unknown,
  index: number,
  notes: string[],
  missing: Status = 'draft',
): Status {
  const status = readString(value)?.trim().toLowerCase();
  if (status === undefined) return missing; // a draft order of this hook, unless read from the record
  if (STATUSES.has(status)) return status as Status;
  notes.push(`draft entry ${index}: status not recognised, read as unknown`);
  return 'unknown';
}

export function readIntent(value: unknown): Intent {
  const intent = readString(value)?.trim().toLowerCase();
  return intent !== undefined && INTENTS.has(intent) ? (intent as Intent) : 'order';
}

/**
 * A draft order: R4 as is, STU3 mapped; single objects where R4 has arrays are wrapped. Every
 * other element is passed through, since a dose suggestion sends the draft back as an update
 * (the record's own orders are read by read-record.ts, with only what the rules read).
 */
function readMedicationRequest(raw: Json, index: number, notes: string[]): fhir4.MedicationRequest {
  // Elements read below replace their raw value even when unreadable: a malformed element must
  // not survive untyped for the rules to trip over. A null prototype keeps a `__proto__` key of
  // the body a plain data property.
  const rest = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (NOT_PASSED_THROUGH.has(key)) continue;
    const value = raw[key];
    rest[key] = value !== undefined && ARRAY_ELEMENTS.has(key) ? asArray(value) : value;
  }
  const requester =
    isObject(raw.requester) && isObject(raw.requester.agent) ? raw.requester.agent : raw.requester;
  const { medicationCodeableConcept, medicationReference, contained } = readMedicationChoice(raw);
  return {
    ...rest,
    resourceType: 'MedicationRequest',
    id: readString(raw.id),
    status: readStatus(raw.status, index, notes),
    intent: readIntent(raw.intent),
    category: readList(raw.category, readCodeableConcept),
    subject: readReference(raw.subject) ?? {},
    encounter: readReference(raw.encounter ?? raw.context),
    requester: readReference(requester),
    authoredOn: readString(raw.authoredOn),
    reasonCode: readList(raw.reasonCode, readCodeableConcept),
    reasonReference: readList(raw.reasonReference, readReference),
    note: readList(raw.note, readAnnotation),
    dosageInstruction: readList(raw.dosageInstruction, readDosage),
    dispenseRequest: readDispenseRequest(raw.dispenseRequest),
    medicationCodeableConcept,
    medicationReference,
    contained,
  };
}

/** DSTU2 MedicationOrder → R4 MedicationRequest, element by element (no DSTU2 leftovers). */
function readMedicationOrder(raw: Json, index: number, notes: string[]): fhir4.MedicationRequest {
  const { medicationCodeableConcept, medicationReference, contained } = readMedicationChoice(raw);
  return {
    resourceType: 'MedicationRequest',
    id: readString(raw.id),
    status: readStatus(raw.status, index, notes),
    intent: 'order',
    subject: readReference(raw.patient ?? raw.subject) ?? {},
    encounter: readReference(raw.encounter),
    requester: readReference(raw.prescriber),
    authoredOn: readString(raw.dateWritten),
    reasonCode: readList(raw.reasonCodeableConcept, readCodeableConcept),
    reasonReference: readList(raw.reasonReference, readReference),
    note: readList(raw.note, readAnnotation),
    dosageInstruction: readList(raw.dosageInstruction, readDosage),
    dispenseRequest: readDispenseRequest(raw.dispenseRequest),
    priorPrescription: readReference(raw.priorPrescription),
    medicationCodeableConcept,
    medicationReference,
    contained,
  };
}

export function readMedicationChoice(
  raw: Json,
): Pick<fhir4.MedicationRequest, 'medicationCodeableConcept' | 'medicationReference' | 'contained'> {
  const contained = readList(raw.contained, (item) =>
    isObject(item) && item.resourceType === 'Medication' ? readMedication(item) : undefined,
  );
  return {
    medicationCodeableConcept: readCodeableConcept(raw.medicationCodeableConcept),
    medicationReference: readReference(raw.medicationReference),
    contained,
  };
}

/** `validityPeriod` is only how long the prescription may be filled (§4); kept for the update. */
function readDispenseRequest(value: unknown): fhir4.MedicationRequestDispenseRequest | undefined {
  if (!isObject(value)) return undefined;
  // DSTU2 names the medication again here, which R4 has no place for.
  const { medicationCodeableConcept: _concept, medicationReference: _reference, ...rest } = value;
  // The read elements replace their raw value even when unreadable, as in the order itself.
  return {
    ...rest,
    validityPeriod: readPeriod(value.validityPeriod),
    numberOfRepeatsAllowed: readNumber(value.numberOfRepeatsAllowed),
    quantity: readQuantity(value.quantity),
    expectedSupplyDuration: readQuantity(value.expectedSupplyDuration),
  };
}

/**
 * Medication of any version: R4 `ingredient[].strength`, STU3 `ingredient[].amount`, DSTU2
 * `product.form` / `product.ingredient[].item` + `amount`.
 */
export function readMedication(raw: Json): fhir4.Medication {
  const product = isObject(raw.product) ? raw.product : undefined;
  return {
    resourceType: 'Medication',
    id: readString(raw.id),
    code: readCodeableConcept(raw.code),
    form: readCodeableConcept(raw.form ?? product?.form),
    ingredient: readList(raw.ingredient ?? product?.ingredient, readIngredient),
  };
}

function readIngredient(value: unknown): fhir4.MedicationIngredient | undefined {
  if (!isObject(value)) return undefined;
  return {
    itemCodeableConcept: readCodeableConcept(value.itemCodeableConcept),
    itemReference: readReference(value.itemReference ?? value.item),
    isActive: readBoolean(value.isActive),
    strength: readRatio(value.strength ?? value.amount),
  };
}
