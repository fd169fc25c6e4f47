import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildHookBody, buildPrefetch, type DiscoveryService, type HookContext } from './bodies';
import { freePort, REPO_ROOT, startServerChild, type ServerChild } from './children';
import { measureFallback, queriesOf } from './fallback';
import { createBenchClients, tokenFeed } from './jwt';
import { median, post, runLoad, type LoadResult } from './measure';
import { summariseProfile } from './profile-summary';
import { buildDraftOrders, buildRecord } from './records';
import { formatMemory, measureMemory } from './memory';
import { formatStartup, measureStartup } from './startup';
import {
  formatFallback,
  formatScenarioLegend,
  formatScenarioTable,
  formatGuardVerdict,
  formatJwtShare,
  formatSoak,
  type FallbackFigures,
  type ScenarioFigures,
  type SoakSample,
} from './report';
import {
  DEFAULT_MAX_BODY,
  GUARD,
  PATIENTS,
  SCENARIOS,
  bodyLimitFor,
  patientIdOf,
  type PatientKey,
  type Scenario,
} from './scenarios';

/**
 * `npm run bench`: the service and the floor (express.json + res.json of the same body) in child
 * processes, autocannon here, measured alternately (floor, hook, floor, hook …) per scenario.
 * Flags: --smoke (≈1 s per run, for CI), --soak (RSS over --soak-requests=n, default 100 000),
 * --profile (V8 profile of the measured rounds, self-time summary), --only=a,b, --duration=s,
 * --rounds=n, --connections=n, --fhir-delay=ms, --from-source (tsx instead of the tsc build),
 * --save-bodies=dir (only writes each request body, for profiling by hand), --jwt-rate=n (tokens
 * signed per second of hook load in the authenticated scenarios, default 1200), --database-url=url
 * (the service on PostgreSQL instead of the embedded PGlite: issued cards and, in production, the
 * shared replay cache),
 * --startup (start-up times only: bench/startup.ts), --memory (RSS idle, after the first hook and
 * after --soak-requests hooks, on PGlite and, with --database-url, PostgreSQL: bench/memory.ts),
 * --fhir-load (pv-long-fallback at
 * --connections=50 against a FHIR server answering in 20–50 ms, for each CDS_FHIR_CONNECTIONS of
 * --fhir-sockets=32,128,4096; each process's CPU per hook; with --profile the built service is
 * profiled during each measured run).
 */
const { values: flags } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
    duration: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string', default: '10' },
    'fhir-delay': { type: 'string', default: '20' },
    'soak-requests': { type: 'string', default: '100000' },
    'save-bodies': { type: 'string' },
    'from-source': { type: 'boolean', default: false },
    'jwt-rate': { type: 'string', default: '1200' },
    'database-url': { type: 'string' },
    startup: { type: 'boolean', default: false },
    memory: { type: 'boolean', default: false },
    'fhir-load': { type: 'boolean', default: false },
    'fhir-sockets': { type: 'string', default: '32,128,4096' },
  },
});
const DURATION = Number(flags.duration ?? (flags.smoke ? 1 : 5));
const ROUNDS = Number(flags.rounds ?? (flags.smoke ? 1 : 3));
function roundsOf(scenario: Scenario): number {
  if (flags.rounds !== undefined || flags.smoke || scenario.name !== GUARD.scenario) return ROUNDS;
  return GUARD.rounds;
}
const WARMUP = flags.smoke ? 0 : 4;
const CONNECTIONS = Number(flags.connections);
const FHIR_DELAY_MS = Number(flags['fhir-delay']);
const FALLBACK_ITERATIONS = flags.smoke ? 10 : 300;
const USER = 'Practitioner/bench-prac';
const JWT_RATE = Number(flags['jwt-rate']);

/**
 * The service as shipped: `npm start` runs the tsc build (dist/server.js) with plain node. With
 * --from-source (or --profile) it runs src/server.ts through tsx instead; tsx's module wrappers
 * (an accessor per export) make cross-module calls slightly dearer.
 */
