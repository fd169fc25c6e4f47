import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The shipped entry point (src/server.ts) as an operator meets it: configuration problems stop
 * start-up with a message naming the setting; a good start says where discovery is; SIGTERM
 * stops it cleanly.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'ln-cds-startup-'));

interface Run {
  readonly child: ChildProcessWithoutNullStreams;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function startServer(env: Record<string, string>): Run {
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

async function waitFor(run: Run, pattern: RegExp, ms = 60000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = run.output().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('starting the service', () => {
  test('an invalid CDS_TARGETS_FILE stops start-up with a message naming the field', async () => {
    const file = path.join(scratch, 'targets.json');
    writeFileSync(file, JSON.stringify({ tacrolimus: { troughNgPerMl: { min: 'four' } } }));
    const run = startServer({ CDS_TARGETS_FILE: file });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toMatch(/CDS_TARGETS_FILE: .*\/tacrolimus\/troughNgPerMl\/min/);
  });

  test('production without a clients file refuses to start', async () => {
    const run = startServer({ NODE_ENV: 'production', HOST: '127.0.0.1' });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toContain('CDS_CLIENTS_FILE');
  });

  test('a port already in use is a failed start with a message, not a quiet exit', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const { port } = blocker.address() as AddressInfo;
    try {
      const run = startServer({ PORT: String(port) });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
      expect(run.output()).not.toContain('"message":"listening"');
    } finally {
      blocker.close();
    }
  }, 90000);

  test('a development start prints the discovery URL and auth mode, serves, and stops cleanly on SIGTERM', async () => {
    const run = startServer({});
    try {
      const [, url] = await waitFor(run, /"discovery":"(http:\/\/[^"]+\/cds-services)"/);
      expect(run.output()).toMatch(/CDS_AUTH=off/);
      const response = await fetch(url ?? '');
      expect(response.status).toBe(200);
      const body = (await response.json()) as { services: unknown[] };
      expect(body.services).toHaveLength(4);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 90000);

  test('a malformed CDS_ADMIN_TOKEN_SHA256 stops start-up naming it, without printing the value', async () => {
    const run = startServer({ CDS_ADMIN_TOKEN_SHA256: 'my-admin-password' });
    expect(await run.exited).toBe(78);
    expect(run.output()).toContain('CDS_ADMIN_TOKEN_SHA256 must be the 64 hex digits');
    expect(run.output()).not.toContain('my-admin-password');
  }, 90000);

  test('with an administration token: /admin needs it, and audit retention runs at start with its count logged', async () => {
    const token = 'start-up-test-admin-token-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
    const digest = createHash('sha256').update(token).digest('hex');
    const run = startServer({ CDS_ADMIN_TOKEN_SHA256: digest, CDS_AUDIT_RETENTION_DAYS: '365' });
    try {
      const [, url] = await waitFor(run, /"discovery":"(http:\/\/[^"]+)\/cds-services"/);
      await waitFor(run, /"message":"audit retention: issued-card records deleted"/);
      const retention = run.output().split('\n').find((line) => line.includes('audit retention'));
      expect(JSON.parse(retention ?? '{}')).toMatchObject({ level: 'info', deleted: 0, retentionDays: 365 });
      expect(run.output()).toContain('"adminRoutes":"token"');
      expect((await fetch(`${url ?? ''}/admin/feedback-report`)).status).toBe(401);
      const admitted = await fetch(`${url ?? ''}/admin/feedback-report`, { headers: { authorization: `Bearer ${token}` } });
      expect(admitted.status).toBe(200);
      expect(run.output()).not.toContain(token);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 90000);
});
