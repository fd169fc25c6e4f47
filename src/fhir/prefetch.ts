/**
 * Reading one prefetch value (CDS Hooks 2.0 §Prefetch). A key may be absent (not prefetched),
 * `null` (the EHR found nothing), a resource, a Bundle, or an OperationOutcome (the EHR's query
 * failed). Absent and failed both mean "fetch it yourself if you can".
 */
export type PrefetchValue =
  | { readonly kind: 'resources'; readonly resources: readonly FhirResource[]; readonly complete: boolean }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** The little every FHIR resource has; anything narrower is checked where it is read. */
export interface FhirResource {
  readonly resourceType: string;
  readonly id?: string;
  readonly [field: string]: unknown;
}

export function isFhirResource(value: unknown): value is FhirResource {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { resourceType?: unknown }).resourceType === 'string'
  );
}

export function readPrefetchValue(value: unknown): PrefetchValue {
  if (value === null) return { kind: 'resources', resources: [], complete: true };
  if (!isFhirResource(value)) return { kind: 'unavailable', reason: 'not a FHIR resource' };
  if (value.resourceType === 'OperationOutcome') {
    return { kind: 'unavailable', reason: 'the EHR reported that its query failed (OperationOutcome)' };
  }
  if (value.resourceType !== 'Bundle') return { kind: 'resources', resources: [value], complete: true };
  return { kind: 'resources', resources: bundleResources(value), complete: nextLink(value) === undefined };
}

/** Entry resources of a Bundle, leaving out search OperationOutcomes (`search.mode: outcome`). */
export function bundleResources(bundle: FhirResource): FhirResource[] {
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
  const resources: FhirResource[] = [];
  for (const entry of entries) {
    const resource = typeof entry === 'object' && entry !== null ? (entry as { resource?: unknown }).resource : undefined;
    if (isFhirResource(resource) && resource.resourceType !== 'OperationOutcome') resources.push(resource);
  }
  return resources;
}

export function nextLink(bundle: FhirResource): string | undefined {
  const links = Array.isArray(bundle.link) ? (bundle.link as unknown[]) : [];
  for (const link of links) {
    if (typeof link !== 'object' || link === null) continue;
    const { relation, url } = link as { relation?: unknown; url?: unknown };
    if (relation === 'next' && typeof url === 'string' && url.length > 0) return url;
  }
  return undefined;
}
