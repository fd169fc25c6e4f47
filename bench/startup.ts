import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { callHook, lowTroughPatientView } from '../test/support/service-process';
import { freePort, REPO_ROOT } from './children';
import { median } from './measure';

/**
 * `npm run bench -- --startup`: how long `node dist/server.js` takes, from spawn, until /readyz
 * answers 200 (polled every 5 ms), and until the first feedback is stored (a patient-view that
 * issues a card, then feedback for that card, until its 200). Each case is the median of `runs`
 * starts: on an embedded data directory that exists (created by an untimed first start), and on
 * a fresh one (a new directory each start: the PGlite cluster is initialised then).
 */
export interface StartupFigures {
  readonly label: string;
  readonly readyMs: readonly number[];
  readonly feedbackMs: readonly number[];
}

interface Started {
  readonly readyMs: number;
  readonly feedbackMs: number;
}

async function startOnce(dataDir: string, body?: () => string): Promise<Started & { body: () => string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CDS_AUTH: 'off', LOG_LEVEL: 'warn', CDS_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve(void (exited = true))));
  try {
    const deadline = spawnedAt + 60_000;
    for (;;) {
      if (exited) throw new Error('the service exited before /readyz answered');
      if (performance.now() > deadline) throw new Error('/readyz did not answer 200 in 60 s');
      const ok = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(1000) }).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const readyMs = performance.now() - spawnedAt;
    // Built once, against the first service started (it reads the discovery's prefetch templates).
    const hookBody = body ?? (await lowTroughPatientView(base));
    const [card] = await callHook(base, hookBody());
    if (card === undefined) throw new Error('the patient-view issued no card');
    const response = await fetch(`${base}/cds-services/ln-patient-view/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ feedback: [{ card: card.uuid, outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }] }),
    });
    if (response.status !== 200) throw new Error(`feedback answered ${response.status}: ${await response.text()}`);
    return { readyMs, feedbackMs: performance.now() - spawnedAt, body: hookBody };
  } finally {
    if (!exited) child.kill('SIGTERM');
    await exit;
  }
}

export async function measureStartup(tmp: string, runs: number): Promise<StartupFigures[]> {
  const existing = path.join(tmp, 'startup-existing');
  const { body } = await startOnce(existing); // creates the store; not counted
  const figures = { existing: [] as Started[], fresh: [] as Started[] };
  // Alternated, so that drift on a shared machine touches both cases alike.
  for (let i = 0; i < runs; i += 1) {
    figures.existing.push(await startOnce(existing, body));
    const fresh = path.join(tmp, `startup-fresh-${i}`);
    figures.fresh.push(await startOnce(fresh, body));
    rmSync(fresh, { recursive: true, force: true });
  }
  return [
    { label: 'existing data directory', readyMs: figures.existing.map((s) => s.readyMs), feedbackMs: figures.existing.map((s) => s.feedbackMs) },
    { label: 'fresh data directory', readyMs: figures.fresh.map((s) => s.readyMs), feedbackMs: figures.fresh.map((s) => s.feedbackMs) },
  ];
}

export function formatStartup(figures: readonly StartupFigures[]): string {
  const ms = (values: readonly number[]): string =>
    `${median(values).toFixed(0).padStart(6)} ms (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`;
  const lines = [
    `start-up of node dist/server.js, median of ${figures[0]?.readyMs.length ?? 0} (min–max), from spawn:`,
    `${'case'.padEnd(26)}${'/readyz 200'.padEnd(26)}first feedback stored`,
  ];
  for (const row of figures) lines.push(`${row.label.padEnd(26)}${ms(row.readyMs).padEnd(26)}${ms(row.feedbackMs)}`);
  return lines.join('\n');
}
