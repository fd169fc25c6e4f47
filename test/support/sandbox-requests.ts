import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A request recorded from the real CDS Hooks Sandbox (../shared/sandbox-requests/README.md). */
export interface RecordedRequest {
  readonly file: string;
  readonly description: string;
  readonly method: 'GET' | 'POST' | 'OPTIONS';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export function loadRecordedRequests(dir: string): RecordedRequest[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Omit<RecordedRequest, 'file'>) }));
}

/** Every token in the recordings is valid from 02:06:54Z to 02:11:44Z on 2026-11-22 (README). */
export const SANDBOX_CLOCK = '2026-11-22T02:09:00.000Z';

/** Resources of the recorded prefetch Bundles: p01's record as the Sandbox's FHIR server held it. */
export function recordedResources(requests: readonly RecordedRequest[]): { resourceType: string; id?: string }[] {
  const byKey = new Map<string, { resourceType: string; id?: string }>();
  for (const recorded of requests) {
    const prefetch = (recorded.body as { prefetch?: Record<string, unknown> } | null)?.prefetch ?? {};
    for (const value of Object.values(prefetch)) {
      const v = value as { resourceType?: string; id?: string; entry?: { resource: { resourceType: string; id?: string } }[] };
      const resources = v.resourceType === 'Bundle' ? (v.entry ?? []).map((e) => e.resource) : [v as { resourceType: string; id?: string }];
      for (const resource of resources) byKey.set(`${resource.resourceType}/${resource.id ?? ''}`, resource);
    }
  }
  return [...byKey.values()];
}
