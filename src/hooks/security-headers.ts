import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Response headers for a JSON API that answers with patient-specific advice (issue 4 §6).
 * helmet's defaults plus: a CSP that lets nothing load or frame the responses, and `no-store`
 * so that no shared or browser cache keeps a card about a patient.
 */
export function createSecurityHeaders(): RequestHandler[] {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
    // Browsers reach us through CORS (the Sandbox); CORP must not block those responses.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  const noStore: RequestHandler = (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  return [headers, noStore];
}
