/**
 * Suggestions written in the FHIR version of the draft they answer (clinical-rules.md §6: "the
 * update of a DSTU2 `MedicationOrder` is a DSTU2 `MedicationOrder`, of an STU3
 * `MedicationRequest` an STU3 one; a new laboratory order is a DSTU2 `DiagnosticOrder`, an STU3
 * `ProcedureRequest` or an R4 `ServiceRequest` (R4 in patient-view). Where no valid resource of
 * that version can be built, the card has no suggestion.").
 *
 * The rules work in R4 only; the hook handler passes their cards through here after decide().
 * - An `update` answers the one draft of the hook that it equals in every element but the dosage
 *   instructions. R4: as the rules wrote it. DSTU2 / STU3: the draft as the EHR sent it, every
 *   element kept, with only the Dosage elements the rules changed rewritten in that version's
 *   shape (dose[x] and rate[x] on the Dosage itself, under the name the EHR used).
 * - A `delete` names the draft in the resource type the EHR sent (DSTU2: `MedicationOrder/<id>`).
 * - A `create` is written in the version of the hook's drafts (lab-order-versions.ts); R4 without
 *   drafts. *Choice*: drafts of different versions give no `create`, as no single version is
 *   the EHR's.
 * - A `delete` names the draft it removes with that draft's own resource type (a DSTU2
 *   `MedicationOrder/<id>`).
 * A suggestion with an action that cannot be written is left out, with a note; the card stays,
 * without `suggestions` and `selectionBehavior` when none is left.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CdsAction, CdsCard, CdsSuggestion } from '../logic/cards/cards';
import { chooseVersion, type FhirVersion, type SentDraft, type SentDrafts } from './draft-versions';
import { expressLabOrder, type Expressed, type LabOrder } from './lab-order-versions';
import { asArray, isObject, type Json } from './r4-elements';

/** An R4 resource, a lab order of another version, or a draft as the EHR sent it. */
export type SuggestedResource = fhir4.Resource | LabOrder | Json;
export type VersionedAction = Omit<CdsAction, 'resource'> & { resource?: SuggestedResource };
export type VersionedSuggestion = Omit<CdsSuggestion, 'actions'> & { actions?: VersionedAction[] };
export type VersionedCard = Omit<CdsCard, 'suggestions'> & { suggestions?: VersionedSuggestion[] };

export interface VersionedCards {
  readonly cards: VersionedCard[];
  /** Suggestions left out and why: for the debug log, never PHI. */
  readonly notes: string[];
}

/** The Dosage elements a dose proposal rewrites (propose-dose.ts); any other change is refused. */
const REWRITTEN_DOSAGE_ELEMENTS: ReadonlySet<string> = new Set(['text', 'patientInstruction', 'doseAndRate']);
/** An R4 doseAndRate entry's dose[x] / rate[x]: the same names on a DSTU2 / STU3 Dosage. */
const DOSE_AND_RATE_ELEMENTS = [
  'doseQuantity',
  'doseRange',
  'rateQuantity',
  'rateRatio',
  'rateRange',
] as const;

export function expressSuggestionsInDraftVersions(
  cards: readonly CdsCard[],
  sent: SentDrafts,
): VersionedCards {
  const notes: string[] = [];
  const versioned = cards.map((card): VersionedCard => {
    if (card.suggestions === undefined) return card;
    const suggestions = card.suggestions.flatMap((suggestion): VersionedSuggestion[] => {
      if (suggestion.actions === undefined) return [suggestion];
      const actions: VersionedAction[] = [];
      for (const action of suggestion.actions) {
        const expressed = expressAction(action, sent);
        if (!expressed.ok) {
          notes.push(`${card.source.topic?.code ?? 'card'}: suggestion left out, ${expressed.reason}`);
          return [];
        }
        actions.push(expressed.resource);
      }
      return [{ ...suggestion, actions }];
    });
    return suggestions.length > 0
      ? { ...card, suggestions }
      : { ...card, suggestions: undefined, selectionBehavior: undefined };
  });
  return { cards: versioned, notes };
}

