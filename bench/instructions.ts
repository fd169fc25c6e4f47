/**
 * Instructions per hook, counted by valgrind (callgrind), for the floor and the service — and, with
 * --dist, a second build of the service — on the same body, one request at a time.
 *
 * Why: on a shared virtual machine the speed drifts by tens of percent within minutes, so two
 * builds a few percent apart cannot be told apart by req/s or CPU time. Instruction counts do not
 * drift; one request at a time keeps the path the same from request to request. What still moves
 * between runs (~1 %) is the JIT compiler and the garbage collector, which depend on timing: they
 * are reported apart, and "mutator" (everything else) is the figure to compare builds by.
 *
 * Counted per thread: the main thread — the one every request runs on, which bounds throughput —
 * and all threads together. The second includes the store's worker thread, which writes the issued
 * cards in batches every 250 ms: at valgrind's pace a batch holds a few cards instead of the
 * hundreds it holds at full speed, so there the store weighs far more per hook than it does under
 * load.
 *
 *   npx tsx bench/instructions.ts --body=/tmp/bodies/pv-long.json [--dist=/path/to/other/checkout]
 *       [--requests=1000] [--warmup=1500]
 *
 * Needs valgrind (Debian: `apt-get install valgrind`); bodies from `npm run bench --
 * --save-bodies=<dir>`. Each server runs under callgrind with instrumentation off until the
 * warm-up is done (callgrind_control -i on/off), so start-up is not counted. Takes ~4 min.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, freePort } from './children';
import { post } from './measure';

const { values: flags } = parseArgs({
  options: {
    body: { type: 'string' },
    dist: { type: 'string' },
    requests: { type: 'string' },
    warmup: { type: 'string' },
  },
});
if (!flags.body) throw new Error('--body=<request body JSON> is required (npm run bench -- --save-bodies=<dir>)');
const REQUESTS = Number(flags.requests ?? 1000);
const WARMUP = Number(flags.warmup ?? 1500);
const body = readFileSync(flags.body, 'utf8');
const hook = (JSON.parse(body) as { hook?: string }).hook;
const serviceId = hook === 'order-sign' ? 'ln-order-sign' : hook === 'order-select' ? 'ln-order-select' : 'ln-patient-view';
const ROOT = REPO_ROOT;
const work = mkdtempSync(path.join(tmpdir(), 'ln-instructions-'));

interface Target {
  readonly name: string;
  readonly cwd: string;
  readonly args: readonly string[];
}

const targets: Target[] = [
  { name: 'floor', cwd: ROOT, args: ['node', '--import', 'tsx', 'bench/floor-server.ts'] },
  { name: 'service', cwd: ROOT, args: ['node', 'dist/server.js'] },
];
if (flags.dist) {
  targets.push({ name: `service (${flags.dist})`, cwd: path.resolve(flags.dist), args: ['node', 'dist/server.js'] });
}

/**
 * vgdb, behind callgrind_control, finds the server's valgrind by pipe names made of the user and
 * host names from the environment: both sides get the same ones.
 */
const VGDB_ENV = { USER: process.env.USER ?? 'bench', LOGNAME: process.env.LOGNAME ?? 'bench', HOST: '127.0.0.1' };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One request at a time, each answered before the next (bench/measure.ts `post` throws unless 200). */
async function drive(port: number, route: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) await post(`http://127.0.0.1:${port}${route}`, body);
}

