import { CdsError, FhirQueryError } from '../errors';
import type { HookRequest } from '../cds-hooks/request';
import type { HookName, OptionalData, PatientRecord } from '../logic/record/patient-record';
import { draftOrdersOf, normaliseDraftOrders } from './draft-orders';
import { DATA_KEYS, isDataKey, type DataKey } from './data-keys';
import { armDeadline, describeFailure, fetchDataKey, type QueryTiming } from './fetch-data-key';
import { readReferencedMedications } from './fetch-medications';
import type { FhirRequesterFactory } from './fhir-client';
import { createReadBudget, type ReadBudget, type ReadLimits } from './read-budget';
import { readPrefetchValue, type FhirResource } from './prefetch';
import {
  readAllergyIntolerance,
  readCondition,
  readObservation,
  readPatient,
  readRecordMedication,
  readRecordMedicationRequest,
} from './read-record';

export interface GatherOptions {
  readonly hook: HookName;
  /** The service's prefetch templates: what to read, and how to ask the FHIR server for it. */
  readonly templates: Readonly<Record<string, string>>;
  readonly requesterFactory: FhirRequesterFactory;
  /** Whether `fhirServer` may be contacted (allowlist of the authenticated client). */
  readonly isFhirServerAllowed: (url: string) => boolean;
  /**
   * The hook's deadline in ms from the start of gathering; aborts every outstanding query. The
   * timer is only armed when a query is needed: an armed AbortSignal.timeout outlives the
   * request and builds a DOMException when it fires, for every fully prefetched hook too.
   */
  readonly deadlineMs: number;
  readonly timeoutMs: number;
  readonly maxPages: number;
  /** Bytes read per answer and per hook (CDS_FHIR_MAX_RESPONSE, CDS_FHIR_MAX_PER_HOOK). */
  readonly readLimits: ReadLimits;
  readonly now: () => number;
}

export interface GatheredRecord {
  readonly record: PatientRecord;
  /** Why data was left out or fetched; for the debug log, no PHI. */
  readonly notes: string[];
  readonly queries: QueryTiming[];
}

/**
 * "Gather, then decide": one typed record from the prefetch, completed by parallel FHIR queries
 * for what is missing or failed. Data a rule needs that can be had neither way is a 412 — never
 * a card computed from half the record (a missing trough must not read as "no trough"). Then the
 * Medications the orders reference and the record lacks are read (fetch-medications.ts).
 */
export async function gatherPatientRecord(
  request: HookRequest,
  options: GatherOptions,
): Promise<GatheredRecord> {
  const started = options.now();
  const notes: string[] = [];
  const found = new Map<DataKey, readonly FhirResource[]>();
  const missing: DataKey[] = [];
  for (const key of Object.keys(options.templates)) {
    if (!isDataKey(key)) continue;
    const value = request.prefetch?.[key];
    if (value === undefined) {
      missing.push(key);
      continue;
    }
    const read = readPrefetchValue(value);
    if (read.kind === 'unavailable') {
      notes.push(`prefetch ${key}: ${read.reason}`);
      missing.push(key);
    } else if (!read.complete && DATA_KEYS[key].pages === 'all') {
      notes.push(`prefetch ${key}: the Bundle has a next page; reading the whole result`);
      missing.push(key);
    } else {
      found.set(key, read.resources);
    }
  }

  const budget = createReadBudget(options.readLimits);
  const queries =
    missing.length === 0 ? [] : await fetchMissing(request, missing, options, budget, started, found, notes);
  const medications = await readReferencedMedications(
    request,
    assembleRecord(request, options.hook, found, notes),
    { ...options, budget, remainingMs: options.deadlineMs - (options.now() - started) },
    notes,
  );
  return { record: medications.record, notes, queries: [...queries, ...medications.queries] };
}

async function fetchMissing(
  request: HookRequest,
  missing: readonly DataKey[],
  options: GatherOptions,
  budget: ReadBudget,
  gatherStarted: number,
  found: Map<DataKey, readonly FhirResource[]>,
  notes: string[],
): Promise<QueryTiming[]> {
  const required = missing.filter((key) => DATA_KEYS[key].required);
  const { fhirServer } = request;
  if (fhirServer === undefined) {
    if (required.length > 0) {
      throw new CdsError(
        'data-unavailable',
        `Needed data was not prefetched and no fhirServer was given: ${required.join(', ')}`,
      );
    }
    notes.push(`not prefetched, no fhirServer: ${missing.join(', ')}`);
    return [];
  }
  if (!options.isFhirServerAllowed(fhirServer)) {
    throw new CdsError(
      'fhir-server-not-allowed',
      'The fhirServer is not one this service may contact for this client',
    );
  }

  const requester = options.requesterFactory({
    baseUrl: fhirServer,
    accessToken: request.fhirAuthorization?.access_token,
    budget,
  });
  const deadline = armDeadline(options.deadlineMs - (options.now() - gatherStarted));
  const batch = new AbortController();
  const signal = AbortSignal.any([deadline.signal, batch.signal]);
  const queries: QueryTiming[] = [];
  const runOne = async (key: DataKey): Promise<void> => {
    const started = options.now();
    const reader = DATA_KEYS[key];
    try {
      const query = fillTemplate(options.templates[key] ?? '', request);
      const result = await fetchDataKey(requester, fhirServer, query, reader, {
        signal,
        timeoutMs: options.timeoutMs,
        maxPages: options.maxPages,
      });
      queries.push({ key, ms: options.now() - started, pages: result.pages, outcome: 'ok' });
      found.set(key, result.resources);
    } catch (error) {
      const failure = error instanceof FhirQueryError ? error.failure : 'network';
      queries.push({ key, ms: options.now() - started, pages: 0, outcome: failure });
      if (!reader.required) {
        // clinical-rules-wave2.md §2: a failed optional key silences only the rules that read it.
        notes.push(`fhir ${key}: ${failure}; unavailable, the rules that read it stay silent`);
        return;
      }
      if (deadline.signal.aborted) {
        throw new CdsError('deadline-exceeded', `The FHIR server did not answer in time (${key})`, {
          cause: error,
        });
      }
      const why = describeFailure(error);
      throw new CdsError('data-unavailable', `Could not read ${key} from the FHIR server (${why})`, {
        cause: error,
      });
    }
  };
  try {
    await Promise.all(missing.map(runOne));
  } catch (error) {
    // One failed query makes the record unusable: stop the others instead of leaving them running.
    // Only then: after a success none is running, and an abort walks every query's listeners.
    batch.abort();
    throw error;
  } finally {
    deadline.clear();
  }
  return queries;
}

