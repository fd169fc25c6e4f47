import { fillTemplate, type DiscoveryService, type HookContext } from './bodies';
import { median, percentile, post, timed } from './measure';
import type { FallbackFigures } from './report';

/**
 * What the FHIR fallback adds to a hook's latency beyond the slowest FHIR query, at p50 (kept
 * ≤ 5 ms: a CDS client gives a hook about 500 ms). One request at a time, interleaved: the
 * twelve template searches run directly from the bench in parallel (the time until the slowest
 * answers), the hook with no prefetch, the floor.
 */
export interface FallbackRun {
  readonly fhirUrl: string;
  readonly fhirDelayMs: number;
  readonly definition: DiscoveryService;
  readonly context: HookContext;
  readonly hookUrl: string;
  readonly floorUrl: string;
  readonly body: string;
  readonly iterations: number;
}

/** The searches the service runs when nothing is prefetched: the discovery templates as they are. */
export function queriesOf(fhirUrl: string, definition: DiscoveryService, context: HookContext): string[] {
  return Object.values(definition.prefetch).map(
    (template) => `${fhirUrl}/${fillTemplate(template, context)}`,
  );
}

export async function measureFallback(run: FallbackRun): Promise<FallbackFigures> {
  const { hookUrl, floorUrl, body } = run;
  const queries = queriesOf(run.fhirUrl, run.definition, run.context);
  const direct: number[] = [];
  const hook: number[] = [];
  const floor: number[] = [];
  const until = Date.now() + 120_000;
  for (let i = 0; i < run.iterations && Date.now() < until; i += 1) {
    direct.push(
      await timed(async () => {
        await Promise.all(
          queries.map(async (url) =>
            (await fetch(url, { signal: AbortSignal.timeout(10_000) })).arrayBuffer(),
          ),
        );
      }),
    );
    hook.push(await timed(async () => void (await post(hookUrl, body))));
    floor.push(await timed(async () => void (await post(floorUrl, body))));
  }
  return {
    iterations: hook.length,
    fhirDelayMs: run.fhirDelayMs,
    fhirSlowestP50: median(direct),
    fhirSlowestP99: percentile(direct, 0.99),
    hookP50: median(hook),
    hookP99: percentile(hook, 0.99),
    floorP50: median(floor),
    overheadP50: median(hook) - median(direct),
  };
}