async function waitUntilUp(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server on ${port} exited`);
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      return;
    } catch {
      await sleep(500);
    }
  }
  throw new Error(`nothing listening on ${port} after 5 min`);
}

function callgrindControl(pid: number, ...args: string[]): void {
  const result = spawnSync('callgrind_control', [...args, String(pid)], { env: { ...process.env, ...VGDB_ENV } });
  // callgrind_control exits 0 even when vgdb found no valgrind: its output says so.
  const output = `${result.stdout.toString()}${result.stderr.toString()}`;
  if (result.status !== 0 || /error|cannot|no such/i.test(output)) {
    throw new Error(`callgrind_control ${args.join(' ')} failed: ${output.trim()}`);
  }
}

interface Counts {
  readonly total: number;
  readonly compiler: number;
  readonly gc: number;
}

/** Every thread of the process, and its main (JavaScript) thread alone. */
interface ThreadCounts {
  readonly all: Counts;
  readonly main: Counts;
}

const COMPILER = /compiler::|Compiler|[Tt]urbofan|[Mm]aglev/;
const GC = /Marking|Mark[A-Z]|Sweep|Scaveng|Evacuat|Heap::|IteratePointers|MemoryChunk|Compact|RememberedSet|SlotSet|Concurrent|Minor|GCTracer|_Rb_tree|Visitor/;

function countsOf(outFile: string): Counts {
  const annotated = spawnSync('callgrind_annotate', ['--threshold=100', outFile], { maxBuffer: 256 * 1024 * 1024 });
  if (annotated.status !== 0) throw new Error(`callgrind_annotate ${outFile} failed: ${annotated.stderr.toString()}`);
  const counts = { total: 0, compiler: 0, gc: 0 };
  for (const line of annotated.stdout.toString().split('\n')) {
    const match = /^\s*([\d,]+)\s+\([\s\d.]+%\)\s+(.*)$/.exec(line);
    if (!match?.[1] || !match[2] || match[2].includes('PROGRAM TOTALS')) continue;
    const instructions = Number(match[1].replaceAll(',', ''));
    counts.total += instructions;
    if (COMPILER.test(match[2])) counts.compiler += instructions;
    else if (GC.test(match[2])) counts.gc += instructions;
  }
  return counts;
}

function perRequest(counts: Counts): Counts {
  return { total: counts.total / REQUESTS, compiler: counts.compiler / REQUESTS, gc: counts.gc / REQUESTS };
}

function sum(a: Counts, b: Counts): Counts {
  return { total: a.total + b.total, compiler: a.compiler + b.compiler, gc: a.gc + b.gc };
}

async function measure(target: Target): Promise<ThreadCounts> {
  const port = await freePort();
  const outFile = path.join(work, `callgrind.${port}`);
  const child: ChildProcess = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--smc-check=all-non-file',
      // One dump per thread: the main thread, which bounds throughput, apart from V8's background
      // compiler and GC threads and the store's worker thread.
      '--separate-threads=yes',
      `--callgrind-out-file=${outFile}`,
      ...target.args,
    ],
    {
      cwd: target.cwd,
      stdio: ['ignore', 'ignore', 'ignore'],
      env: {
        PATH: process.env.PATH ?? '',
        ...VGDB_ENV,
        PORT: String(port),
        CDS_AUTH: 'off',
        LOG_LEVEL: 'info',
        CDS_DATA_DIR: path.join(work, `data-${port}`),
      },
    },
  );
  // Settles whether the child exits or never starts ('error'): awaited below in every case.
  const exited = once(child, 'exit').catch(() => undefined);
  const pid = child.pid;
  if (pid === undefined) throw new Error('valgrind did not start');
  const route = `/cds-services/${serviceId}`;
  try {
    await waitUntilUp(port, child);
    await drive(port, route, WARMUP);
    callgrindControl(pid, '-i', 'on');
    await drive(port, route, REQUESTS);
    callgrindControl(pid, '-i', 'off');
    callgrindControl(pid, '-d');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  }
  // `-d` writes <file>.1-<thread> per thread (01 is the main thread); the dumps at exit
  // (<file>-<thread>, instrumentation off) count nothing.
  const prefix = `callgrind.${port}.1-`;
  const dumps = readdirSync(work)
    .filter((name) => name.startsWith(prefix))
    .sort();
  let all: Counts = { total: 0, compiler: 0, gc: 0 };
  let main: Counts | undefined;
  for (const name of dumps) {
    const counts = countsOf(path.join(work, name));
    all = sum(all, counts);
    if (name === `${prefix}01`) main = counts;
  }
  if (all.total === 0 || main === undefined) throw new Error(`${target.name}: callgrind counted nothing (${prefix}*)`);
  return { all: perRequest(all), main: perRequest(main) };
}

async function main(): Promise<void> {
  if (spawnSync('valgrind', ['--version']).status !== 0) throw new Error('valgrind is not installed');
  if (spawnSync('callgrind_control', ['--version']).error) throw new Error('callgrind_control is not installed');
  for (const target of targets.slice(1)) {
    if (!existsSync(path.join(target.cwd, 'dist', 'server.js'))) throw new Error(`no ${target.cwd}/dist/server.js: build it first`);
  }
  process.stdout.write(`${flags.body}: ${WARMUP} requests of warm-up, ${REQUESTS} counted, one at a time\n`);
  // Two cores: every server at once (valgrind runs each on one).
  const results = await Promise.all(targets.map(measure));
  const k = (n: number): string => (n / 1000).toFixed(0).padStart(7);
  const mutatorOf = (r: Counts | undefined): number => (r ? r.total - r.compiler - r.gc : 0);
  const table = (title: string, pick: (r: ThreadCounts) => Counts): void => {
    process.stdout.write(`\n${title}\n\n| server | instructions/hook (k) | JIT compiler | GC | **mutator** | floor/server (mutator) |\n|---|---:|---:|---:|---:|---:|\n`);
    const floorMutator = mutatorOf(results[0] && pick(results[0]));
    for (const [index, target] of targets.entries()) {
      const result = results[index];
      if (!result) continue;
      const r = pick(result);
      const mutator = mutatorOf(r);
      process.stdout.write(`| ${target.name} | ${k(r.total)} | ${k(r.compiler)} | ${k(r.gc)} | **${k(mutator)}** | ${(floorMutator / mutator).toFixed(3)} |\n`);
    }
  };
  table('Main thread (the one a hook waits for; it bounds throughput):', (r) => r.main);
  table(
    'All threads (with the store\'s worker: at valgrind\'s pace its batches hold a few cards, not hundreds, so its per-statement cost weighs far more per hook than at full speed):',
    (r) => r.all,
  );
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    rmSync(work, { recursive: true, force: true });
  });