const FROM_SOURCE = flags['from-source'] || flags.profile;
const SERVICE = FROM_SOURCE ? { script: 'src/server.ts' } : { script: 'dist/server.js', tsx: false };

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ln-bench-'));
const running = new Set<ServerChild>();
const now = new Date();
const startedAt = Date.now();

function serviceEnv(limit: number): Record<string, string> {
  return {
    CDS_AUTH: 'off',
    LOG_LEVEL: 'info',
    CDS_MAX_BODY: String(limit),
    CDS_DATA_DIR: path.join(tmp, 'data'),
    ...(flags['database-url'] === undefined ? {} : { DATABASE_URL: flags['database-url'] }),
  };
}

async function start(options: Parameters<typeof startServerChild>[0]): Promise<ServerChild> {
  const child = await startServerChild(options);
  running.add(child);
  return child;
}

async function stop(child: ServerChild): Promise<void> {
  await child.stop();
  running.delete(child);
}

function contextOf(scenario: Scenario): HookContext {
  const patientId = patientIdOf(scenario.patient);
  return {
    userId: USER,
    patientId,
    ...(scenario.draftOrders ? { draftOrders: buildDraftOrders(patientId, now) } : {}),
  };
}

function writeRecords(file: string, keys: readonly PatientKey[]): string {
  const resources = keys.flatMap((key) => buildRecord(patientIdOf(key), PATIENTS[key], now));
  writeFileSync(path.join(tmp, file), JSON.stringify(resources));
  return path.join(tmp, file);
}

async function startFhir(
  file: string,
  delayMs: number,
  delayMaxMs = delayMs,
): Promise<{ child: ServerChild; url: string }> {
  const child = await start({
    name: 'fhir',
    script: 'bench/fhir-server.ts',
    args: [file],
    env: { BENCH_FHIR_DELAY_MS: String(delayMs), BENCH_FHIR_DELAY_MAX_MS: String(delayMaxMs) },
    readyLine: 'ready',
  });
  return { child, url: `http://127.0.0.1:${child.port}/fhir` };
}

/**
 * Phase 1: discovery from the service, then each patient's prefetch from a FHIR server holding
 * that record (one server per patient: Medplum's in-memory search scans every resource), as a
 * CDS client builds it.
 */
async function buildBodies(
  scenarios: readonly Scenario[],
): Promise<{ services: DiscoveryService[]; bodies: Map<string, string> }> {
  const service = await start({
    name: 'service',
    ...SERVICE,
    env: serviceEnv(DEFAULT_MAX_BODY),
    readyPath: '/cds-services',
  });
  const discovery = (await (await fetch(`http://127.0.0.1:${service.port}/cds-services`)).json()) as {
    services: DiscoveryService[];
  };
  await stop(service);
  const bodies = new Map<string, string>();
  for (const key of new Set(scenarios.filter((s) => s.data !== 'fallback').map((s) => s.patient))) {
    const fhir = await startFhir(writeRecords(`${key}.json`, [key]), 0);
    for (const scenario of scenarios.filter((s) => s.patient === key)) {
      if (scenario.data === 'fallback') continue; // built once the fallback FHIR server runs
      const definition = serviceOf(discovery.services, scenario);
      const context = contextOf(scenario);
      const prefetch = await buildPrefetch(fhir.url, definition, context, scenario.data);
      bodies.set(scenario.name, buildHookBody({ service: definition, context, prefetch }));
    }
    await stop(fhir.child);
  }
  return { services: discovery.services, bodies };
}

function serviceOf(services: readonly DiscoveryService[], scenario: Scenario): DiscoveryService {
  const found = services.find((s) => s.id === scenario.serviceId);
  if (!found) throw new Error(`discovery has no ${scenario.serviceId}`);
  return found;
}

