import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics';
import { recordRequestMetrics } from './http-metrics';
import { logRequest } from './request-log';

export interface RequestObserverOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  /**
   * Response headers every answer carries (security-headers.ts), set here rather than by a
   * middleware of their own: an Express router layer is paid on every request.
   */
  readonly headers?: readonly (readonly [string, string])[];
}

/**
 * Every request gets an id (`X-Request-Id`, carried by every line logged about it, after
 * fastify) and, once its response is finished, one log line (request-log.ts) and its HTTP
 * metrics (http-metrics.ts). One middleware and one `finish` listener for both.
 */
export function createRequestObserver(options: RequestObserverOptions): RequestHandler {
  const { logger, metrics, now } = options;
  const headers = options.headers ?? [];
  return (req, res, next) => {
    const started = now();
    const requestId = randomUUID();
    res.setHeader('X-Request-Id', requestId);
    for (const [name, value] of headers) res.setHeader(name, value);
    res.locals.requestId = requestId;
    res.on('finish', () => {
      const ms = now() - started;
      logRequest(logger, req, res, ms);
      recordRequestMetrics(metrics, req, res, ms / 1000);
    });
    next();
  };
}

/**
 * The logger for lines about this request: a child of `logger` carrying its request id, made on
 * first use and kept in `res.locals` (most hooks log one line only; winston's child costs an
 * object per request). `logger` itself before the observer has run (unit tests of one layer).
 */
export function requestLogger(res: Response, logger: Logger): Logger {
  const made: unknown = res.locals.logger;
  if (made !== undefined) return made as Logger;
  const requestId: unknown = res.locals.requestId;
  if (typeof requestId !== 'string') return logger;
  const child = logger.child({ requestId });
  res.locals.logger = child;
  return child;
}
