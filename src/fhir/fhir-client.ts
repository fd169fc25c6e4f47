import Client from 'fhir-kit-client';
import { FhirQueryError } from '../errors';

/**
 * The one way the service talks to an EHR's FHIR server: fhir-kit-client underneath, an
 * AbortSignal on every request, errors turned into FhirQueryError. The bearer token is handed to
 * fhir-kit-client only; callers check every URL is on the server before asking for it.
 */
export interface FhirServerAccess {
  readonly baseUrl: string;
  readonly accessToken?: string;
}

export interface FhirRequester {
  /** GET a URL relative to the base, or an absolute URL on the same server. */
  get(url: string, signal: AbortSignal): Promise<unknown>;
}

export type FhirRequesterFactory = (server: FhirServerAccess) => FhirRequester;

export const createFhirKitRequester: FhirRequesterFactory = ({ baseUrl, accessToken }) => {
  const client = new Client({ baseUrl, ...(accessToken === undefined ? {} : { bearerToken: accessToken }) });
  return {
    async get(url, signal) {
      try {
        return await client.request(url, { options: { signal } });
      } catch (error) {
        throw toFhirQueryError(error, signal);
      }
    },
  };
};

/** fhir-kit-client throws plain `{ response: { status } }` objects for HTTP errors and bad JSON. */
function toFhirQueryError(error: unknown, signal: AbortSignal): FhirQueryError {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof DOMException && reason.name === 'TimeoutError';
    return new FhirQueryError(timedOut ? 'timeout' : 'aborted', timedOut ? 'timed out' : 'aborted');
  }
  const status = (error as { response?: { status?: unknown } } | null)?.response?.status;
  if (typeof status === 'number') {
    return status >= 200 && status < 300
      ? new FhirQueryError('bad-response', `unreadable response (HTTP ${status})`, status)
      : new FhirQueryError('http-status', `HTTP ${status}`, status);
  }
  return new FhirQueryError('network', error instanceof Error ? error.name : 'request failed');
}