function expressAction(action: CdsAction, sent: SentDrafts): Expressed<VersionedAction> {
  if (action.type === 'delete') return expressDelete(action, sent);
  const { resource } = action;
  const expressed =
    resource === undefined
      ? ({ ok: true, resource } as const)
      : action.type === 'update' && resource.resourceType === 'MedicationRequest'
        ? expressUpdate(resource as fhir4.MedicationRequest, sent)
        : expressCreate(resource, chooseVersion(sent.versions));
  return expressed.ok ? { ok: true, resource: { ...action, resource: expressed.resource } } : expressed;
}

/**
 * A `delete` names the draft by its relative reference in the type the EHR sent: a DSTU2 draft is
 * a `MedicationOrder/<id>` (the rules read it as an R4 MedicationRequest), an STU3 or R4 one a
 * `MedicationRequest/<id>`. A reference that no single draft of the hook answers is left out.
 */
function expressDelete(action: CdsAction, sent: SentDrafts): Expressed<VersionedAction> {
  const id = action.resourceId?.startsWith('MedicationRequest/')
    ? action.resourceId.slice('MedicationRequest/'.length)
    : undefined;
  const answered = sent.drafts.filter((draft) => id !== undefined && draft.order.id === id);
  const [draft] = answered;
  if (draft === undefined || answered.length > 1 || typeof draft.raw.resourceType !== 'string') {
    return { ok: false, reason: 'the delete does not name exactly one draft of the hook' };
  }
  return { ok: true, resource: { ...action, resourceId: `${draft.raw.resourceType}/${id ?? ''}` } };
}

function expressCreate(
  resource: fhir4.Resource,
  version: FhirVersion | undefined,
): Expressed<SuggestedResource> {
  if (version === undefined) return { ok: false, reason: "the hook's drafts are of different FHIR versions" };
  if (resource.resourceType === 'ServiceRequest') {
    return expressLabOrder(resource as fhir4.ServiceRequest, version);
  }
  return version === 'R4'
    ? { ok: true, resource }
    : { ok: false, reason: `no ${version} ${resource.resourceType}` };
}

function expressUpdate(proposed: fhir4.MedicationRequest, sent: SentDrafts): Expressed<SuggestedResource> {
  const answered = sent.drafts.filter((draft) => isSameApartFromDosage(draft.order, proposed));
  const [draft] = answered;
  if (draft === undefined || answered.length > 1) {
    // Not one draft to rebuild: only a hook whose drafts are all R4-shaped takes the R4 update.
    return chooseVersion(sent.versions) === 'R4'
      ? { ok: true, resource: proposed }
      : { ok: false, reason: 'the update does not answer exactly one draft of the hook' };
  }
  const version = chooseVersion(draft.versions);
  if (version === 'R4') return { ok: true, resource: proposed };
  if (version === undefined) return { ok: false, reason: 'the version of the draft is unknown' };
  const dosages = rewriteDosages(draft, proposed.dosageInstruction ?? [], version);
  if (!dosages.ok) return dosages;
  return { ok: true, resource: { ...draft.raw, dosageInstruction: dosages.resource } };
}

function rewriteDosages(
  draft: SentDraft,
  proposed: readonly fhir4.Dosage[],
  version: FhirVersion,
): Expressed<Json[]> {
  const raw = asArray(draft.raw.dosageInstruction) ?? [];
  const read = draft.order.dosageInstruction ?? [];
  // The reading drops an unreadable entry: then the raw and read entries no longer pair up.
  if (raw.length !== read.length || proposed.length !== read.length) {
    return { ok: false, reason: 'the draft has dosage instructions that could not be read' };
  }
  const dosages: Json[] = [];
  for (const [index, rawDosage] of raw.entries()) {
    const readDosage = read[index];
    const proposedDosage = proposed[index];
    if (!isObject(rawDosage) || readDosage === undefined || proposedDosage === undefined) {
      return { ok: false, reason: 'the draft has dosage instructions that could not be read' };
    }
    const rewritten = isSameJson(readDosage, proposedDosage)
      ? ({ ok: true, resource: rawDosage } as const)
      : rewriteDosage(rawDosage, readDosage, proposedDosage, version);
    if (!rewritten.ok) return rewritten;
    dosages.push(rewritten.resource);
  }
  return { ok: true, resource: dosages };
}

/**
 * The EHR's Dosage with the elements the proposal changed: `text` and `patientInstruction` (their
 * `_` extensions go with the old value), dose[x] / rate[x] from the one doseAndRate entry.
 */
