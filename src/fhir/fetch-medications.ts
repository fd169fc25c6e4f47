import type { HookRequest } from '../cds-hooks/request';
import { FhirQueryError } from '../errors';
import type { PatientRecord } from '../logic/record/patient-record';
import { armDeadline, getWithTimeout, type QueryTiming } from './fetch-data-key';
import { isOnServer, type FhirRequesterFactory } from './fhir-client';
import type { ReadBudget } from './read-budget';
import { isFhirResource } from './prefetch';
import { readRecordMedication } from './read-record';

/**
 * Medications that orders reference but the record lacks. A FHIR server may ignore a search
 * parameter it does not support, `_include` too (https://hl7.org/fhir/R4/search.html, "Handling
 * Errors"), and a prefetch may leave the Medications out; an MMF order "4 TAB BID" whose
 * Medication is not read has no strength and stays silent. So each missing `Medication/{id}` is
 * read from fhirServer, in parallel, under what is left of the hook's deadline. Never a 412: an
 * order whose Medication cannot be read stays silent with a note, as any order whose
 * `medicationReference` does not resolve (docs/rules.md, "Classification").
 */

/** Reads per hook: one chart's distinct products, bounded so one hook never floods the EHR. */
export const MAX_MEDICATION_READS = 20;

export interface MedicationReadOptions {
  readonly requesterFactory: FhirRequesterFactory;
  readonly isFhirServerAllowed: (url: string) => boolean;
  /** What is left of the hook's deadline, in ms. */
  readonly remainingMs: number;
  readonly timeoutMs: number;
  /** The hook's byte budget: these reads draw on what the searches left. */
  readonly budget: ReadBudget;
  readonly now: () => number;
}

export interface MedicationReads {
  /** The record with the Medications read added. */
  readonly record: PatientRecord;
  readonly queries: QueryTiming[];
}

const NOT_READ = 'its orders stay silent';

export async function readReferencedMedications(
  request: HookRequest,
  record: PatientRecord,
  options: MedicationReadOptions,
  notes: string[],
): Promise<MedicationReads> {
  const { fhirServer } = request;
  const ids = missingMedicationIds(record, fhirServer, notes);
  if (ids.length === 0) return { record, queries: [] };
  if (fhirServer === undefined || !options.isFhirServerAllowed(fhirServer)) {
    // Unlike a missing search, a missing Medication is no 412 (see above): the orders stay silent.
    const why =
      fhirServer === undefined
        ? 'not in the record and no fhirServer'
        : 'the fhirServer is not one this client may use';
    for (const _id of ids) notes.push(`Medication not read: ${why}; ${NOT_READ}`);
    return { record, queries: [] };
  }
  for (const _id of ids.slice(MAX_MEDICATION_READS)) {
    notes.push(`Medication not read: more than ${MAX_MEDICATION_READS} to read in one hook; ${NOT_READ}`);
  }

  const requester = options.requesterFactory({
    baseUrl: fhirServer,
    accessToken: request.fhirAuthorization?.access_token,
    budget: options.budget,
  });
  const deadline = armDeadline(options.remainingMs);
  const queries: QueryTiming[] = [];
  const readOne = async (id: string): Promise<fhir4.Medication | undefined> => {
    const started = options.now();
    try {
      const body = await getWithTimeout(requester, `Medication/${id}`, {
        signal: deadline.signal,
        timeoutMs: options.timeoutMs,
      });
      // An OperationOutcome, a Bundle or another Medication is not an answer to this read.
      if (!isFhirResource(body) || body.resourceType !== 'Medication' || body.id !== id) {
        throw new FhirQueryError('bad-response', 'not the Medication asked for');
      }
      queries.push({ key: 'medication', ms: options.now() - started, pages: 1, outcome: 'ok' });
      return readRecordMedication(body);
    } catch (error) {
      const failure = error instanceof FhirQueryError ? error.failure : 'network';
      queries.push({ key: 'medication', ms: options.now() - started, pages: 0, outcome: failure });
      notes.push(`Medication read: ${failure}; ${NOT_READ}`);
      return undefined;
    }
  };
  let read: (fhir4.Medication | undefined)[];
  try {
    read = await Promise.all(ids.slice(0, MAX_MEDICATION_READS).map(readOne));
  } finally {
    deadline.clear();
  }
  const medications = read.filter((medication) => medication !== undefined);
  return { record: { ...record, medications: [...record.medications, ...medications] }, queries };
}

// FHIR R4 id (https://hl7.org/fhir/R4/datatypes.html#id); the `_history` tail is what
// src/logic/vocabulary/classify-medication.ts accepts, and reading the id gives its current version.
const TAIL = /(?:^|\/)Medication\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;
const RELATIVE = /^Medication\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/**
 * Ids of the `Medication/{id}` that orders reference and the record lacks, each once: the drafts'
 * first, then current orders, then the history — so the orders being signed and the current
 * therapy come first within the cap. Contained (`#id`) and present Medications resolve without a
 * read. Only `Medication/{id}` on fhirServer itself is read: another host would receive the
 * token; those references are noted.
 */
function missingMedicationIds(
  record: PatientRecord,
  fhirServer: string | undefined,
  notes: string[],
): string[] {
  const present = new Set(record.medications.map((medication) => medication.id));
  const current = (order: fhir4.MedicationRequest): boolean =>
    order.status === 'active' || order.status === 'on-hold';
  const orders = [
    ...record.draftOrders,
    ...record.medicationRequests.filter(current),
    ...record.medicationRequests.filter((order) => !current(order)),
  ];
  const ids: string[] = [];
  for (const order of orders) {
    const reference = order.medicationReference?.reference;
    if (reference === undefined || reference.startsWith('#')) continue;
    const tail = TAIL.exec(reference)?.[1];
    if (tail !== undefined && present.has(tail)) continue;
    const id = medicationIdOnServer(reference, fhirServer);
    if (id === undefined) {
      notes.push(`Medication not read: the reference is not Medication/{id} on the fhirServer; ${NOT_READ}`);
      continue;
    }
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

function medicationIdOnServer(reference: string, fhirServer: string | undefined): string | undefined {
  const relative = RELATIVE.exec(reference)?.[1];
  if (relative !== undefined) return relative;
  if (fhirServer === undefined || !isOnServer(reference, fhirServer)) return undefined;
  const target = new URL(reference);
  if (target.search !== '' || target.hash !== '') return undefined;
  const basePath = new URL(fhirServer).pathname.replace(/\/?$/, '/');
  return RELATIVE.exec(target.pathname.slice(basePath.length))?.[1];
}