/** CDS Hooks 2.0 prefetch tokens; values are URL-encoded. */
export function fillTemplate(template: string, request: HookRequest): string {
  const practitioner = request.context.userId?.startsWith('Practitioner/')
    ? request.context.userId.slice('Practitioner/'.length)
    : '';
  return template
    .replaceAll('{{context.patientId}}', encodeURIComponent(request.context.patientId))
    .replaceAll('{{userPractitionerId}}', encodeURIComponent(practitioner));
}

function assembleRecord(
  request: HookRequest,
  hook: HookName,
  found: ReadonlyMap<DataKey, readonly FhirResource[]>,
  notes: string[],
): PatientRecord {
  const { patientId } = request.context;
  const isAboutPatient = subjectTest(patientId);
  // One pass per kind checks type, repeats and patient; the note about other patients comes
  // before the notes of reading. A resource met twice (Observations come from several keys, and
  // an EHR may repeat an entry within one Bundle) is one resource: read once.
  const readOwn = <T>(
    keys: readonly DataKey[],
    type: string,
    what: string,
    read: (raw: FhirResource, index: number) => T,
  ): T[] => {
    const own: FhirResource[] = [];
    const seen = new Set<string>();
    let others = 0;
    for (const key of keys) {
      for (const resource of found.get(key) ?? []) {
        if (resource.resourceType !== type) continue;
        if (resource.id !== undefined) {
          if (seen.has(resource.id)) continue;
          seen.add(resource.id);
        }
        if (isAboutPatient(resource)) own.push(resource);
        else others += 1;
      }
    }
    if (others > 0) notes.push(`${what}: left out ${others} of another patient`);
    return own.map(read);
  };
  const drafts = normaliseDraftOrders(draftOrdersOf(hook, request.context));
  notes.push(...drafts.notes);
  const patient = found.get('patient')?.find((resource) => resource.resourceType === 'Patient');
  const conditions = readOwn(['conditions'], 'Condition', 'conditions', readCondition);
  const medicationRequests = readOwn(['medications'], 'MedicationRequest', 'medications', (raw, index) =>
    readRecordMedicationRequest(raw, index, notes),
  );
  const medications: fhir4.Medication[] = [];
  for (const resource of found.get('medications') ?? []) {
    if (resource.resourceType === 'Medication') medications.push(readRecordMedication(resource));
  }
  medications.push(...drafts.medications);
  const unavailable = new Set<OptionalData>();
  for (const key of OPTIONAL_DATA) {
    if (!found.has(key)) unavailable.add(key);
  }
  return {
    hook,
    patientId,
    ...(patient ? { patient: readPatient(patient) } : {}),
    conditions,
    medicationRequests,
    medications,
    observations: readOwn(OBSERVATION_KEYS, 'Observation', 'observations', readObservation),
    allergies: readOwn(['allergies'], 'AllergyIntolerance', 'allergies', readAllergyIntolerance),
    unavailable,
    draftOrders: drafts.orders,
    ...(request.context.selections ? { selections: request.context.selections } : {}),
  };
}

const OBSERVATION_KEYS: readonly DataKey[] = [
  'tacrolimus',
  'mpaTrough',
  'mpaAuc',
  'egfr',
  'weight',
  'pregnancy',
  'creatinine',
  'egfrHistory',
];

/** The keys a rule can do without; read neither way, they are listed as unavailable. */
const OPTIONAL_DATA: readonly (DataKey & OptionalData)[] = ['patient', 'allergies', 'pregnancy', 'creatinine', 'egfrHistory'];

/** A resource whose subject names another patient is not this patient's data (an EHR bug). */
function subjectTest(patientId: string): (resource: FhirResource) => boolean {
  const own = `Patient/${patientId}`;
  const ownAbsolute = `/${own}`;
  return (resource) => {
    const subject = resource.subject as { reference?: unknown } | undefined;
    const reference = subject?.reference;
    if (typeof reference !== 'string') return true;
    return reference === own || reference.endsWith(ownAbsolute);
  };
}
