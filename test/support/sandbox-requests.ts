import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A request recorded from the real CDS Hooks Sandbox (fixtures/sandbox-requests/README.md). */
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

/**
 * The Sandbox's public ES384 signing key (its private key is public in its repository, so trusting
 * it belongs in test configuration only); every recorded JWT verifies against it.
 */
export const SANDBOX_PUBLIC_JWK = {
  kty: 'EC',
  crv: 'P-384',
  use: 'sig',
  alg: 'ES384',
  kid: '44823f3d-0b01-4a6c-a80e-b9d3e8a7226f',
  x: 'dw_JGR8nB2I6XveNxUOl2qk699ZPLM2nYI5STSdiEl9avAkrm3CkfYMbrrjr8laB',
  y: 'Sm3mLE-n1zYNla_aiE3cb3nZsL51RbC7ysw3q8aJLxGm-hx79RPMYpITDjp7kgzy',
} as const;

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
