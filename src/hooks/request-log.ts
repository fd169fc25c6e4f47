import type { Request, Response } from 'express';
import type { Logger } from '../logging/logger';

/**
 * The one line per finished request: request id, service, hookInstance, status, duration, FHIR
 * query timings. Never a body, a header value, a token or a patient identifier beyond what the
 * route itself names. The line names its request id itself rather than through a child logger
 * (request-observer.ts makes one only for requests that log more).
 */
export function logRequest(logger: Logger, req: Request, res: Response, durationMs: number): void {
  const { requestId, serviceId, hookInstance, fhirQueries, cardCount, errorCode } = res.locals;
  // Absent values are undefined, which the JSON line leaves out.
  const line: Record<string, unknown> = {
    requestId: typeof requestId === 'string' ? requestId : undefined,
    method: req.method,
    route: routeOf(req.path),
    status: res.statusCode,
    durationMs: Math.round(durationMs * 10) / 10,
    serviceId: typeof serviceId === 'string' ? serviceId : undefined,
    hookInstance: typeof hookInstance === 'string' ? hookInstance : undefined,
    fhirQueries: Array.isArray(fhirQueries) ? (fhirQueries as unknown[]) : undefined,
    cards: typeof cardCount === 'number' ? cardCount : undefined,
    errorCode: typeof errorCode === 'string' ? errorCode : undefined,
  };
  logger.log(levelOf(res.statusCode), 'request', line);
}

/**
 * 5xx are failures of ours (error), except 503: the store's outage, logged once as a warning when
 * it starts (store-health.ts), of which each refused request is a consequence, not a new fault.
 */
function levelOf(status: number): 'error' | 'warn' | 'info' {
  if (status === 503) return 'warn';
  return status >= 500 ? 'error' : 'info';
}

/** The path with anything unexpected cut short, so a hostile URL cannot flood the log. */
function routeOf(path: string): string {
  return path.length > 120 ? `${path.slice(0, 120)}…` : path;
}
