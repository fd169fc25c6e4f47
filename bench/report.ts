/** Tables of the benchmark, printed as Markdown so they can go into docs/performance.md as they are. */
import { ratioInterval, verdictOf } from './ratio-interval';

export interface ScenarioFigures {
  readonly name: string;
  readonly title: string;
  readonly bodyKb: number;
  readonly limitMb: number;
  readonly floor: SideFigures;
  readonly hook: SideFigures;
  readonly cards: string;
  /** hook/floor throughput of each round (floor and hook measured back to back). */
  readonly roundRatios: readonly number[];
  readonly non2xx: number;
}

export interface SideFigures {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly peakRssMb: number;
  readonly requests: number;
  /** Server CPU time (user + system) per request, from /proc: unaffected by other load. */
  readonly cpuMsPerRequest: number;
}

export interface FallbackFigures {
  readonly iterations: number;
  readonly fhirDelayMs: number;
  readonly fhirSlowestP50: number;
  readonly fhirSlowestP99: number;
  readonly hookP50: number;
  readonly hookP99: number;
  readonly floorP50: number;
  readonly overheadP50: number;
}

const f0 = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '–');

function rangeOf(values: readonly number[]): string {
  if (values.length === 0) return '–';
  return `${f2(Math.min(...values))}–${f2(Math.max(...values))}`;
}

function intervalOf(values: readonly number[]): string {
  const interval = ratioInterval(values);
  return interval ? `${f2(interval.mean)} [${f2(interval.low)}–${f2(interval.high)}]` : '–';
}

