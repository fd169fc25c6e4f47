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
  // Assigned one by one, not spread in: V8 builds an object literal with spreads on a slow path,
  // and this runs for every request (bench/, issue 5).
  const line: Record<string, unknown> = {
    requestId: typeof requestId === 'string' ? requestId : undefined,
    method: req.method,
    route: routeOf(req.path),
    status: res.statusCode,
    durationMs: Math.round(durationMs * 10) / 10,
  };
  if (typeof serviceId === 'string') line.serviceId = serviceId;
  if (typeof hookInstance === 'string') line.hookInstance = hookInstance;
  if (Array.isArray(fhirQueries)) line.fhirQueries = fhirQueries as unknown[];
  if (typeof cardCount === 'number') line.cards = cardCount;
  if (typeof errorCode === 'string') line.errorCode = errorCode;
  logger.log(res.statusCode >= 500 ? 'error' : 'info', 'request', line);
}

/** The path with anything unexpected cut short, so a hostile URL cannot flood the log. */
function routeOf(path: string): string {
  return path.length > 120 ? `${path.slice(0, 120)}…` : path;
}
