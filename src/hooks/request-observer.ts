import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { recordRequestMetrics } from './http-metrics';
import { logRequest } from './request-log';

export interface RequestObserverOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Monotonic milliseconds. */
  readonly now: () => number;
}

/**
 * Every request gets an id (`X-Request-Id`, and a child logger carrying it, after fastify) and,
 * once its response is finished, one log line (request-log.ts) and its HTTP metrics
 * (http-metrics.ts). One middleware and one `finish` listener for both: each router layer and
 * listener is paid on every hook (bench/, issue 5).
 */
export function createRequestObserver(options: RequestObserverOptions): RequestHandler {
  const { logger, metrics, now } = options;
  return (req, res, next) => {
    const started = now();
    const requestId = randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.locals.requestId = requestId;
    res.locals.logger = logger.child({ requestId });
    res.on('finish', () => {
      const ms = now() - started;
      logRequest(req, res, ms);
      recordRequestMetrics(metrics, req, res, ms / 1000);
    });
    next();
  };
}
