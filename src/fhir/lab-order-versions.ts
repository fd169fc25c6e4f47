/**
 * A laboratory order the rules propose as an R4 ServiceRequest, written in the version of the
 * hook's drafts (clinical-rules.md §6: "a new laboratory order is a DSTU2 `DiagnosticOrder`, an
 * STU3 `ProcedureRequest` or an R4 `ServiceRequest`"). Element by element, from the R4 → STU3
 * map of https://hl7.org/fhir/R4/servicerequest.html and the DSTU2 DiagnosticOrder and STU3
 * ProcedureRequest definitions; an element with no place in the target version means no
 * resource, never a resource that says less than the order the card describes.
 */
import type { FhirVersion } from './draft-versions';

export type Expressed<T> =
  { readonly ok: true; readonly resource: T } | { readonly ok: false; readonly reason: string };

export type LabOrder = fhir4.ServiceRequest | fhir3.ProcedureRequest | fhir2.DiagnosticOrder;

/** R4 request-status → STU3 request-status (R4 renamed suspended → on-hold, cancelled → revoked). */
const STU3_STATUS: ReadonlyMap<string, string> = new Map([
  ['draft', 'draft'],
  ['active', 'active'],
  ['on-hold', 'suspended'],
  ['revoked', 'cancelled'],
  ['completed', 'completed'],
  ['entered-in-error', 'entered-in-error'],
  ['unknown', 'unknown'],
]);
/** R4 request-status → DSTU2 diagnostic-order-status (which has draft, requested, suspended …). */
const DSTU2_STATUS: ReadonlyMap<string, string> = new Map([
  ['draft', 'draft'],
  ['active', 'requested'],
  ['on-hold', 'suspended'],
  ['revoked', 'cancelled'],
  ['completed', 'completed'],
]);

/**
 * The ServiceRequest elements written in each version. DSTU2 has no place for `category` (a
 * DiagnosticOrder is a diagnostic order by its type, and the item's LOINC code says which) nor
 * `authoredOn` (its `event` list records what happened to an order in process; the EHR dates the
 * order it signs): both are left out rather than refusing the order.
 */
const STU3_ELEMENTS: ReadonlySet<string> = new Set([
  'resourceType',
  'id',
  'status',
  'intent',
  'priority',
  'category',
  'code',
  'subject',
  'encounter',
  'occurrenceDateTime',
  'occurrencePeriod',
  'authoredOn',
  'requester',
  'reasonCode',
  'note',
]);
const DSTU2_ELEMENTS: ReadonlySet<string> = new Set([
  'resourceType',
  'id',
  'status',
  'intent',
  'priority',
  'category',
  'code',
  'subject',
  'encounter',
  'authoredOn',
  'requester',
  'reasonCode',
  'note',
]);
/** Reference elements per version: R4 added `type`; DSTU2 has no `identifier`. */
const STU3_REFERENCE: ReadonlySet<string> = new Set([
  'id',
  'extension',
  'reference',
  'identifier',
  'display',
]);
const DSTU2_REFERENCE: ReadonlySet<string> = new Set(['id', 'extension', 'reference', 'display']);

export function expressLabOrder(request: fhir4.ServiceRequest, version: FhirVersion): Expressed<LabOrder> {
  switch (version) {
    case 'R4':
      return { ok: true, resource: request };
    case 'STU3':
      return toProcedureRequest(request);
    case 'DSTU2':
      return toDiagnosticOrder(request);
  }
}