function cardCodes(answer: string): string {
  const { cards } = JSON.parse(answer) as { cards: { source?: { topic?: { code?: string } } }[] };
  return cards.map((card) => card.source?.topic?.code ?? '?').join(', ') || '(none)';
}

async function runScenario(
  scenario: Scenario,
  services: readonly DiscoveryService[],
  prebuilt: string | undefined,
): Promise<{ figures: ScenarioFigures; fallback?: FallbackFigures }> {
  const definition = serviceOf(services, scenario);
  const context = contextOf(scenario);
  let fhir: { child: ServerChild; url: string } | undefined;
  let body = prebuilt;
  if (scenario.data === 'fallback') {
    fhir = await startFhir(writeRecords('fallback.json', [scenario.patient]), FHIR_DELAY_MS);
    body = buildHookBody({ service: definition, context, fhirServer: fhir.url });
    // Medplum computes each search once (slowly: see bench/fhir-server.ts); from then on it answers from memory.
    await Promise.all(
      queriesOf(fhir.url, definition, context).map((url) => fetch(url).then((r) => r.arrayBuffer())),
    );
  }
  if (body === undefined) throw new Error(`no body for ${scenario.name}`);
  const limit = bodyLimitFor(Buffer.byteLength(body));
  const auth = await authenticationFor(scenario);
  const floor = await start({
    name: 'floor',
    script: 'bench/floor-server.ts',
    env: { ...serviceEnv(limit), ...auth.floorEnv },
    readyPath: '/',
  });
  const profileFile = path.join(REPO_ROOT, 'bench', 'profiles', `${scenario.name}.cpuprofile`);
  const service = await start({
    name: 'service',
    ...SERVICE,
    env: {
      ...serviceEnv(limit),
      ...auth.serviceEnv,
      ...(flags.profile ? { BENCH_PROFILE_FILE: profileFile } : {}),
    },
    ...(auth.servicePort === undefined ? {} : { port: auth.servicePort }),
    readyPath: auth.servicePort === undefined ? '/cds-services' : '/readyz',
    nodeArgs: flags.profile ? ['--import', './bench/profile-window.ts'] : [],
  });
  const floorUrl = `http://127.0.0.1:${floor.port}/cds-services/${scenario.serviceId}`;
  const hookUrl = `http://127.0.0.1:${service.port}/cds-services/${scenario.serviceId}`;
  // Every token is signed now, before any load: the hook sees each once, the floor the same ones.
  const tokens = await auth.sign(Math.ceil(JWT_RATE * (WARMUP + roundsOf(scenario) * DURATION)) + 2, hookUrl);
  const hookTokens = tokens && tokenFeed(tokens);
  const floorTokens = tokens && tokenFeed(tokens);
  const cards = cardCodes(await post(hookUrl, body, hookTokens?.next())); // throws unless 200
  await post(floorUrl, body, floorTokens?.next());

  type Run = LoadResult & { readonly cpuSec: number };
  const load = async (url: string, child: ServerChild, durationSec: number): Promise<Run> => {
    const cpuBefore = child.cpuSeconds();
    const feed = child === service ? hookTokens : floorTokens;
    const result = await runLoad({
      url,
      body,
      connections: CONNECTIONS,
      durationSec,
      ...(feed === undefined ? {} : { nextToken: () => feed.next() }),
    });
    return { ...result, cpuSec: child.cpuSeconds() - cpuBefore };
  };
  if (WARMUP > 0) {
    await load(floorUrl, floor, WARMUP);
    await load(hookUrl, service, WARMUP);
  }
  const floorRuns: Run[] = [];
  const hookRuns: Run[] = [];
  if (flags.profile) {
    mkdirSync(path.dirname(profileFile), { recursive: true });
    rmSync(profileFile, { force: true });
    service.signal('SIGUSR2'); // start profiling: the measured rounds only
  }
  // Floor–hook, hook–floor, …: the machine's speed drifts over minutes, and a fixed order would
  // hand every drift to the same side. Each round's ratio is kept to show the spread.
  const rounds = roundsOf(scenario);
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      floorRuns.push(await load(floorUrl, floor, DURATION));
      hookRuns.push(await load(hookUrl, service, DURATION));
    } else {
      hookRuns.push(await load(hookUrl, service, DURATION));
      floorRuns.push(await load(floorUrl, floor, DURATION));
    }
  }
  if (flags.profile) {
    service.signal('SIGUSR2'); // stop and write
    await waitForFile(profileFile);
  }
  let fallback: FallbackFigures | undefined;
  if (fhir) {
    fallback = await measureFallback({
      fhirUrl: fhir.url,
      fhirDelayMs: FHIR_DELAY_MS,
      definition,
      context,
      hookUrl,
      floorUrl,
      body,
      iterations: FALLBACK_ITERATIONS,
    });
  }

  const side = (runs: Run[], child: ServerChild): ScenarioFigures['floor'] => ({
    rps: runs.reduce((sum, r) => sum + r.requests, 0) / runs.reduce((sum, r) => sum + r.durationSec, 0),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    peakRssMb: child.memory().peakMb,
    requests: runs.reduce((sum, r) => sum + r.requests, 0),
    cpuMsPerRequest:
      (1000 * runs.reduce((sum, r) => sum + r.cpuSec, 0)) / runs.reduce((sum, r) => sum + r.requests, 0),
  });
  const figures: ScenarioFigures = {
    name: scenario.name,
    title: scenario.title,
    bodyKb: Buffer.byteLength(body) / 1024,
    limitMb: limit / 1048576,
    floor: side(floorRuns, floor),
    hook: side(hookRuns, service),
    cards,
    roundRatios: hookRuns.map((run, round) => run.rps / (floorRuns[round]?.rps ?? Number.NaN)),
    non2xx: [...floorRuns, ...hookRuns].reduce((sum, r) => sum + r.non2xx + r.errors, 0),
  };
  if (hookTokens?.exhausted) {
    process.stdout.write(
      `${scenario.name}: the hook ran out of signed tokens (replays refused): raise --jwt-rate\n`,
    );
  }
  await stop(service);
  await stop(floor);
  if (fhir) await stop(fhir.child);
  if (flags.profile) {
    process.stdout.write(
      `\nprofile ${scenario.name} (${profileFile}):\n${summariseProfile(profileFile, 30)}\n`,
    );
  }
  return { figures, ...(fallback ? { fallback } : {}) };
}

