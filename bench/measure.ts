import autocannon from 'autocannon';

/** One load run with autocannon, in the bench process; bounded in time and, if given, count. */
export interface LoadSpec {
  readonly url: string;
  readonly body: string;
  readonly connections: number;
  readonly durationSec: number;
  /** Stop after this many requests instead of after the duration. */
  readonly amount?: number;
  /** Hard stop, whatever happens. */
  readonly maxSec?: number;
  readonly onResponse?: () => void;
  /** A bearer token per request (the authenticated scenarios): each request calls it once. */
  readonly nextToken?: () => string;
}

export interface LoadResult {
  readonly requests: number;
  readonly durationSec: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: spec.body,
        connections: spec.connections,
        ...(spec.amount === undefined ? { duration: spec.durationSec } : { amount: spec.amount }),
        timeout: 10,
        ...(spec.nextToken === undefined ? {} : { requests: [{ setupRequest: withToken(spec.nextToken) }] }),
      },
      (error, result) => {
        clearTimeout(watchdog);
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        resolve({
          requests: result.requests.total,
          durationSec: result.duration,
          rps: result.requests.total / result.duration,
          p50: result.latency.p50,
          p99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors,
        });
      },
    );
    if (spec.onResponse) instance.on('response', spec.onResponse);
    const watchdog = setTimeout(() => instance.stop(), (spec.maxSec ?? spec.durationSec * 3 + 10) * 1000);
  });
}

function withToken(nextToken: () => string): (request: autocannon.Request) => autocannon.Request {
  return (request) => ({
    ...request,
    headers: { ...request.headers, authorization: `Bearer ${nextToken()}` },
  });
}

/** Median of numbers (NaN for none). */
export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** Times one async step, in ms. */
export async function timed(step: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await step();
  return performance.now() - started;
}

/** POSTs a body and reads the whole answer; throws on a status other than 200. */
export async function post(url: string, body: string, token?: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text;
}
