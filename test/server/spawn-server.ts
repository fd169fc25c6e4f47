import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The shipped entry point (src/server.ts) run as a process, as an operator starts it. */
export interface RunningServer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

const ROOT = path.resolve(__dirname, '..', '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'ln-cds-server-'));

/** Starts the server on a free port with an embedded store of its own, plus `env`. */
export function spawnServer(env: Record<string, string>): RunningServer {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', CDS_DATA_DIR: path.join(scratch, `data-${Math.random()}`), ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The base URL the server logged once listening (`http://127.0.0.1:<port>`). */
export async function baseUrlOf(run: RunningServer, ms = 60_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = /"discovery":"(http:\/\/[^"]+)\/cds-services"/.exec(run.output());
    if (match?.[1]) return match[1];
    if (Date.now() > deadline) throw new Error(`the server did not start; output:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
