import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * Response headers for a JSON API that answers with patient-specific advice (docs/security.md,
 * "Transport and browser"; OWASP Secure Headers).
 * helmet's defaults plus: a CSP that lets nothing load or frame the responses, and `no-store`
 * so that no shared or browser cache keeps a card about a patient.
 *
 * helmet computes the same headers for every request (none of these options depends on it), so
 * they are taken from helmet once at start-up and set by the request observer, the first layer of
 * every request: helmet itself is a chain of a dozen middlewares run on every request, where
 * setting the 14 headers costs ~3 µs (docs/performance.md).
 */
export const HELMET_OPTIONS: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
  },
  // Browsers reach us through CORS (the Sandbox); CORP must not block those responses.
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  referrerPolicy: { policy: 'no-referrer' },
};

/** The headers, taken from helmet once; request-observer.ts sets them on every response. */
export function securityHeaders(): readonly (readonly [string, string])[] {
  const headers = headersSetBy(helmet(HELMET_OPTIONS));
  headers.push(['Cache-Control', 'no-store']);
  return headers;
}

type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Runs a header-only middleware once against a recording response; throws if it does anything else. */
function headersSetBy(middleware: NodeMiddleware): [string, string][] {
  const headers = new Map<string, [string, string]>();
  const recorder = {
    setHeader(name: string, value: unknown): void {
      headers.set(name.toLowerCase(), [name, String(value)]);
    },
    // helmet's X-Powered-By removal; the app disables that header itself.
    removeHeader(name: string): void {
      headers.delete(name.toLowerCase());
    },
  };
  let nextCalled = false;
  middleware({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    if (error !== undefined) throw error instanceof Error ? error : new Error('security headers failed');
    nextCalled = true;
  });
  if (!nextCalled) throw new Error('security headers: the middleware did not complete synchronously');
  return [...headers.values()];
}
