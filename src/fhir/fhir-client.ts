import { Agent, type Dispatcher } from 'undici';
import { FhirQueryError } from '../errors';
import type { ReadBudget } from './read-budget';

/**
 * The one way the service talks to an EHR's FHIR server: a GET with Node's fetch under an
 * AbortSignal, its answer read against the hook's byte budget, errors turned into FhirQueryError.
 *
 * - Redirects are never followed. A `Location` can name another host (SSRF, and cards computed
 *   from a stranger's answers) or a path on the same host outside the registered prefix, which
 *   the bearer token would reach. A 3xx is a failed query: register the server by its final URL.
 * - The answer is counted as it arrives and the request aborted — its socket closed, the rest
 *   never read — once it passes the budget (read-budget.ts); JSON.parse runs on complete answers
 *   only. Not fhir-kit-client: 1.9 reads every body whole with `response.text()` and takes no
 *   fetch of ours, so it could not stop an answer at a limit, and for a GET it added only the URL
 *   join and two headers.
 * - The token is sent only to URLs on the server's base (same origin, at or below its path).
 *   Callers check links before asking; this is the last gate before the header is set.
 */
export interface FhirServerAccess {
  readonly baseUrl: string;
  readonly accessToken: string | undefined;
  /** What the hook may still read; one budget is shared by every query of the hook. */
  readonly budget: ReadBudget;
}

export interface FhirRequester {
  /** GET a URL relative to the base, or an absolute URL on the same server. */
  get(url: string, signal: AbortSignal): Promise<unknown>;
}

export type FhirRequesterFactory = (server: FhirServerAccess) => FhirRequester;

/**
 * The sockets to each FHIR server (per origin), shared by every hook. Node's own fetch opens a
 * new socket whenever all are busy, without limit: 50 concurrent patient-views without prefetch
 * are ~600 queries at once, and a burst of hooks is a burst of sockets on the EHR's server. Here
 * a query waits for one of `connectionsPerOrigin` keep-alive sockets instead (pipelining 1: a
 * FHIR server is not expected to pipeline, and one slow answer would hold the queries behind it).
 * Waiting counts against the hook's deadline like the query itself. Default 128
 * (CDS_FHIR_CONNECTIONS): at 50 concurrent fallback hooks it served as many hooks per second as
 * no bound (129 sockets open instead of ~600); 32 served ~40 % as many (docs/deploy.md).
 */
export function createFhirDispatcher(connectionsPerOrigin: number): Dispatcher {
  return new Agent({ connections: connectionsPerOrigin, pipelining: 1 });
}

/** A requester factory whose queries share `dispatcher`'s sockets (one per process). */
export function fhirRequesterFactory(dispatcher: Dispatcher): FhirRequesterFactory {
  return (server) => createFhirRequester(server, dispatcher);
}

/** Without a dispatcher, Node's global one (unbounded sockets): for tests and one-off use. */
export function createFhirRequester(
  { baseUrl, accessToken, budget }: FhirServerAccess,
  dispatcher?: Dispatcher,
): FhirRequester {
  const headers: Record<string, string> =
    accessToken === undefined
      ? { accept: 'application/fhir+json' }
      : { accept: 'application/fhir+json', authorization: `Bearer ${accessToken}` };
  return {
    async get(url, signal) {
      const target = expandUrl(baseUrl, url);
      if (!isOnServer(target, baseUrl)) {
        throw new FhirQueryError('bad-response', 'a URL away from the FHIR server');
      }
      let response: Response | undefined;
      try {
        response = await fetch(target, {
          headers,
          redirect: 'manual',
          signal,
          // undici's own field of RequestInit; Node 20's fetch is undici 6, as is this Agent.
          ...(dispatcher === undefined ? {} : { dispatcher }),
        });
        return await readAnswer(response, budget);
      } catch (error) {
        // A refused answer's body is cancelled, which aborts the request: its socket closes
        // instead of draining. (One read partly already is: leaving the loop cancels it.) Not a
        // second AbortController per query: under fallback load making AbortSignals (Node 20
        // makes each one transferable) was a measurable share of the service's CPU (deploy.md).
        if (response?.body && !response.bodyUsed) void response.body.cancel().catch(() => undefined);
        throw toFhirQueryError(error, signal);
      }
    },
  };
}

async function readAnswer(response: Response, budget: ReadBudget): Promise<unknown> {
  const { status } = response;
  if (status >= 300 && status < 400) {
    throw new FhirQueryError('redirect', `HTTP ${status}; redirects are not followed`, status);
  }
  if (!response.ok) throw new FhirQueryError('http-status', `HTTP ${status}`, status);
  // A declared length is checked before a byte is read; a compressed one says nothing of the
  // inflated size, which the running count below bounds.
  const declared = Number(response.headers.get('content-length'));
  if (response.headers.get('content-encoding') === null && declared > 0) budget.expect(declared);
  // Node's fetch yields the body as bytes (undici's types leave the chunk type open).
  const body = response.body as ReadableStream<Uint8Array> | null;
  const chunks: Uint8Array[] = [];
  let length = 0;
  if (body !== null) {
    for await (const chunk of body) {
      length += chunk.byteLength;
      budget.spend(chunk.byteLength, length);
      chunks.push(chunk);
    }
  }
  try {
    return JSON.parse(new TextDecoder().decode(Buffer.concat(chunks, length)));
  } catch {
    throw new FhirQueryError('bad-response', `unreadable response (HTTP ${status})`, status);
  }
}

function toFhirQueryError(error: unknown, signal: AbortSignal): FhirQueryError {
  if (error instanceof FhirQueryError) return error;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof DOMException && reason.name === 'TimeoutError';
    return new FhirQueryError(timedOut ? 'timeout' : 'aborted', timedOut ? 'timed out' : 'aborted');
  }
  return new FhirQueryError('network', error instanceof Error ? error.name : 'request failed');
}

/** A URL relative to the base is joined to it with one `/`; an absolute one is kept. */
function expandUrl(baseUrl: string, url: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  return `${baseUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}

/** Same origin and under the base path (on a segment boundary). */
export function isOnServer(url: string, baseUrl: string): boolean {
  let target: URL;
  let base: URL;
  try {
    target = new URL(url);
    base = new URL(baseUrl);
  } catch {
    return false;
  }
  if (target.origin !== base.origin || target.username !== '' || target.password !== '') return false;
  const basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return `${target.pathname}/`.startsWith(basePath) || target.pathname === base.pathname;
}
