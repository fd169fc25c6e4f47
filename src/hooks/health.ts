import type { RequestHandler } from 'express';
import type { Metrics } from '../metrics';
import { PROBE_WAIT_MS, type StoreHealth } from './store-health';

/** GET /healthz: the process is up and serving HTTP (liveness; no dependency is consulted). */
export const healthz: RequestHandler = (_req, res) => {
  res.set('Cache-Control', 'no-store').json({ status: 'ok' });
};

/**
 * GET /readyz: ready to answer hooks — the app only exists once its frozen configuration was
 * validated, and hooks need nothing else (issued cards are written off the request path, the
 * replay cache falls back to memory). So it is 200 whatever the store's state, which it reports
 * beside (`storeState`: up, down, or unknown before the first check): a load balancer that routed
 * only to replicas with a reachable database would take every hook offline during a database
 * outage. The probe never waits on the store for more than PROBE_WAIT_MS.
 */
export function createReadyz(deps: {
  /** Absent when the app runs without a store (tests of other layers): nothing to report. */
  readonly storeHealth?: StoreHealth;
}): RequestHandler {
  return async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    const health = deps.storeHealth;
    if (health === undefined) {
      res.json({ status: 'ready', config: 'loaded', store: 'none' });
      return;
    }
    const storeState = await health.checkWithin(PROBE_WAIT_MS);
    res.json({ status: 'ready', config: 'loaded', store: health.kind, storeState });
  };
}

/**
 * GET /metrics: Prometheus text exposition of this replica's registry, with `cds_store_up`
 * refreshed first (bounded like /readyz) so that a scrape sees the store's current state.
 */
export function createMetricsEndpoint(metrics: Metrics, storeHealth?: StoreHealth): RequestHandler {
  return async (_req, res) => {
    await storeHealth?.checkWithin(PROBE_WAIT_MS);
    const body = await metrics.render();
    res.set('Cache-Control', 'no-store').type(metrics.contentType).send(body);
  };
}
