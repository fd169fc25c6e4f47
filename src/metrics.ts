import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FeedbackOutcome } from './cds-hooks/feedback';

/**
 * Prometheus metrics (prom-client), one registry per app rather than prom-client's global
 * default, so tests can build many apps. Labels take values from small fixed sets only (route
 * kind, known service ids, rule codes, prefetch keys): never a raw path, patient or token.
 */
export type RouteKind =
  'hook' | 'feedback' | 'discovery' | 'health' | 'metrics' | 'admin' | 'timeline' | 'app' | 'other';

/** Store writes that happen off the request path; their failures are counted, not thrown. */
export type StoreOperation = 'issued-cards' | 'feedback' | 'jti';

/** Feedback naming a card this service has no record of issuing. */
export const UNATTRIBUTED_RULE = 'unattributed';

export interface Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** One HTTP request: by route kind, service id (`none` outside a service) and status. */
  observeRequest(route: RouteKind, serviceId: string, status: number, seconds: number): void;
  /** A hook call answered by `serviceId` (shorthand for observeRequest('hook', …)). */
  observeHook(serviceId: string, status: number, seconds: number): void;
  /** Cards returned (`active`) or recorded without being returned (`shadow`, CDS_RULES_FILE). */
  cardsIssued(ruleCode: string, mode?: 'active' | 'shadow', count?: number): void;
  /** One FHIR search for a prefetch key (`conditions`, `tacrolimus`…); `failure` when not ok. */
  observeFhirQuery(query: string, seconds: number, ok: boolean, failure?: string): void;
  feedbackReceived(ruleCode: string, outcome: FeedbackOutcome): void;
  storeWriteFailed(operation: StoreOperation): void;
  issuedCardsDropped(count: number): void;
  /**
   * Whether the store (`pglite` or `postgresql`) answered its last check: 1 up, 0 down. Hooks do
   * not need it; feedback and administration calls do (docs/deploy.md "Health checks").
   */
  storeUp(kind: string, up: boolean): void;
  /** A connection closed on arrival because CDS_MAX_CONNECTIONS were already open. */
  connectionDropped(): void;
  render(): Promise<string>;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop): on in the server, off in tests. */
  readonly collectDefaults?: boolean;
}

// Hook calls must stay well under the EHR's patience (CDS_HOOK_DEADLINE_MS, 2 s by default).
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.collectDefaults === true) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'cds_http_requests_total',
    help: 'HTTP requests answered, by route kind, CDS service id and status',
    labelNames: ['route', 'service', 'status'] as const,
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'cds_http_request_duration_seconds',
    help: 'HTTP request latency, by route kind, CDS service id and status',
    labelNames: ['route', 'service', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const cards = new Counter({
    name: 'cds_cards_issued_total',
    help: 'Cards by rule code and mode: active (returned) or shadow (evaluated and recorded, not returned)',
    labelNames: ['rule', 'mode'] as const,
    registers: [registry],
  });
  const fhirDuration = new Histogram({
    name: 'cds_fhir_query_duration_seconds',
    help: 'FHIR queries the service ran itself (data not prefetched), by prefetch key and outcome',
    labelNames: ['query', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const fhirFailures = new Counter({
    name: 'cds_fhir_query_failures_total',
    help: 'FHIR queries that failed, by prefetch key and reason',
    labelNames: ['query', 'reason'] as const,
    registers: [registry],
  });
  const feedback = new Counter({
    name: 'cds_feedback_total',
    help: `Feedback items stored, by rule code of the card (${UNATTRIBUTED_RULE}: a card not issued here) and outcome`,
    labelNames: ['rule', 'outcome'] as const,
    registers: [registry],
  });
  const storeFailures = new Counter({
    name: 'cds_store_write_failures_total',
    help: 'Store writes that failed (logged), by operation',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'cds_issued_cards_dropped_total',
    help: 'Issued-card records dropped because the store could not keep up (feedback on them is unattributed)',
    registers: [registry],
  });

  // Labelled by store kind so that nothing is exported before the first check: an unlabelled
  // gauge would read 0 (down) until then.
  const storeUp = new Gauge({
    name: 'cds_store_up',
    help: 'Whether the store (feedback, issued cards, replay cache) answered its last check: 1 up, 0 down. Hooks do not need it',
    labelNames: ['store'] as const,
    registers: [registry],
  });
  const connectionsDropped = new Counter({
    name: 'cds_http_connections_dropped_total',
    help: 'Connections closed on arrival because CDS_MAX_CONNECTIONS were already open',
    registers: [registry],
  });

  // The labelled series of each (route, service, status), looked up once: prom-client otherwise
  // hashes the label object on every call, twice per request. Bounded: route kinds × known
  // service ids × HTTP statuses.
  type RequestLabels = 'route' | 'service' | 'status';
  const requestSeries = new Map<
    string,
    { readonly count: Counter.Internal; readonly latency: Histogram.Internal<RequestLabels> }
  >();
  const observeRequest = (route: RouteKind, serviceId: string, status: number, seconds: number): void => {
    const key = `${route} ${serviceId} ${status}`;
    let series = requestSeries.get(key);
    if (series === undefined) {
      const labels = { route, service: serviceId, status: String(status) };
      series = { count: requests.labels(labels), latency: requestDuration.labels(labels) };
      requestSeries.set(key, series);
    }
    series.count.inc();
    series.latency.observe(seconds);
  };

  return {
    registry,
    contentType: registry.contentType,
    observeRequest,
    observeHook: (serviceId, status, seconds) => observeRequest('hook', serviceId, status, seconds),
    cardsIssued: (ruleCode, mode = 'active', count = 1) => cards.inc({ rule: ruleCode, mode }, count),
    observeFhirQuery(query, seconds, ok, failure) {
      fhirDuration.observe({ query, outcome: ok ? 'ok' : 'failed' }, seconds);
      if (!ok) fhirFailures.inc({ query, reason: failure ?? 'unknown' });
    },
    feedbackReceived: (ruleCode, outcome) => feedback.inc({ rule: ruleCode, outcome }),
    storeWriteFailed: (operation) => storeFailures.inc({ operation }),
    issuedCardsDropped: (count) => dropped.inc(count),
    storeUp: (kind, up) => storeUp.set({ store: kind }, up ? 1 : 0),
    connectionDropped: () => connectionsDropped.inc(),
    render: () => registry.metrics(),
  };
}
