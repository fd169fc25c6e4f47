import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import winston from 'winston';
import { buildPrefetch, buildHookBody, type DiscoveryService } from '../bench/bodies';
import { startServerChild } from '../bench/children';
import { queriesOf } from '../bench/fallback';
import { buildDraftOrders, buildRecord } from '../bench/records';
import { PATIENTS, SCENARIOS, patientIdOf, type PatientKey } from '../bench/scenarios';
import { startMemoryFhirServer } from '../dev/memory-fhir-server';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging/logger';

/**
 * Every answer of the service to a fixed, large set of requests, to show a refactor changes no
 * card: run it on both checkouts and `cmp` the files. Inputs: the acceptance cases in both modes
 * (as test/acceptance does), the recorded Sandbox hook calls, the bench's bodies, and ~40 seeded
 * mutations of each. It imports src/app, src/config, src/logger, dev/ and bench/ only (not test/),
 * so the same file runs on a tree whose tests are being refactored.
 *   npx tsx scripts/answers-snapshot.ts --out FILE [--acceptance DIR] [--wave2 DIR] [--sandbox DIR]
 * One canonical JSON line per request (keys sorted): id, mutation, input hash, status, body,
 * debug notes and the other log lines minus volatile fields. Nothing differs between two runs:
 * card ids count from 1 per request, the clock is fixed, Medplum's random meta is pinned, ports
 * are written as PORT, hookInstances derive from the request's id.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
/** One request before mutation; `id` is kind:name:mode. */
type Input = { id: string; service: string; now: Date; body: JsonObject; headers?: Record<string, string> };

