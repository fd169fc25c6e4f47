import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics';
import type { Store } from '../store/store';
import { requestLogger } from './request-observer';

/** /readyz gives up on the store after this long: a hung database must not hang the probe. */
const READY_TIMEOUT_MS = 2_000;

/** GET /healthz: the process is up and serving HTTP (liveness; no dependency is consulted). */
export const healthz: RequestHandler = (_req, res) => {
  res.set('Cache-Control', 'no-store').json({ status: 'ok' });
};

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * GET /readyz: ready to take traffic — configuration loaded (the app only exists once its frozen
 * config was validated) and the store answers. 503 otherwise, so a load balancer stops sending
 * hooks to a replica that lost its database.
 */
export function createReadyz(deps: {
  /** Absent when the app runs without a store (tests of other layers): nothing to reach. */
  readonly store?: Pick<Store, 'ping' | 'description'>;
  readonly logger: Logger;
}): RequestHandler {
  return async (_req, res) => {
    const store = deps.store?.description.kind ?? 'none';
    res.set('Cache-Control', 'no-store');
    try {
      if (deps.store) await withTimeout(deps.store.ping(), READY_TIMEOUT_MS);
      res.json({ status: 'ready', config: 'loaded', store });
    } catch (error) {
      const log = requestLogger(res, deps.logger);
      log.warn('not ready: store unreachable', {
        errorName: error instanceof Error ? error.name : typeof error,
      });
      res.status(503).json({ status: 'unavailable', config: 'loaded', store, reason: 'store unreachable' });
    }
  };
}

/** GET /metrics: Prometheus text exposition of this replica's registry. */
export function createMetricsEndpoint(metrics: Metrics): RequestHandler {
  return async (_req, res) => {
    const body = await metrics.render();
    res.set('Cache-Control', 'no-store').type(metrics.contentType).send(body);
  };
}
