import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * In-process cost of each stage of one hook, on a compiled build: JSON.parse of the body (the
 * floor's own work), reading the record (`gatherPatientRecord`), and `decide`. Each iteration
 * parses the body afresh, as a request does. Prints the best of 1000-iteration blocks.
 *
 *   npm run build && npx tsx bench/stages.ts /tmp/bodies/pv-long.json [--dist=<other build>/dist]
 *       [--evict=<KB>]
 *
 * (`npm run bench -- --save-bodies=/tmp/bodies` writes the bodies.) `--dist` points at another
 * build (e.g. a `git worktree` of an older commit, built with `npx tsc -p tsconfig.build.json`)
 * to compare two builds in one sitting.
 *
 * `--evict=<KB>` writes to that much other memory before each iteration (not timed), so that the
 * stages start with the service's code and data pushed out of the caches, as between two hooks of
 * a loaded server. On the 2-vCPU VM of docs/performance.md, 32 MB (its L3) makes deciding ~2.6 ×
 * slower and JSON.parse ~1.3 ×; 2 MB changes nothing. Two differences from a server: the body's
 * text is evicted too (a server has just read it from the socket, so JSON.parse suffers more
 * here), and the lines written stay dirty, to be written back during the timed stages.
 */
const args = process.argv.slice(2);
const bodyFile = args.find((arg) => !arg.startsWith('--'));
const dist = path.resolve(args.find((arg) => arg.startsWith('--dist='))?.slice('--dist='.length) ?? 'dist');
if (bodyFile === undefined) throw new Error('usage: tsx bench/stages.ts <body.json> [--dist=<dir>] [--evict=<KB>]');
const evictKb = Number(args.find((arg) => arg.startsWith('--evict='))?.slice('--evict='.length) ?? 0);
if (!Number.isInteger(evictKb) || evictKb < 0) throw new Error('--evict=<KB> takes a whole number of KB');
const elsewhere = new Int32Array(Math.max(1, (evictKb * 1024) / 4));

/** One write per 64-byte cache line of `elsewhere`. */
function evictCaches(): void {
  for (let index = 0; index < elsewhere.length; index += 16) elsewhere[index] = (elsewhere[index] ?? 0) + 1;
}

interface Modules {
  createAjv: () => unknown;
  loadServiceDefinitions: (ajv: unknown, keys: unknown) => { hook: string; prefetch: Record<string, string> }[];
  BOUND_DATA_KEYS: unknown;
  createHookRequestParser: (ajv: unknown) => (body: unknown, hook: string) => unknown;
  gatherPatientRecord: (request: unknown, options: object) => Promise<{ record: unknown }>;
  decide: (input: object) => { cards: { source: { topic?: { code: string } } }[] };
  DEFAULT_TARGETS: unknown;
}

function load(dir: string): Modules {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const from = (file: string): Record<string, unknown> => require(path.join(dir, file)) as Record<string, unknown>;
  return {
    ...from('hooks/ajv'),
    ...from('hooks/service-definitions'),
    ...from('fhir/data-keys'),
    ...from('hooks/hook-request'),
    ...from('fhir/gather-record'),
    ...from('logic/decide'),
    ...from('logic/targets'),
  } as unknown as Modules;
}

async function main(file: string): Promise<void> {
  const m = load(dist);
  const text = readFileSync(file, 'utf8');
  const ajv = m.createAjv();
  const parse = m.createHookRequestParser(ajv);
  const hook = (JSON.parse(text) as { hook: string }).hook;
  const service = m.loadServiceDefinitions(ajv, m.BOUND_DATA_KEYS).find((s) => s.hook === hook);
  if (service === undefined) throw new Error(`no service for ${hook}`);
  const options = {
    hook,
    templates: service.prefetch,
    requesterFactory: () => {
      throw new Error('the body must be fully prefetched');
    },
    isFhirServerAllowed: () => false,
    deadlineMs: 1000,
    timeoutMs: 1000,
    maxPages: 1,
    now: () => performance.now(),
  };
  const block = 1000;
  const best = { json: Infinity, gather: Infinity, decide: Infinity };
  let codes = '';
  for (let round = 0; round < 12; round += 1) {
    const spent = { json: 0, gather: 0, decide: 0 };
    for (let i = 0; i < block; i += 1) {
      if (evictKb > 0) evictCaches();
      const t0 = performance.now();
      const body: unknown = JSON.parse(text);
      const t1 = performance.now();
      const gathered = await m.gatherPatientRecord(parse(body, hook), options);
      const t2 = performance.now();
      const decision = m.decide({ record: gathered.record, now: new Date(), newId: () => 'id', targets: m.DEFAULT_TARGETS });
      const t3 = performance.now();
      spent.json += t1 - t0;
      spent.gather += t2 - t1;
      spent.decide += t3 - t2;
      codes = decision.cards.map((card) => card.source.topic?.code ?? '?').join(', ');
    }
    if (round < 2) continue; // warm-up
    for (const key of ['json', 'gather', 'decide'] as const) best[key] = Math.min(best[key], spent[key]);
  }
  const us = (ms: number): string => `${((ms / block) * 1000).toFixed(1)} µs`;
  console.log(
    `${path.basename(file)} (${dist}${evictKb > 0 ? `, ${evictKb} KB evicted before each iteration` : ''}): JSON.parse ${us(best.json)}, gather ${us(best.gather)}, decide ${us(best.decide)}; cards: ${codes || 'none'}`,
  );
}

void main(bodyFile);