const { values: flags } = parseArgs({
  options: {
    out: { type: 'string' },
    acceptance: { type: 'string', default: path.join(__dirname, '..', 'fixtures', 'acceptance') },
    wave2: { type: 'string' }, // default: acceptance-wave2 beside --acceptance, if it exists
    sandbox: { type: 'string', default: path.join(__dirname, '..', 'fixtures', 'sandbox-requests') },
    mutations: { type: 'string', default: '40' },
  },
});
const OUT = flags.out ?? '';
if (OUT === '') throw new Error('usage: answers-snapshot.ts --out FILE [--acceptance DIR] [--sandbox DIR]');
const SEED = 0x5eed1e55;
const BENCH_NOW = new Date('2026-06-01T09:00:00.000Z'); // bench/run.ts uses the real clock: not repeatable
const DEFAULT_NOW = new Date('2026-01-01T00:00:00.000Z');
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const hex = (text: string): string => createHash('sha256').update(text).digest('hex');
const uuidOf = (h: string): string =>
  `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
/** The FHIR servers listen on ephemeral ports: in hashes and records any loopback URL gets PORT. */
const unport = (text: string): string => text.replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:PORT');

// ---- The app as the tests build it, but one for the whole run: the clock and a counter of ids
// are reset before each request; log lines are kept by the request id that each of them carries.
let clock = DEFAULT_NOW;
let ids = 0;
const logged = new Map<string, JsonObject[]>();
let partial = '';
const sink = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts.filter(Boolean).map((part) => JSON.parse(part) as JsonObject)) {
      if (typeof line.requestId === 'string') logged.set(line.requestId, [...(logged.get(line.requestId) ?? []), line]);
    }
    callback();
  },
});
function buildApp(): ReturnType<typeof createApp> {
  return createApp({
    // bench x16 bodies pass 2 MB (bench/scenarios.ts bodyLimitFor). CDS_SMART_LINKS=off from the
    // environment compares the cards with a checkout from before the timeline links.
    config: loadConfig({ CDS_MAX_BODY: '64mb', CDS_SMART_LINKS: process.env.CDS_SMART_LINKS }),
    logger: createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream: sink })] }),
    clock: () => clock,
    newId: () => `00000000-0000-4000-8000-${String((ids += 1)).padStart(12, '0')}`,
  });
}

// ---- Seeded mutations (mulberry32), one stream per input: adding an input shifts no other's.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type Slot = { path: string; depth: number; value: Json } & (
  | { inArray: true; parent: Json[]; key: number }
  | { inArray: false; parent: JsonObject; key: string }
);
/** Every node of the prefetch and of the draft orders (medication-prescribe: `medications`). */
function slotsOf(body: JsonObject): Slot[] {
  const out: Slot[] = [];
  const visit = (s: Slot): void => {
    out.push(s);
    const { value, depth } = s;
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit({ path: `${s.path}[${i}]`, depth: depth + 1, value: v, inArray: true, parent: value, key: i }));
    } else if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        visit({ path: `${s.path}.${k}`, depth: depth + 1, value: v, inArray: false, parent: value, key: k });
      }
    }
  };
  const context = isObject(body.context) ? body.context : {};
  for (const [parent, key] of [[body, 'prefetch'], [context, 'draftOrders'], [context, 'medications']] as const) {
    const value = parent[key];
    if (value !== undefined) visit({ path: key, depth: 0, value, inArray: false, parent, key });
  }
  return out;
}
const UNITS = ['mg', 'g', 'mcg', 'ng/mL', 'ug/L', 'nmol/L', 'mg/L', 'mg/dL', 'mmol/L', 'kg', '[lb_av]', 'mg/kg'];
UNITS.push('mL/min/{1.73_m2}', '{tbl}', '{pill}', 'h', 'd', 'wk', 'mo', '%', 'furlong');
const show = (v: Json | undefined): string => JSON.stringify(v ?? null).slice(0, 60);

/** One mutation of `body`, in place: what it did, or undefined when there is nothing to mutate. */
function mutate(body: JsonObject, random: () => number): string | undefined {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const slots = slotsOf(body);
  const leaves = slots.filter((s) => s.depth > 0 && (s.value === null || typeof s.value !== 'object'));
  if (leaves.length === 0) return undefined;
  const op = pick(['delete', 'retype', 'retype', 'duplicate', 'unit', 'date'] as const);
  const candidates = {
    delete: slots.filter((s) => s.depth > 0 && !s.inArray),
    retype: leaves,
    duplicate: slots.filter((s) => Array.isArray(s.value) && s.value.length > 0),
    // A Quantity's unit or UCUM code, a timing's periodUnit/durationUnit.
    unit: leaves.filter((s) => !s.inArray && (/unit$/i.test(s.key) || (s.key === 'code' && 'value' in s.parent))),
    date: leaves.filter((s) => typeof s.value === 'string' && /^\d{4}-\d{2}/.test(s.value)),
  }[op];
  const kind = candidates.length > 0 ? op : 'retype';
  const s = pick(candidates.length > 0 ? candidates : leaves);
  const v = s.value;
  if (kind === 'delete' && !s.inArray) {
    delete s.parent[s.key];
    return `delete ${s.path}`;
  }
  if (kind === 'duplicate' && Array.isArray(v)) {
    const i = Math.floor(random() * v.length);
    v.splice(i + 1, 0, structuredClone(v[i] ?? null));
    return `duplicate ${s.path}[${i}]`;
  }
  let next: Json;
  if (kind === 'unit') next = pick(UNITS.filter((u) => u !== v));
  else if (kind === 'date' && typeof v === 'string') {
    const noZone = v.replace(/(Z|[+-]\d\d:\d\d)$/, '');
    next = pick([v.slice(0, 4), v.slice(0, 7), v.slice(0, 10), `${v.slice(0, 10)}T25:61:00Z`, noZone, '2026-02-30', 'not a date', '']);
  } else {
    const isNumeric = typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v));
    const swapped = typeof v === 'number' || typeof v === 'boolean' ? String(v) : isNumeric ? Number(v) : typeof v === 'string' ? 7 : 0;
    next = pick<Json>([swapped, null, [], '  ', 1e308, typeof v === 'number' ? -Math.abs(v) - 1 : -1]);
  }
  if (s.inArray) s.parent[s.key] = next;
  else s.parent[s.key] = next;
  return `${kind} ${s.path} ${show(v)} -> ${show(next)}`;
}

/** Medplum stamps a random versionId and the real time on every resource: pinned, so inputs repeat. */
function pinMeta(value: Json): void {
  if (Array.isArray(value)) value.forEach(pinMeta);
  if (!isObject(value)) return;
  if (isObject(value.meta) && 'versionId' in value.meta) value.meta.versionId = '1';
  if (isObject(value.meta) && 'lastUpdated' in value.meta) value.meta.lastUpdated = DEFAULT_NOW.toISOString();
  Object.values(value).forEach(pinMeta);
}

function parsed(text: string): Json {
  try {
    return text === '' ? null : (JSON.parse(text) as Json);
  } catch {
    return text; // not JSON: kept as text
  }
}

// ---- Sending: one request at a time, so the clock and the id counter belong to it alone.
let base = '';
const sent: { id: string; mutation: string; input: string; status: number; body: Json; requestId: string }[] = [];
async function post(input: Input, index: number, mutation: string, body: JsonObject): Promise<void> {
  clock = input.now;
  ids = 0;
  const text = JSON.stringify(body);
  const headers = { 'content-type': 'application/json', ...input.headers };
  const response = await fetch(`${base}/cds-services/${input.service}`, { method: 'POST', headers, body: text });
  const answer = await response.text();
  const id = `${input.id}:m${String(index).padStart(2, '0')}`;
  const requestId = response.headers.get('x-request-id') ?? '';
  sent.push({ id, mutation, input: hex(unport(text)).slice(0, 16), status: response.status, body: parsed(answer), requestId });
}
/** The input as it is, then its mutations (none when it holds neither prefetch nor draft orders). */
async function run(input: Input): Promise<void> {
  await post(input, 0, 'none', input.body);
  const random = mulberry32(SEED ^ parseInt(hex(input.id).slice(0, 8), 16));
  for (let i = 1; i <= Number(flags.mutations); i += 1) {
    const body = structuredClone(input.body);
    const did = mutate(body, random);
    if (did === undefined) return;
    await post(input, i, did, body);
  }
}
const readJsonDir = <T>(dir: string): (T & { file: string })[] =>
  readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T) }));
/** A CDS client's template filling, as test/acceptance/acceptance.test.ts does it. */
function fillTokens(template: string, context: JsonObject): string {
  const field = (name: string): string => (typeof context[name] === 'string' ? context[name] : '');
  return template
    .replace(/\{\{context\.(\w+)\}\}/g, (_m, name: string) => encodeURIComponent(field(name)))
    .replaceAll('{{userPractitionerId}}', encodeURIComponent(field('userId').replace(/^Practitioner\//, '')));
}

async function main(): Promise<void> {
  const started = Date.now();
  const server = buildApp().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const discovery = ((await (await fetch(`${base}/cds-services`)).json()) as { services: DiscoveryService[] }).services;
  const serviceById = (id: string): DiscoveryService =>
    discovery.find((s) => s.id === id) ?? { id, hook: '', prefetch: {} }; // unknown: the service answers 404
  const fhir = await startMemoryFhirServer();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'answers-snapshot-'));
  try {
    // 1. Acceptance cases: the record on the FHIR server; prefetch from our templates, then fallback.
    const wave2 = flags.wave2 ?? path.join(path.dirname(flags.acceptance), 'acceptance-wave2');
    type Case = { id: string; hook: string; now: string; context: JsonObject; fhir: object[] };
    for (const c of [flags.acceptance, ...(existsSync(wave2) ? [wave2] : [])].flatMap((dir) => readJsonDir<Case>(dir))) {
      fhir.clear();
      await fhir.load(c.fhir);
      const service = discovery.find((s) => s.hook === c.hook)?.id ?? c.hook;
      const prefetch: JsonObject = {};
      for (const [key, template] of Object.entries(serviceById(service).prefetch)) {
        const response = await fetch(`${fhir.url}/${fillTokens(template, c.context)}`);
        if (response.ok) prefetch[key] = (await response.json()) as Json; // a failed query is omitted
      }
      pinMeta(prefetch);
      for (const [mode, data] of [['prefetch', { prefetch }], ['fallback', { fhirServer: fhir.url }]] as const) {
        const id = `acceptance:${c.id}:${mode}`;
        const body = { hook: c.hook, hookInstance: uuidOf(hex(id)), context: c.context, ...data };
        await run({ id, service, now: new Date(c.now), body });
      }
    }

    // 2. Recorded Sandbox hook calls. What they did not prefetch is read from p01's record as the
    // recordings hold it (test/hooks/sandbox-replay does the same), on our server: fhirServer rewritten.
    type Recorded = { method: string; path: string; headers: Record<string, string>; body: Json };
    const recordings = readJsonDir<Recorded>(flags.sandbox);
    const resources = new Map<string, JsonObject>();
    for (const r of recordings) {
      for (const v of Object.values(isObject(r.body) && isObject(r.body.prefetch) ? r.body.prefetch : {})) {
        const found = isObject(v) && Array.isArray(v.entry) ? v.entry.map((e) => (isObject(e) ? e.resource : null)) : [v];
        for (const res of found.filter(isObject)) resources.set(JSON.stringify([res.resourceType, res.id]), res);
      }
    }
    fhir.clear();
    await fhir.load([...resources.values()]);
    for (const r of recordings) {
      const service = /^\/cds-services\/([^/]+)$/.exec(r.path)?.[1];
      if (r.method !== 'POST' || !service || !isObject(r.body) || !('hook' in r.body)) continue; // discovery, CORS, feedback
      // The clock at the recording's own time, its JWT's iat (the README dates the record by it).
      const payload = (r.headers.authorization ?? '').split('.')[1] ?? '';
      const iat = payload ? (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iat?: number }).iat : undefined;
      const body = { ...r.body, ...('fhirServer' in r.body ? { fhirServer: fhir.url } : {}) };
      const id = `sandbox:${r.file.replace(/\.json$/, '')}:recorded`;
      await run({ id, service, now: iat ? new Date(iat * 1000) : DEFAULT_NOW, body, headers: r.headers });
    }

    // 3. The bench's bodies (bench/run.ts buildBodies), each record on bench/fhir-server.ts as the
    // bench runs it (Medplum with narrowed search parameters: plain Medplum takes seconds a search).
    const USER = 'Practitioner/bench-prac';
    for (const key of Object.keys(PATIENTS) as PatientKey[]) {
      const patientId = patientIdOf(key);
      const file = path.join(tmp, `${key}.json`);
      writeFileSync(file, JSON.stringify(buildRecord(patientId, PATIENTS[key], BENCH_NOW)));
      const env = { BENCH_FHIR_DELAY_MS: '0' };
      const child = await startServerChild({ name: 'fhir', script: 'bench/fhir-server.ts', args: [file], env, readyLine: 'ready' });
      const url = `http://127.0.0.1:${child.port}/fhir`;
      const draftOrders = buildDraftOrders(patientId, BENCH_NOW);
      const send = async (name: string, service: string, body: string): Promise<void> => {
        const parsed = JSON.parse(body) as JsonObject;
        const id = `bench:${name}:${'fhirServer' in parsed ? 'fallback' : 'prefetch'}`;
        parsed.hookInstance = uuidOf(hex(id)); // buildHookBody draws a random one
        pinMeta(parsed);
        await run({ id, service, now: BENCH_NOW, body: parsed });
      };
      try {
        for (const scenario of SCENARIOS.filter((s) => s.patient === key)) {
          const service = serviceById(scenario.serviceId);
          const context = { userId: USER, patientId, ...(scenario.draftOrders ? { draftOrders } : {}) };
          if (scenario.data === 'fallback') {
            // As the bench does: Medplum computes each search once, slowly (past the hook's deadline).
            await Promise.all(queriesOf(url, service, context).map((q) => fetch(q).then((r) => r.arrayBuffer())));
            await send(scenario.name, service.id, buildHookBody({ service, context, fhirServer: url }));
          } else {
            const prefetch = await buildPrefetch(url, service, context, scenario.data);
            await send(scenario.name, service.id, buildHookBody({ service, context, prefetch }));
          }
        }
        // The bench measures patient-view and order-sign only; the typical and long records also
        // go to every other service (with the bench's draft MMF order).
        if (key !== 'typical' && key !== 'long-x1') continue;
        const selections = [`MedicationRequest/${patientId}-draft-mmf`];
        const contexts: Readonly<Record<string, object>> = {
          'ln-order-select': { selections, draftOrders },
          'ln-order-sign': { draftOrders },
          'ln-medication-prescribe': { medications: draftOrders },
        };
        for (const service of discovery) {
          if (SCENARIOS.some((s) => s.patient === key && s.serviceId === service.id && s.data === 'bounded')) continue;
          const prefetch = await buildPrefetch(url, service, { userId: USER, patientId }, 'bounded');
          const context = { userId: USER, patientId, ...contexts[service.id] };
          await send(`${key}-${service.id}`, service.id, JSON.stringify({ hook: service.hook, context, prefetch }));
        }
      } finally {
        await child.stop();
      }
    }
  } finally {
    await fhir.close();
    server.closeAllConnections();
    server.close();
    rmSync(tmp, { recursive: true, force: true });
  }

  // ---- Records. The access line ('request') holds only timings and ids once those are dropped.
  await new Promise((resolve) => setImmediate(resolve)); // the last log lines
  const VOLATILE = new Set(['timestamp', 'requestId', 'hookInstance', 'durationMs', 'stack', 'service', 'notes']);
  const canonical = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(canonical);
    return isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k] ?? null)])) : v;
  };
  const lines: string[] = [];
  const tally = new Map<string, number>();
  const count = (key: string, n = 1): void => void tally.set(key, (tally.get(key) ?? 0) + n);
  for (const s of sent) {
    const own = logged.get(s.requestId) ?? [];
    const notes = own.flatMap((line) => (Array.isArray(line.notes) ? line.notes : []));
    const logs = own
      .filter((line) => line.message !== 'request')
      .map((line) => Object.fromEntries(Object.entries(line).filter(([k]) => !VOLATILE.has(k))));
    const record: JsonObject = { id: s.id, mutation: s.mutation, input: s.input, status: s.status, body: s.body, notes, logs };
    lines.push(unport(JSON.stringify(canonical(record))));
    count(`${s.id.split(':')[0] ?? ''}${s.mutation === 'none' ? '' : ' mutated'}`);
    count(`status ${s.status}`);
    if (isObject(s.body) && Array.isArray(s.body.cards)) count('cards', s.body.cards.length);
  }
  writeFileSync(OUT, `${lines.join('\n')}\n`);
  const summary = [...tally].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${sent.length} requests in ${seconds} s -> ${OUT}\n  ${summary.join(', ')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`answers-snapshot failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