export function formatScenarioTable(rows: readonly ScenarioFigures[]): string {
  const lines = [
    '| scenario | body KB | floor req/s | hook req/s | **hook/floor** | rounds min–max | rounds mean [95 % interval] | floor p50 / p99 ms | hook p50 / p99 ms | CPU ms/req floor / hook | CPU floor/hook | floor / hook peak RSS MB | non-2xx | cards |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.name} | ${f1(row.bodyKb)} | ${f0(row.floor.rps)} | ${f0(row.hook.rps)} | **${f2(row.hook.rps / row.floor.rps)}** | ${rangeOf(row.roundRatios)} | ${intervalOf(row.roundRatios)} | ` +
        `${f1(row.floor.p50)} / ${f1(row.floor.p99)} | ${f1(row.hook.p50)} / ${f1(row.hook.p99)} | ` +
        `${f2(row.floor.cpuMsPerRequest)} / ${f2(row.hook.cpuMsPerRequest)} | ${f2(row.floor.cpuMsPerRequest / row.hook.cpuMsPerRequest)} | ` +
        `${f0(row.floor.peakRssMb)} / ${f0(row.hook.peakRssMb)} | ${row.non2xx} | ${row.cards} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Whether this run says the regression guard (scenarios.ts GUARD) holds: it holds, or is broken,
 * only when the rounds' whole 95 % interval lies on one side of it. The interval covers the scatter
 * within one run, not the machine's drift from one run to the next, so a broken guard asks for a
 * second run before a search for the regression.
 */
export function formatGuardVerdict(row: ScenarioFigures, guard: number): string {
  const interval = ratioInterval(row.roundRatios);
  const aim = `${row.name} hook/floor ≥ ${f2(guard)} (regression guard)`;
  if (row.roundRatios.length < 2) return `${aim}: one round, no interval (run more --rounds)`;
  if (interval === undefined) return `${aim}: a round measured nothing, no interval (see non-2xx)`;
  const range = `rounds' mean ${f2(interval.mean)}, 95 % interval ${f2(interval.low)}–${f2(interval.high)} over ${interval.rounds} rounds`;
  switch (verdictOf(interval, guard)) {
    case 'met':
      return `${aim}: holds (${range})`;
    case 'not met':
      return `${aim}: broken (${range}); run again before looking for a regression`;
    case 'undecided':
      return `${aim}: not settled by this run (${range}); more --rounds narrow the interval`;
  }
}

export function formatScenarioLegend(rows: readonly ScenarioFigures[]): string {
  return rows
    .map(
      (row) =>
        `- ${row.name}: ${row.title}${row.limitMb === 2 ? '' : ` (CDS_MAX_BODY raised to ${row.limitMb} MB for service and floor)`}`,
    )
    .join('\n');
}

export function formatFallback(figures: FallbackFigures): string {
  return [
    `FHIR fallback, sequential (1 request at a time), ${figures.iterations} iterations alternating: FHIR queries direct, hook, floor`,
    `(FHIR server: in-memory Medplum in its own process, ${figures.fhirDelayMs} ms artificial latency per request)`,
    '',
    '| measured | p50 ms | p99 ms |',
    '|---|---:|---:|',
    `| the 8 prefetch queries run directly in parallel (slowest of them) | ${f1(figures.fhirSlowestP50)} | ${f1(figures.fhirSlowestP99)} |`,
    `| hook with no prefetch (service queries the FHIR server) | ${f1(figures.hookP50)} | ${f1(figures.hookP99)} |`,
    `| floor, same body | ${f1(figures.floorP50)} | – |`,
    `| **service overhead beyond the slowest FHIR query (p50 − p50)** | **${f1(figures.overheadP50)}** | |`,
  ].join('\n');
}

export interface SoakSample {
  readonly seconds: number;
  readonly requests: number;
  readonly rssMb: number;
}

export function formatSoak(samples: readonly SoakSample[], peakMb: number, non2xx: number): string {
  const lines = ['| elapsed s | requests | RSS MB |', '|---:|---:|---:|'];
  for (const sample of samples)
    lines.push(`| ${f0(sample.seconds)} | ${sample.requests} | ${f1(sample.rssMb)} |`);
  lines.push('', `peak RSS (VmHWM) ${f1(peakMb)} MB, non-2xx ${non2xx}`);
  return lines.join('\n');
}

/**
 * What authentication costs, from the CPU columns of one run: each authenticated scenario beside
 * the unauthenticated one with the same body. The floor's extra CPU is jose's verification alone;
 * the hook's extra CPU is everything the production path adds (verification, the replay check,
 * the production settings). Both as a share of the authenticated hook's CPU per request.
 */
export function formatJwtShare(
  rows: readonly ScenarioFigures[],
  scenarios: readonly {
    readonly name: string;
    readonly jwt?: string;
    readonly patient: string;
    readonly data: string;
    readonly serviceId: string;
  }[],
): string {
  const lines: string[] = [];
  for (const scenario of scenarios) {
    if (scenario.jwt === undefined) continue;
    const row = rows.find((r) => r.name === scenario.name);
    const plain = scenarios.find(
      (s) =>
        s.jwt === undefined &&
        s.patient === scenario.patient &&
        s.data === scenario.data &&
        s.serviceId === scenario.serviceId,
    );
    const base = plain && rows.find((r) => r.name === plain.name);
    if (!row || !base) continue;
    const hookCpu = row.hook.cpuMsPerRequest;
    const verify = row.floor.cpuMsPerRequest - base.floor.cpuMsPerRequest;
    const added = hookCpu - base.hook.cpuMsPerRequest;
    const pct = (n: number): string => (Number.isFinite(n) ? `${(100 * n).toFixed(0)} %` : '–');
    const target = ratioInterval(base.roundRatios);
    lines.push(
      `${row.name}: JWT verification (floor ${f2(row.floor.cpuMsPerRequest)} − ${f2(base.floor.cpuMsPerRequest)} ms/req) ` +
        `${f2(verify)} ms = ${pct(verify / hookCpu)} of the hook's ${f2(hookCpu)} ms; the production path adds ` +
        `${f2(added)} ms to ${base.name}'s hook (${pct(added / hookCpu)}); target hook/floor ≥ ${base.name}'s ` +
        `${f2(target?.mean ?? Number.NaN)} − 0.05`,
    );
  }
  return lines.join('\n');
}