interface Authentication {
  readonly serviceEnv: Record<string, string>;
  readonly floorEnv: Record<string, string>;
  /** Fixed beforehand: CDS_PUBLIC_URL, and so every token's `aud`, names it. */
  readonly servicePort?: number;
  /** Signs `count` tokens for the hook URL; undefined for the unauthenticated scenarios. */
  sign(count: number, hookUrl: string): Promise<string[] | undefined>;
}

/**
 * The production settings for a scenario with `jwt`: NODE_ENV=production (which implies
 * CDS_AUTH=required, no CORS origin and closed administration routes), a clients file with
 * inline JWK Sets, CDS_PUBLIC_URL the loopback URL the bench calls.
 */
async function authenticationFor(scenario: Scenario): Promise<Authentication> {
  if (scenario.jwt === undefined)
    return { serviceEnv: {}, floorEnv: {}, sign: () => Promise.resolve(undefined) };
  const clients = await createBenchClients(scenario.jwt);
  const clientsFile = path.join(tmp, `clients-${scenario.name}.json`);
  writeFileSync(clientsFile, JSON.stringify(clients.clientsFile));
  const servicePort = await freePort();
  const publicUrl = `http://127.0.0.1:${servicePort}`;
  return {
    serviceEnv: {
      NODE_ENV: 'production',
      CDS_AUTH: 'required',
      CDS_CLIENTS_FILE: clientsFile,
      CDS_PUBLIC_URL: publicUrl,
    },
    // The floor checks the same `aud`: it verifies the very tokens the hook receives.
    floorEnv: { BENCH_FLOOR_JWKS: JSON.stringify(clients.publicKeys), BENCH_FLOOR_PUBLIC_URL: publicUrl },
    servicePort,
    async sign(count, hookUrl) {
      const started = Date.now();
      const tokens = await clients.sign(count, publicUrl + new URL(hookUrl).pathname);
      process.stdout.write(
        `  ${count} ${scenario.jwt} tokens signed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
      );
      return tokens;
    },
  };
}

async function waitForFile(file: string): Promise<void> {
  for (let i = 0; i < 100 && !existsSync(file); i += 1)
    await new Promise((resolve) => setTimeout(resolve, 100));
}

/** `npm run build` (tsc into dist/, and the stamp `npm start` reads); type errors elsewhere do not stop the emit. */
function buildService(): void {
  const started = Date.now();
  const build = path.join(REPO_ROOT, 'scripts', 'build-when-stale.js');
  spawnSync(process.execPath, [build, '--always'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const built = path.join(REPO_ROOT, 'dist', 'server.js');
  if (!existsSync(built) || statSync(built).mtimeMs < started - 1000) {
    throw new Error('tsc did not emit dist/server.js');
  }
  process.stdout.write(`built dist/ with tsc (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

async function soak(): Promise<void> {
  const scenario = SCENARIOS.find((s) => s.name === 'pv-long');
  if (!scenario) throw new Error('no pv-long scenario');
  if (!FROM_SOURCE) buildService();
  const { bodies } = await buildBodies([scenario]);
  const body = bodies.get(scenario.name) ?? '';
  const service = await start({
    name: 'service',
    ...SERVICE,
    env: serviceEnv(DEFAULT_MAX_BODY),
    readyPath: '/cds-services',
  });
  const url = `http://127.0.0.1:${service.port}/cds-services/${scenario.serviceId}`;
  await post(url, body);
  const amount = Number(flags['soak-requests']);
  let responses = 0;
  const started = Date.now();
  const samples: SoakSample[] = [{ seconds: 0, requests: 0, rssMb: service.memory().rssMb }];
  const sampler = setInterval(
    () =>
      samples.push({
        seconds: (Date.now() - started) / 1000,
        requests: responses,
        rssMb: service.memory().rssMb,
      }),
    5000,
  );
  const result = await runLoad({
    url,
    body,
    connections: CONNECTIONS,
    durationSec: 0,
    amount,
    maxSec: 1200,
    onResponse: () => (responses += 1),
  });
  clearInterval(sampler);
  samples.push({
    seconds: (Date.now() - started) / 1000,
    requests: result.requests,
    rssMb: service.memory().rssMb,
  });
  process.stdout.write(
    `\nsoak: ${result.requests} requests of ${scenario.name} (${(Buffer.byteLength(body) / 1024).toFixed(1)} KB) at ${result.rps.toFixed(0)} req/s, ${CONNECTIONS} connections\n\n`,
  );
  process.stdout.write(`${formatSoak(samples, service.memory().peakMb, result.non2xx + result.errors)}\n`);
  if (result.non2xx + result.errors > 0) process.exitCode = 1;
  await stop(service);
}

async function memory(): Promise<void> {
  const scenario = SCENARIOS.find((s) => s.name === 'pv-long');
  if (!scenario) throw new Error('no pv-long scenario');
  buildService();
  const { bodies } = await buildBodies([scenario]);
  const figures = await measureMemory({
    tmp,
    body: bodies.get(scenario.name) ?? '',
    serviceId: scenario.serviceId,
    ...(flags['database-url'] === undefined ? {} : { databaseUrl: flags['database-url'] }),
    soakRequests: Number(flags['soak-requests']),
    connections: CONNECTIONS,
  });
  process.stdout.write(`\n${formatMemory(figures)}\n`);
  if (figures.some((row) => row.failed > 0)) process.exitCode = 1;
}

/**
 * The FHIR fallback under load: `--connections` (50 unless given) patient-views at once without
 * prefetch, each of the hook's queries answered in 20–50 ms. p99 is read against the slowest
 * answer the FHIR server can give (50 ms) + 15 ms; every answer must be 200 (no 412); the FHIR
 * server counts the connections it holds open at once.
 */
async function fhirLoad(): Promise<void> {
  const scenario = SCENARIOS.find((s) => s.name === 'pv-long-fallback');
  if (!scenario) throw new Error('no pv-long-fallback scenario');
  const connections = flags.connections === '10' ? 50 : CONNECTIONS;
  buildService();
  const { services } = await buildBodies([]);
  const definition = serviceOf(services, scenario);
  const context = contextOf(scenario);
  const fhir = await startFhir(writeRecords('fallback.json', [scenario.patient]), 20, 50);
  const body = buildHookBody({ service: definition, context, fhirServer: fhir.url });
  await Promise.all(queriesOf(fhir.url, definition, context).map((url) => fetch(url).then((r) => r.arrayBuffer())));
  const socketsSeen = async (): Promise<{ open: number; max: number }> =>
    (await (await fetch(`${fhir.url.replace(/\/fhir$/, '')}/__bench/sockets`)).json()) as { open: number; max: number };
  process.stdout.write(
    `\nFHIR fallback under load: ${scenario.name}, ${connections} connections, ${DURATION} s per run, FHIR answers in 20–50 ms (target p99 ≤ 65 ms)\n` +
      `CDS_FHIR_CONNECTIONS  requests  req/s   p50 ms  p99 ms  non-200  FHIR sockets (max open)\n`,
  );
  for (const limit of flags['fhir-sockets'].split(',')) {
    // --profile: the built service as shipped, the profiler preloaded (through tsx) and running
    // during the measured run only.
    const profileFile = path.join(REPO_ROOT, 'bench', 'profiles', `fhir-load-${limit}.cpuprofile`);
    const service = await start({
      name: 'service',
      script: 'dist/server.js',
      tsx: false,
      env: {
        ...serviceEnv(DEFAULT_MAX_BODY),
        CDS_FHIR_CONNECTIONS: limit,
        ...(flags.profile ? { BENCH_PROFILE_FILE: profileFile } : {}),
      },
      nodeArgs: flags.profile ? ['--import', 'tsx', '--import', './bench/profile-window.ts'] : [],
      readyPath: '/cds-services',
    });
    const url = `http://127.0.0.1:${service.port}/cds-services/${scenario.serviceId}`;
    await runLoad({ url, body, connections, durationSec: WARMUP || 1 });
    // The warm-up's last hooks outlive its connections (a hook is not stopped when its client
    // leaves): measured at once, the first requests queued behind them and made p99 ~1.5 s in a
    // 10 s run. The hook deadline (CDS_HOOK_DEADLINE_MS, 2 s) bounds how long they run.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await socketsSeen();
    if (flags.profile) {
      mkdirSync(path.dirname(profileFile), { recursive: true });
      rmSync(profileFile, { force: true });
      service.signal('SIGUSR2');
    }
    const cpuBefore = { service: service.cpuSeconds(), fhir: fhir.child.cpuSeconds(), bench: process.cpuUsage() };
    const result = await runLoad({ url, body, connections, durationSec: DURATION });
    const { max } = await socketsSeen();
    // CPU ms per hook of each process (the load generator runs in this one): which one saturates.
    const perHook = (seconds: number): string => ((seconds * 1000) / result.requests).toFixed(2);
    const bench = process.cpuUsage(cpuBefore.bench);
    process.stdout.write(
      `${limit.padStart(20)}  ${String(result.requests).padStart(8)}  ${result.rps.toFixed(0).padStart(5)}  ${String(result.p50).padStart(6)}  ${String(result.p99).padStart(6)}  ${String(result.non2xx + result.errors).padStart(7)}  ${max}` +
        `  CPU ms/hook: service ${perHook(service.cpuSeconds() - cpuBefore.service)}, FHIR ${perHook(fhir.child.cpuSeconds() - cpuBefore.fhir)}, bench ${perHook((bench.user + bench.system) / 1e6)}\n`,
    );
    if (result.non2xx + result.errors > 0) process.exitCode = 1;
    if (flags.profile) {
      service.signal('SIGUSR2');
      await waitForFile(profileFile);
    }
    await stop(service);
    if (flags.profile) process.stdout.write(`\nprofile (${profileFile}):\n${summariseProfile(profileFile, 30)}\n\n`);
  }
  await stop(fhir.child);
}

async function main(): Promise<void> {
  process.stdout.write(
    `ln-cds-hooks bench: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GB\n`,
  );
  if (flags.soak) return soak();
  if (flags['fhir-load']) return fhirLoad();
  if (flags.memory) return memory();
  if (flags.startup) {
    buildService();
    process.stdout.write(`${formatStartup(await measureStartup(tmp, flags.smoke ? 1 : 5))}\n`);
    return;
  }
  const only = flags.only?.split(',');
  const scenarios = SCENARIOS.filter((s) => !only || only.includes(s.name));
  const guarded = scenarios.find((s) => s.name === GUARD.scenario);
  const guardedRounds =
    guarded && roundsOf(guarded) !== ROUNDS ? ` (${guarded.name}: ${roundsOf(guarded)})` : '';
  process.stdout.write(
    `${scenarios.length} scenarios, ${ROUNDS} round(s) of ${DURATION} s per side${guardedRounds}, ${CONNECTIONS} connections${flags.smoke ? ' (smoke)' : ''}\n`,
  );
  if (!FROM_SOURCE) buildService();
  const { services, bodies } = await buildBodies(scenarios);
  const saveDir = flags['save-bodies'];
  if (saveDir !== undefined) {
    mkdirSync(saveDir, { recursive: true });
    for (const [name, body] of bodies) writeFileSync(path.join(saveDir, `${name}.json`), body);
    process.stdout.write(`bodies written to ${saveDir}; nothing measured\n`);
    return;
  }
  process.stdout.write(`bodies built (${((Date.now() - startedAt) / 1000).toFixed(0)} s)\n`);
  const rows: ScenarioFigures[] = [];
  const fallbacks: FallbackFigures[] = [];
  for (const scenario of scenarios) {
    process.stdout.write(`… ${scenario.name} (${((Date.now() - startedAt) / 1000).toFixed(0)} s)\n`);
    const { figures, fallback } = await runScenario(scenario, services, bodies.get(scenario.name));
    rows.push(figures);
    if (fallback) fallbacks.push(fallback);
  }
  process.stdout.write(`\n${formatScenarioTable(rows)}\n\n${formatScenarioLegend(rows)}\n`);
  const guardedRow = rows.find((row) => row.name === GUARD.scenario);
  if (guardedRow) process.stdout.write(`\n${formatGuardVerdict(guardedRow, GUARD.ratio)}\n`);
  const jwtShare = formatJwtShare(rows, SCENARIOS);
  if (jwtShare !== '') process.stdout.write(`\n${jwtShare}\n`);
  for (const fallback of fallbacks) process.stdout.write(`\n${formatFallback(fallback)}\n`);
  if (rows.some((row) => row.non2xx > 0)) {
    process.stdout.write('\nSome responses were not 2xx or failed: the figures are meaningless.\n');
    process.exitCode = 1;
  }
}

main()
  .catch((error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of running) await child.stop();
    rmSync(tmp, { recursive: true, force: true });
  });
