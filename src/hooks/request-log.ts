import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';

/**
 * One child logger per request (after fastify) and one line when the response is finished:
 * request id, service, hookInstance, status, duration, FHIR query timings. Never a body, a
 * header value, a token or a patient identifier beyond what the route itself names.
 */
export function createRequestLog(logger: Logger, now: () => number): RequestHandler {
  return (req, res, next) => {
    const started = now();
    const requestId = randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.locals.requestId = requestId;
    res.locals.logger = logger.child({ requestId });
    res.on('finish', () => {
      const log = res.locals.logger as Logger;
      log.log(res.statusCode >= 500 ? 'error' : 'info', 'request', {
        method: req.method,
        route: routeOf(req.path),
        status: res.statusCode,
        durationMs: Math.round((now() - started) * 10) / 10,
        ...(typeof res.locals.serviceId === 'string' ? { serviceId: res.locals.serviceId } : {}),
        ...(typeof res.locals.hookInstance === 'string' ? { hookInstance: res.locals.hookInstance } : {}),
        ...(Array.isArray(res.locals.fhirQueries) ? { fhirQueries: res.locals.fhirQueries as unknown[] } : {}),
        ...(typeof res.locals.cardCount === 'number' ? { cards: res.locals.cardCount } : {}),
        ...(typeof res.locals.errorCode === 'string' ? { errorCode: res.locals.errorCode } : {}),
      });
    });
    next();
  };
}

/** The path with anything unexpected cut short, so a hostile URL cannot flood the log. */
function routeOf(path: string): string {
  return path.length > 120 ? `${path.slice(0, 120)}…` : path;
}