function toProcedureRequest(request: fhir4.ServiceRequest): Expressed<fhir3.ProcedureRequest> {
  const missing = unwritable(request, STU3_ELEMENTS, STU3_REFERENCE, 'STU3 ProcedureRequest');
  if (missing !== undefined) return { ok: false, reason: missing };
  const status = STU3_STATUS.get(request.status);
  // STU3 request-intent has every R4 code but `directive`.
  if (status === undefined || request.intent === 'directive' || request.code === undefined) {
    return { ok: false, reason: 'no STU3 ProcedureRequest for this status, intent or code' };
  }
  return {
    ok: true,
    resource: {
      resourceType: 'ProcedureRequest',
      id: request.id,
      status,
      intent: request.intent,
      priority: request.priority,
      category: same<fhir3.CodeableConcept[]>(request.category),
      code: same<fhir3.CodeableConcept>(request.code),
      subject: same<fhir3.Reference>(request.subject),
      context: same<fhir3.Reference>(request.encounter),
      occurrenceDateTime: request.occurrenceDateTime,
      occurrencePeriod: same<fhir3.Period>(request.occurrencePeriod),
      authoredOn: request.authoredOn,
      requester:
        request.requester === undefined ? undefined : { agent: same<fhir3.Reference>(request.requester) },
      reasonCode: same<fhir3.CodeableConcept[]>(request.reasonCode),
      note: same<fhir3.Annotation[]>(request.note),
    },
  };
}

function toDiagnosticOrder(request: fhir4.ServiceRequest): Expressed<fhir2.DiagnosticOrder> {
  const missing = unwritable(request, DSTU2_ELEMENTS, DSTU2_REFERENCE, 'DSTU2 DiagnosticOrder');
  if (missing !== undefined) return { ok: false, reason: missing };
  const status = DSTU2_STATUS.get(request.status);
  // DSTU2 has no intent: a DiagnosticOrder is an order. The orderer is a Practitioner only.
  const orderer = request.requester;
  const ordererIsPractitioner =
    orderer === undefined || orderer.reference?.startsWith('Practitioner/') === true;
  if (
    status === undefined ||
    request.intent !== 'order' ||
    request.code === undefined ||
    !ordererIsPractitioner
  ) {
    return { ok: false, reason: 'no DSTU2 DiagnosticOrder for this status, intent, code or requester' };
  }
  return {
    ok: true,
    resource: {
      resourceType: 'DiagnosticOrder',
      id: request.id,
      subject: same<fhir2.Reference>(request.subject),
      orderer: same<fhir2.Reference>(orderer),
      encounter: same<fhir2.Reference>(request.encounter),
      reason: same<fhir2.CodeableConcept[]>(request.reasonCode),
      status,
      priority: request.priority,
      item: [{ code: same<fhir2.CodeableConcept>(request.code) }],
      note: same<fhir2.Annotation[]>(request.note),
    },
  };
}

/**
 * A CodeableConcept, Reference, Period or Annotation without extensions is the same JSON in
 * DSTU2, STU3 and R4; only the typings of their extension values differ (unwritable() refuses
 * a request that has extensions).
 */
function same<T>(value: object): T;
function same<T>(value: object | undefined): T | undefined;
function same<T>(value: object | undefined): T | undefined {
  return value as T | undefined;
}

/** Why `request` cannot be written in the target version, if it cannot. */
function unwritable(
  request: fhir4.ServiceRequest,
  elements: ReadonlySet<string>,
  referenceElements: ReadonlySet<string>,
  target: string,
): string | undefined {
  const element = Object.keys(request).find(
    (key) => !elements.has(key) && request[key as keyof fhir4.ServiceRequest] !== undefined,
  );
  if (element !== undefined) return `no ${target} element for ServiceRequest.${element}`;
  if (hasExtension(request)) return `the ServiceRequest has extensions, which ${target} types differently`;
  const references = [request.subject, request.encounter, request.requester];
  const extra = references.some(
    (reference) =>
      reference !== undefined && Object.keys(reference).some((key) => !referenceElements.has(key)),
  );
  return extra ? `a reference of the ServiceRequest has elements ${target} lacks` : undefined;
}

function hasExtension(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasExtension);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(
    ([key, item]) => key === 'extension' || key === 'modifierExtension' || hasExtension(item),
  );
}
