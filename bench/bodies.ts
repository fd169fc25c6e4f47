import { randomUUID } from 'node:crypto';

/**
 * Hook request bodies built the way a CDS client builds them (CDS Hooks 2.0 §Prefetch): each
 * discovery template is filled with the context and run against the EHR's FHIR server, and the
 * answers — searchset Bundles — are sent as `prefetch`; a query that fails is left out.
 *
 * Two prefetch variants:
 * - `bounded`: the templates as published (labs newest-first with `_count` 5–10), what a
 *   conforming EHR sends. The body then barely grows with the record: only Conditions and
 *   MedicationRequests (+ Medications) are unbounded by design.
 * - `unbounded-labs`: the EHR ignores `_count` on the lab searches and sends every result of
 *   each analyte group — the case where the record size really reaches the service.
 */
export type PrefetchVariant = 'bounded' | 'unbounded-labs';

export interface DiscoveryService {
  readonly id: string;
  readonly hook: string;
  readonly prefetch: Readonly<Record<string, string>>;
}

export interface HookContext {
  readonly userId: string;
  readonly patientId: string;
  readonly draftOrders?: Record<string, unknown>;
}

export function fillTemplate(template: string, context: HookContext): string {
  return template
    .replaceAll('{{context.patientId}}', encodeURIComponent(context.patientId))
    .replaceAll('{{context.userId}}', encodeURIComponent(context.userId))
    .replaceAll('{{userPractitionerId}}', encodeURIComponent(context.userId.replace(/^Practitioner\//, '')));
}

/** Drops `_count` from an Observation search (the "EHR sends everything" variant). */
function unbound(query: string): string {
  if (!query.startsWith('Observation?')) return query;
  const [path, search = ''] = query.split('?');
  const params = search.split('&').filter((param) => !param.startsWith('_count='));
  return `${path}?${params.join('&')}`;
}

export async function buildPrefetch(
  fhirBaseUrl: string,
  service: DiscoveryService,
  context: HookContext,
  variant: PrefetchVariant,
): Promise<Record<string, unknown>> {
  const prefetch: Record<string, unknown> = {};
  await Promise.all(
    Object.entries(service.prefetch).map(async ([key, template]) => {
      const filled = fillTemplate(template, context);
      const query = variant === 'unbounded-labs' ? unbound(filled) : filled;
      const response = await fetch(`${fhirBaseUrl}/${query}`, { signal: AbortSignal.timeout(60_000) });
      if (!response.ok) return; // CDS Hooks: a failed prefetch query is omitted
      const body = (await response.json()) as { link?: { relation?: string }[] };
      if (body.link?.some((link) => link.relation === 'next')) {
        throw new Error(`prefetch ${key}: the FHIR server paged the result; the bench needs whole Bundles`);
      }
      prefetch[key] = body;
    }),
  );
  // Same key order as discovery, so bodies are byte-identical from run to run.
  return Object.fromEntries(
    Object.keys(service.prefetch).flatMap((key) => (key in prefetch ? [[key, prefetch[key]]] : [])),
  );
}

export interface HookBodyOptions {
  readonly service: DiscoveryService;
  readonly context: HookContext;
  readonly prefetch?: Record<string, unknown>;
  /** For the FHIR fallback: no prefetch, the service reads this server itself. */
  readonly fhirServer?: string;
}

/** The serialized request. The hookInstance is fixed per body (the service does not dedupe). */
export function buildHookBody(options: HookBodyOptions): string {
  const { service, context } = options;
  return JSON.stringify({
    hook: service.hook,
    hookInstance: randomUUID(),
    ...(options.fhirServer === undefined ? {} : { fhirServer: options.fhirServer }),
    context: {
      userId: context.userId,
      patientId: context.patientId,
      ...(context.draftOrders === undefined ? {} : { draftOrders: context.draftOrders }),
    },
    ...(options.prefetch === undefined ? {} : { prefetch: options.prefetch }),
  });
}
