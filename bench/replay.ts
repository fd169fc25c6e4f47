import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RememberedJti } from '../src/auth/replay-cache';
import { createReplayCacheFor, type JtiTable } from '../src/auth/shared-replay-cache';
import { createLogger } from '../src/logging/logger';
import { openStore } from '../src/store/open-store';

/**
 * `npx tsx bench/replay.ts [--database-url=postgresql://…] [--jtis=10000]`: the JWT replay
 * check alone, in-process, as the service runs it (createReplayCacheFor on the store), with 10
 * concurrent callers as 10 connections. Reports this process's CPU per accepted jti (all threads:
 * driver, GC, PGlite's worker), wall time per jti, jtis per claim statement (PostgreSQL) and,
 * when PostgreSQL runs on this machine, the CPU of its processes per jti (the whole cluster).
 */
const { values: flags } = parseArgs({
  options: { 'database-url': { type: 'string' }, jtis: { type: 'string', default: '10000' } },
});
const CALLERS = 10;
const CLIENTS = ['https://ehr.bench.invalid/a', 'https://ehr.bench.invalid/b'];

/** ms of CPU of every local process named postgres (0 when there is none to read). */
function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, 100 ticks/s
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

async function main(): Promise<void> {
  const databaseUrl = flags['database-url'];
  const count = Number(flags.jtis);
  const dir = mkdtempSync(path.join(tmpdir(), 'replay-bench-'));
  const now = (): Date => new Date();
  const store = await openStore({
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    pgliteDataDir: path.join(dir, 'pglite'),
    now,
    syncCommits: false, // as CDS_ISSUED_CARDS=batched, the default
    onBackgroundError: () => undefined,
  });
  await store.migrate();
  let statements = 0;
  const table: JtiTable = {
    description: store.description,
    claimJtis: (jtis: readonly RememberedJti[]) => {
      statements += 1;
      return store.claimJtis(jtis);
    },
    rememberJtis: (jtis) => store.rememberJtis(jtis),
    liveJtis: (limit) => store.liveJtis(limit),
  };
  const cache = createReplayCacheFor({ store: table, now, logger: createLogger({ level: 'error' }) });
  await cache.ready;
  const expiresAt = new Date(Date.now() + 300_000);
  for (let index = 0; index < 500; index += 1) await cache.checkAndRemember(CLIENTS[index % 2] ?? '', randomUUID(), expiresAt);
  await cache.flush();
  const jtis = Array.from({ length: count }, () => randomUUID());

  statements = 0;
  const postgres0 = postgresCpuMs();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < count) {
        const index = next++;
        const fresh = await cache.checkAndRemember(CLIENTS[index % 2] ?? '', jtis[index] ?? '', expiresAt);
        if (!fresh) throw new Error('a fresh jti was refused');
      }
    }),
  );
  await cache.flush();
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - wall0;
  const postgresMs = postgresCpuMs() - postgres0;
  const perJti = (ms: number): string => `${((ms * 1000) / count).toFixed(1)} µs`;
  const figures = [
    `${store.description.kind}: ${count} jtis, ${CALLERS} callers`,
    `CPU ${perJti((cpu.user + cpu.system) / 1000)}/jti (this process)`,
    `wall ${perJti(wallMs)}/jti`,
  ];
  if (statements > 0) figures.push(`${(count / statements).toFixed(1)} jtis/statement`);
  if (databaseUrl !== undefined && postgresMs > 0) figures.push(`PostgreSQL processes ${perJti(postgresMs)}/jti`);
  console.log(figures.join(', '));
  await cache.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