function rewriteDosage(
  raw: Json,
  read: fhir4.Dosage,
  proposed: fhir4.Dosage,
  version: FhirVersion,
): Expressed<Json> {
  const changed = changedKeys(read, proposed);
  const unwritten = changed.find((key) => !REWRITTEN_DOSAGE_ELEMENTS.has(key));
  if (unwritten !== undefined) return { ok: false, reason: `no ${version} rewrite of Dosage.${unwritten}` };
  // DSTU2 has no patientInstruction (it may only go); an R4 doseAndRate in an older draft is
  // neither version's shape.
  if ((version === 'DSTU2' && proposed.patientInstruction !== undefined) || raw.doseAndRate !== undefined) {
    return { ok: false, reason: `no ${version} form of the proposed dosage` };
  }
  const replaced = new Map<string, unknown>();
  const removed = new Set<string>();
  for (const key of ['text', 'patientInstruction'] as const) {
    if (!changed.includes(key)) continue;
    replaced.set(key, proposed[key]);
    removed.add(`_${key}`);
  }
  if (changed.includes('doseAndRate')) {
    const dose = rewriteDose(raw, read.doseAndRate ?? [], proposed.doseAndRate ?? [], version);
    if (!dose.ok) return dose;
    for (const [key, value] of dose.resource) replaced.set(key, value);
  }
  // In the EHR's order of elements; a null prototype keeps a `__proto__` key a plain property.
  const dosage = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    const value = replaced.has(key) ? replaced.get(key) : raw[key];
    replaced.delete(key);
    if (!removed.has(key) && value !== undefined) dosage[key] = value;
  }
  for (const [key, value] of replaced) if (value !== undefined) dosage[key] = value;
  return { ok: true, resource: dosage };
}

/** The dose[x] / rate[x] values that changed, by their name on the EHR's Dosage. */
function rewriteDose(
  raw: Json,
  read: readonly fhir4.DosageDoseAndRate[],
  proposed: readonly fhir4.DosageDoseAndRate[],
  version: FhirVersion,
): Expressed<Map<string, unknown>> {
  const [before] = read;
  const [after] = proposed;
  if (read.length > 1 || proposed.length > 1 || after?.type !== undefined) {
    return { ok: false, reason: `no ${version} form of several or typed doses` };
  }
  const values = new Map<string, unknown>();
  for (const key of DOSE_AND_RATE_ELEMENTS) {
    const value = after?.[key];
    if (isSameJson(before?.[key], value)) continue;
    // STU3 added rateQuantity; SimpleQuantity (a dose) has no comparator.
    if (
      (key === 'rateQuantity' && version === 'DSTU2') ||
      (key === 'doseQuantity' && after?.doseQuantity?.comparator !== undefined)
    ) {
      return { ok: false, reason: `no ${version} form of the proposed ${key}` };
    }
    if (key !== 'doseQuantity') {
      values.set(key, value);
      continue;
    }
    // A dose the EHR sent as `doseSimpleQuantity` (the name the STU3 page shows) comes back so;
    // the other name never keeps the old dose.
    const [name, other] =
      raw.doseQuantity === undefined && raw.doseSimpleQuantity !== undefined
        ? (['doseSimpleQuantity', 'doseQuantity'] as const)
        : (['doseQuantity', 'doseSimpleQuantity'] as const);
    values.set(name, value);
    values.set(other, undefined);
  }
  return { ok: true, resource: values };
}

function isSameApartFromDosage(order: fhir4.MedicationRequest, proposed: fhir4.MedicationRequest): boolean {
  const { dosageInstruction: _read, ...orderRest } = order;
  const { dosageInstruction: _proposed, ...proposedRest } = proposed;
  return isSameJson(orderRest, proposedRest);
}

function changedKeys(read: fhir4.Dosage, proposed: fhir4.Dosage): string[] {
  const keys = new Set([...Object.keys(read), ...Object.keys(proposed)]);
  return [...keys].filter(
    (key) => !isSameJson(read[key as keyof fhir4.Dosage], proposed[key as keyof fhir4.Dosage]),
  );
}

/** Equal as JSON: an element set to undefined is an absent one, key order does not count. */
function isSameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(asJson(a), asJson(b));
}

function asJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}
