import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * Server processes of the benchmark: the service, the floor and the FHIR server each run in a
 * child process of their own, so none shares the load generator's event loop. Each is a plain
 * `node [--import tsx] <script>` (no wrapper process), so its pid is the server's own and
 * /proc/<pid>/status is its memory.
 */
export const REPO_ROOT = path.resolve(__dirname, '..');

export interface ServerChild {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** VmHWM (peak resident set) and VmRSS, in MB. */
  memory(): { peakMb: number; rssMb: number };
  /** CPU time (user + system) used so far, in seconds: robust to other load on the machine. */
  cpuSeconds(): number;
  signal(name: NodeJS.Signals): void;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly name: string;
  /** Script relative to the repository root. */
  readonly script: string;
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly nodeArgs?: readonly string[];
  /** Load TypeScript through tsx (default); false for compiled JavaScript (the shipped dist/). */
  readonly tsx?: boolean;
  /** Ready when this path answers 2xx … */
  readonly readyPath?: string;
  /** … or when the child prints this line on stdout. */
  readonly readyLine?: string;
  readonly timeoutMs?: number;
  /** A port chosen beforehand (freePort), when the environment must name it; default: a free one. */
  readonly port?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Only what a server needs from the environment; nothing of the bench's own settings leaks in. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export async function startServerChild(options: StartOptions): Promise<ServerChild> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(options.tsx === false ? [] : ['--import', 'tsx']),
      ...(options.nodeArgs ?? []),
      options.script,
      ...(options.args ?? []),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...baseEnv(), ...options.env, PORT: String(port), HOST: '127.0.0.1' },
      // The service logs one JSON line per request; like a production log sink, nobody waits on it.
      stdio: ['ignore', options.readyLine ? 'pipe' : 'ignore', 'pipe'],
    },
  );
  if (child.pid === undefined) throw new Error(`${options.name}: could not start`);
  const pid = child.pid;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  if (options.readyLine !== undefined) {
    const line = options.readyLine;
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(
        () => reject(new Error(`${options.name}: not ready in time\n${stderr}`)),
        deadline - Date.now(),
      );
      child.stdout?.on('data', (chunk: Buffer) => {
        seen = (seen + chunk.toString('utf8')).slice(-1000);
        if (seen.includes(line)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exit.then(() => {
        clearTimeout(timer);
        reject(new Error(`${options.name}: exited before ready\n${stderr}`));
      });
    });
    child.stdout?.resume();
  } else {
    const url = `http://127.0.0.1:${port}${options.readyPath ?? '/'}`;
    for (;;) {
      if (exited) throw new Error(`${options.name}: exited before ready\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`${options.name}: not ready in time\n${stderr}`);
      const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    name: options.name,
    pid,
    port,
    memory: () => readMemory(pid),
    cpuSeconds: () => readCpuSeconds(pid),
    signal: (name) => {
      if (!exited) child.kill(name);
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(killer);
    },
  };
}

function readMemory(pid: number): { peakMb: number; rssMb: number } {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { peakMb: Number.NaN, rssMb: Number.NaN };
  }
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

/** utime + stime of /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux). */
function readCpuSeconds(pid: number): number {
  let stat = '';
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return Number.NaN;
  }
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
