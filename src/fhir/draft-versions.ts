/**
 * The FHIR version each draft of an order hook is written in. clinical-rules.md §6: "A
 * suggestion's resources are in the FHIR version of the draft it answers". A CDS Hooks request
 * names no FHIR version, so the drafts' own shapes tell it: a resource type that exists only in
 * some versions, and for a MedicationRequest (STU3 and R4) the elements R4 renamed or added
 * (https://hl7.org/fhir/R4/medicationrequest.html, "R3 ↔ R4").
 */
import { collectResources, readDraftOrder } from './draft-orders';
import { DOSE_ON_DOSAGE_KEYS } from './r4-dosage';
import { asArray, isObject, type Json } from './r4-elements';

export type FhirVersion = 'DSTU2' | 'STU3' | 'R4';

const ANY_VERSION: readonly FhirVersion[] = ['DSTU2', 'STU3', 'R4'];

/**
 * Order resources that exist in some of the three versions only (the DSTU2, STU3 and R4
 * resource lists). Types of all three (NutritionOrder, CommunicationRequest, Medication …) and
 * unknown types say nothing about the version.
 */
const VERSIONS_OF_TYPE: ReadonlyMap<string, readonly FhirVersion[]> = new Map<string, readonly FhirVersion[]>(
  [
    ['MedicationOrder', ['DSTU2']],
    ['DiagnosticOrder', ['DSTU2']],
    ['DeviceUseRequest', ['DSTU2']],
    ['ProcedureRequest', ['DSTU2', 'STU3']],
    ['ReferralRequest', ['DSTU2', 'STU3']],
    ['MedicationRequest', ['STU3', 'R4']],
    ['DeviceRequest', ['STU3', 'R4']],
    ['ServiceRequest', ['R4']],
  ],
);

/** MedicationRequest elements R4 added (the R4 and STU3 element lists). */
const R4_ONLY_ELEMENTS = [
  'encounter',
  'statusReason',
  'doNotPerform',
  'reportedBoolean',
  'reportedReference',
  'performer',
  'performerType',
  'instantiatesCanonical',
  'instantiatesUri',
  'courseOfTherapyType',
  'insurance',
] as const;
/** MedicationRequest elements of STU3 that R4 renamed (`context` → `encounter`) or removed. */
const STU3_ONLY_ELEMENTS = ['context', 'definition'] as const;

/** A medication order draft as the EHR sent it, beside its R4 reading. */
export interface SentDraft {
  /** The draft exactly as received: a DSTU2 or STU3 update is this with new dosage instructions. */
  readonly raw: Json;
  /** Its R4 reading, the same as the record's draft (draft-orders.ts). */
  readonly order: fhir4.MedicationRequest;
  /** The versions its shape fits: one, or STU3 and R4 when no element tells them apart. */
  readonly versions: readonly FhirVersion[];
}

export interface SentDrafts {
  /** The medication order drafts, in the order the hook sent them. */
  readonly drafts: readonly SentDraft[];
  /** The versions every draft of the hook fits (any resource type); empty when they disagree. */
  readonly versions: readonly FhirVersion[];
}

/** The hook's drafts with their versions (`input` as draftOrdersOf returns it). Pure. */
export function readSentDrafts(input: unknown): SentDrafts {
  const drafts: SentDraft[] = [];
  let versions = ANY_VERSION;
  // Notes of reading were logged when the record was gathered: not twice.
  collectResources(input, []).forEach((resource, index) => {
    if (!isObject(resource)) return;
    const fits = versionsOfDraft(resource);
    versions = versions.filter((version) => fits.includes(version));
    const order = readDraftOrder(resource, index, []);
    if (order !== undefined) drafts.push({ raw: resource, order, versions: fits });
  });
  return { drafts, versions };
}

/**
 * The one version to write in, of those a draft (or every draft of a hook) fits. R4 when it is
 * one of them: the version of CDS Hooks 2.0 and of the service's own reading, kept for drafts
 * that could be STU3 or R4 alike. Undefined when the drafts fit no common version (a DSTU2
 * MedicationOrder beside an R4 ServiceRequest) or only two older ones (a lone ProcedureRequest).
 */
export function chooseVersion(versions: readonly FhirVersion[]): FhirVersion | undefined {
  if (versions.includes('R4')) return 'R4';
  return versions.length === 1 ? versions[0] : undefined;
}

function versionsOfDraft(resource: Json): readonly FhirVersion[] {
  const type = resource.resourceType;
  if (type === 'MedicationRequest') return versionsOfMedicationRequest(resource);
  return (typeof type === 'string' ? VERSIONS_OF_TYPE.get(type) : undefined) ?? ANY_VERSION;
}

/**
 * R4 as soon as one R4 element is present (the reading prefers them too: `encounter` over
 * `context`, `doseAndRate` over a dose on the Dosage); STU3 when an STU3 element is; both when
 * neither is, as for a draft sent before its dose was chosen.
 */
function versionsOfMedicationRequest(resource: Json): readonly FhirVersion[] {
  const dosages = (asArray(resource.dosageInstruction) ?? []).filter(isObject);
  const requester = isObject(resource.requester) ? resource.requester : undefined;
  const r4 =
    R4_ONLY_ELEMENTS.some((key) => isPresent(resource[key])) ||
    dosages.some((dosage) => isPresent(dosage.doseAndRate)) ||
    (requester !== undefined && !isPresent(requester.agent));
  if (r4) return ['R4'];
  const stu3 =
    STU3_ONLY_ELEMENTS.some((key) => isPresent(resource[key])) ||
    requester !== undefined ||
    dosages.some((dosage) => DOSE_ON_DOSAGE_KEYS.some((key) => isPresent(dosage[key])));
  return stu3 ? ['STU3'] : ['STU3', 'R4'];
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}
