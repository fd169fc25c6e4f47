import { rmSync } from 'node:fs';
import path from 'node:path';
import { startServerChild, type ServerChild } from './children';
import { post, runLoad } from './measure';

/**
 * `npm run bench -- --memory`: the resident set (VmRSS of `node dist/server.js`, its worker
 * threads included) an operator plans for. Per store: idle once /readyz answers and the start-up
 * work has settled, right after the first hook, and after a soak of `soakRequests` hooks; with the
 * peak (VmHWM) of the whole run. Stores: an embedded PGlite data directory that exists (created by
 * an untimed first start), a fresh one (the cluster is created at start), and PostgreSQL when a
 * DATABASE_URL is given.
 */
export interface MemoryFigures {
  readonly label: string;
  readonly idleMb: number;
  readonly firstHookMb: number;
  readonly soakMb: number;
  readonly peakMb: number;
  readonly soakRequests: number;
  readonly failed: number;
}

export interface MemoryOptions {
  readonly tmp: string;
  /** The hook measured (pv-long) and the service it is posted to. */
  readonly body: string;
  readonly serviceId: string;
  readonly databaseUrl?: string;
  readonly soakRequests: number;
  readonly connections: number;
}

/** Long enough for the start-up's timers (first batch write, retention run) and a GC to pass. */
const SETTLE_MS = 2000;

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

function startService(env: Record<string, string>): Promise<ServerChild> {
  return startServerChild({
    name: 'service',
    script: 'dist/server.js',
    tsx: false,
    env: { CDS_AUTH: 'off', LOG_LEVEL: 'info', ...env },
    readyPath: '/readyz',
  });
}

async function measureOne(label: string, env: Record<string, string>, options: MemoryOptions): Promise<MemoryFigures> {
  const service = await startService(env);
  try {
    await settle();
    const idleMb = service.memory().rssMb;
    const url = `http://127.0.0.1:${service.port}/cds-services/${options.serviceId}`;
    await post(url, options.body);
    await settle();
    const firstHookMb = service.memory().rssMb;
    const soak =
      options.soakRequests > 0
        ? await runLoad({ url, body: options.body, connections: options.connections, durationSec: 0, amount: options.soakRequests, maxSec: 1200 })
        : { requests: 0, non2xx: 0, errors: 0 };
    await settle();
    const { rssMb: soakMb, peakMb } = service.memory();
    return { label, idleMb, firstHookMb, soakMb, peakMb, soakRequests: soak.requests, failed: soak.non2xx + soak.errors };
  } finally {
    await service.stop();
  }
}

export async function measureMemory(options: MemoryOptions): Promise<MemoryFigures[]> {
  const existing = path.join(options.tmp, 'memory-existing');
  await (await startService({ CDS_DATA_DIR: existing })).stop(); // creates the store; not counted
  const fresh = path.join(options.tmp, 'memory-fresh');
  const figures = [
    await measureOne('PGlite, existing store', { CDS_DATA_DIR: existing }, options),
    await measureOne('PGlite, fresh store', { CDS_DATA_DIR: fresh }, options),
  ];
  rmSync(fresh, { recursive: true, force: true });
  if (options.databaseUrl !== undefined) {
    figures.push(await measureOne('PostgreSQL', { DATABASE_URL: options.databaseUrl }, options));
  }
  return figures;
}

export function formatMemory(figures: readonly MemoryFigures[]): string {
  const mb = (value: number): string => value.toFixed(0);
  const lines = [
    'RSS of node dist/server.js (MB): idle, after the first hook, after the soak; peak = VmHWM of the run',
    '| store | idle | first hook | soak requests | after soak | peak | non-2xx |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of figures) {
    lines.push(
      `| ${row.label} | ${mb(row.idleMb)} | ${mb(row.firstHookMb)} | ${row.soakRequests} | ${mb(row.soakMb)} | ${mb(row.peakMb)} | ${row.failed} |`,
    );
  }
  return lines.join('\n');
}
