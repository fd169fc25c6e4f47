import { setMaxListeners } from 'node:events';
import type { DataKey, DataKeyReader } from './data-keys';
import { FhirQueryError, type FhirQueryFailure } from '../errors';
import { isOnServer, type FhirRequester } from './fhir-client';
import { bundleResources, isFhirResource, nextLink, type FhirResource } from './prefetch';

export interface FetchLimits {
  /** Aborted at the hook's deadline (or when another required query failed). */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly maxPages: number;
}

/** One query the hook ran, for the request log and metrics; `medication`: one Medication read. */
export interface QueryTiming {
  readonly key: DataKey | 'medication';
  readonly ms: number;
  readonly pages: number;
  readonly outcome: 'ok' | FhirQueryFailure;
}

/**
 * The failure as the 412 names it: the kind, and for a redirect or a size limit what the EHR's
 * integrators can act on (register the final URL, raise the named limit).
 */
export function describeFailure(error: unknown): string {
  if (!(error instanceof FhirQueryError)) return 'network';
  return error.failure === 'redirect' || error.failure === 'too-large'
    ? `${error.failure}: ${error.message}`
    : error.failure;
}

export interface FetchResult {
  readonly resources: FhirResource[];
  readonly pages: number;
}

/**
 * Runs one prefetch template (tokens already filled) against the FHIR server. `next` links are
 * followed only for readers that need every page, at most `maxPages`, and only when they stay on
 * the server's own base URL: a link elsewhere would receive the access token.
 */
export async function fetchDataKey(
  requester: FhirRequester,
  baseUrl: string,
  query: string,
  reader: DataKeyReader,
  limits: FetchLimits,
): Promise<FetchResult> {
  const resources: FhirResource[] = [];
  let url: string | undefined = query;
  let pages = 0;
  while (url !== undefined) {
    if (pages === limits.maxPages) {
      throw new FhirQueryError('bad-response', `more than ${limits.maxPages} pages`);
    }
    const body = await getWithTimeout(requester, url, limits);
    pages += 1;
    if (!isFhirResource(body)) throw new FhirQueryError('bad-response', 'the answer is not a FHIR resource');
    if (body.resourceType === 'OperationOutcome') throw new FhirQueryError('bad-response', 'OperationOutcome');
    if (body.resourceType !== 'Bundle') {
      if (!reader.resourceTypes.includes(body.resourceType)) {
        throw new FhirQueryError('bad-response', `unexpected ${body.resourceType.slice(0, 64)}`);
      }
      resources.push(body);
      return { resources, pages };
    }
    resources.push(...bundleResources(body));
    const next = reader.pages === 'all' ? nextLink(body) : undefined;
    if (next !== undefined && !isOnServer(next, baseUrl)) {
      throw new FhirQueryError('bad-response', 'a next link points away from the FHIR server');
    }
    url = next;
  }
  return { resources, pages };
}

/**
 * One GET under the hook's signal and the per-query timeout. The timer is cleared when the answer
 * comes: an AbortSignal.timeout would stay armed for the full timeout after every query and build
 * a DOMException when it fired. The reason is the same TimeoutError. One controller that follows
 * the hook's signal rather than AbortSignal.any, which makes a second signal per query.
 */
export async function getWithTimeout(
  requester: FhirRequester,
  url: string,
  limits: Pick<FetchLimits, 'signal' | 'timeoutMs'>,
): Promise<unknown> {
  const { signal } = limits;
  const query = new AbortController();
  const timer = setTimeout(
    () => query.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    limits.timeoutMs,
  );
  timer.unref();
  const follow = (): void => query.abort(signal.reason);
  if (signal.aborted) follow();
  else {
    // A hook's queries all listen to its signal, more than the 10 Node warns about; each removes
    // its listener when done.
    setMaxListeners(0, signal);
    signal.addEventListener('abort', follow, { once: true });
  }
  try {
    return await requester.get(url, query.signal);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', follow);
  }
}

/**
 * What is left of the hook's deadline, as a signal with the same TimeoutError reason. `clear()`
 * when the queries are done, unlike an AbortSignal.timeout (see getWithTimeout).
 */
export function armDeadline(remainingMs: number): { readonly signal: AbortSignal; clear(): void } {
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    Math.max(0, remainingMs),
  );
  timer.unref();
  return { signal: deadline.signal, clear: () => clearTimeout(timer) };
}
