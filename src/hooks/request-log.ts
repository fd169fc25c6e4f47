import type { Request, Response } from 'express';
import type { Logger } from '../logger';

/**
 * The one line per finished request: request id (on the child logger), service, hookInstance,
 * status, duration, FHIR query timings. Never a body, a header value, a token or a patient
 * identifier beyond what the route itself names.
 */
export function logRequest(req: Request, res: Response, durationMs: number): void {
  const log = res.locals.logger as Logger;
  log.log(res.statusCode >= 500 ? 'error' : 'info', 'request', {
    method: req.method,
    route: routeOf(req.path),
    status: res.statusCode,
    durationMs: Math.round(durationMs * 10) / 10,
    ...(typeof res.locals.serviceId === 'string' ? { serviceId: res.locals.serviceId } : {}),
    ...(typeof res.locals.hookInstance === 'string' ? { hookInstance: res.locals.hookInstance } : {}),
    ...(Array.isArray(res.locals.fhirQueries) ? { fhirQueries: res.locals.fhirQueries as unknown[] } : {}),
    ...(typeof res.locals.cardCount === 'number' ? { cards: res.locals.cardCount } : {}),
    ...(typeof res.locals.errorCode === 'string' ? { errorCode: res.locals.errorCode } : {}),
  });
}

/** The path with anything unexpected cut short, so a hostile URL cannot flood the log. */
function routeOf(path: string): string {
  return path.length > 120 ? `${path.slice(0, 120)}…` : path;
}
