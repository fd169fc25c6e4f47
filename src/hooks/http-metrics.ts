import type { Request, Response } from 'express';
import type { Metrics, RouteKind } from '../metrics';

/** The route kind of a path, from the fixed set of routes this service serves. */
export function routeKindOf(path: string): RouteKind {
  if (path === '/cds-services' || path === '/cds-services/') return 'discovery';
  if (/^\/cds-services\/[^/]+\/feedback\/?$/.test(path)) return 'feedback';
  if (/^\/cds-services\/[^/]+\/?$/.test(path)) return 'hook';
  if (path === '/healthz' || path === '/readyz') return 'health';
  if (path === '/metrics') return 'metrics';
  if (path.startsWith('/admin/')) return 'admin';
  // The timeline app's data call reads FHIR as a hook does; its page and libraries are static.
  if (path === '/app/api/timeline') return 'timeline';
  if (path === '/app' || path.startsWith('/app/')) return 'app';
  return 'other';
}

interface FhirQueryTiming {
  readonly key: string;
  readonly ms: number;
  readonly outcome: string;
}

function isFhirQueryTiming(value: unknown): value is FhirQueryTiming {
  if (typeof value !== 'object' || value === null) return false;
  const { key, ms, outcome } = value as Record<string, unknown>;
  return typeof key === 'string' && typeof ms === 'number' && typeof outcome === 'string';
}

/**
 * Observes a finished response: request count and latency by route kind, service
 * (`res.locals.serviceId`, set only for a known service, so unknown ids cannot grow the label set)
 * and status; and the FHIR queries the hook ran (`res.locals.fhirQueries`).
 */
export function recordRequestMetrics(metrics: Metrics, req: Request, res: Response, seconds: number): void {
  const serviceId = typeof res.locals.serviceId === 'string' ? res.locals.serviceId : 'none';
  metrics.observeRequest(routeKindOf(req.path), serviceId, res.statusCode, seconds);
  const queries: unknown = res.locals.fhirQueries;
  if (!Array.isArray(queries)) return;
  for (const query of queries as unknown[]) {
    if (!isFhirQueryTiming(query)) continue;
    const ok = query.outcome === 'ok';
    metrics.observeFhirQuery(query.key, query.ms / 1000, ok, ok ? undefined : query.outcome);
  }
}
