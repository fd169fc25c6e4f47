import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError } from '../../src/errors';
import { takeDataDirLock } from '../../src/store/data-dir-lock';
import { openPgliteClient } from '../../src/store/pglite-client';
import { openStore } from '../../src/store/open-store';
import { createTemplate } from '../../src/store/pglite-template';
import { ROOT } from '../support/service-process';

/**
 * The embedded default: data survives a restart, and PGlite — one process per data directory —
 * is never opened by a second live process, whatever pid it has or path it takes; the moment the
 * holder dies (kill -9 included) the directory is free again.
 */
const NOW = new Date('2026-11-22T02:09:00Z');
const options = (dataDir: string) => ({
  pgliteDataDir: dataDir,
  now: () => NOW,
  onBackgroundError: () => undefined,
});
const freshDir = (): string => join(mkdtempSync(join(tmpdir(), 'ln-pglite-')), 'pglite');

interface Holder {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves with the holder's first line: `holding <pid>` or `refused: …`. */
  readonly said: Promise<string>;
  readonly exited: Promise<number | string | null>;
}

/** Another process opening the store (test/support/hold-embedded-store.ts), optionally with a given pid. */
function startHolder(dataDir: string, samePid?: number): Holder {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ...(samePid === undefined ? [] : ['--import', './test/support/same-pid-preload.ts']),
      'test/support/hold-embedded-store.ts',
      dataDir,
    ],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...(samePid === undefined ? {} : { SAME_PID: String(samePid) }) },
    },
  );
  let out = '';
  const said = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.on('exit', () => reject(new Error(`holder exited without a word: ${out}`)));
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  return { child, said, exited };
}

const holders: Holder[] = [];
afterEach(() => {
  for (const holder of holders.splice(0)) holder.child.kill('SIGKILL');
});

describe('embedded PGlite data directory', () => {
  test('a directory PGlite cannot open fails the start with the reason, and stays free for the next try', async () => {
    const dataDir = freshDir();
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'PG_VERSION'), '99\n'); // not a PostgreSQL 17 data directory
    await expect(openStore(options(dataDir))).rejects.toThrow(/PGlite/);
    const again = openStore(options(dataDir));
    await expect(again).rejects.toThrow(/PGlite/);
    await expect(again).rejects.not.toThrow(DataDirLockedError);
  });

  test('a new store copied from the empty cluster the build makes keeps its data across a restart, even after a copy cut short', async () => {
    const template = join(mkdtempSync(join(tmpdir(), 'ln-pglite-template-')), 'cluster');
    await createTemplate(template);
    const dataDir = freshDir();
    // A start killed while copying: everything but the PG_VERSION marker, one file truncated.
    mkdirSync(dataDir);
    cpSync(template, dataDir, { recursive: true });
    rmSync(join(dataDir, 'PG_VERSION'));
    writeFileSync(join(dataDir, 'global', 'pg_control'), '');
    const first = await openPgliteClient(dataDir, { template });
    await first.exec('CREATE TABLE ward_note (id text PRIMARY KEY); INSERT INTO ward_note VALUES (\'kept\')');
    await first.close();
    const second = await openPgliteClient(dataDir);
    try {
      await expect(second.query('SELECT id FROM ward_note')).resolves.toEqual([{ id: 'kept' }]);
    } finally {
      await second.close();
    }
  }, 120_000);

  test('keeps the issued cards and feedback across a restart of the service', async () => {
    const dataDir = freshDir();
    const first = await openStore(options(dataDir));
    await first.recordIssuedCards([
      {
        uuid: 'card-1',
        serviceId: 'ln-patient-view',
        ruleCode: 'tacrolimus-trough-low',
        hookInstance: 'hook-1',
        issuedAt: NOW,
      },
    ]);
    await first.close();

    const second = await openStore(options(dataDir));
    try {
      const report = await second.feedbackReport();
      expect(report.rules).toEqual([
        { ruleCode: 'tacrolimus-trough-low', issued: 1, shadow: 0, accepted: 0, overridden: 0, overrideReasons: [] },
      ]);
    } finally {
      await second.close();
    }
  });

  test('refuses the directory while another process has it open, naming that process', async () => {
    const dataDir = freshDir();
    const holder = startHolder(dataDir);
    holders.push(holder);
    const said = await holder.said;
    expect(said).toMatch(/^holding \d+$/);
    const pid = said.split(' ')[1] ?? '';
    const refused = openStore(options(dataDir));
    await expect(refused).rejects.toThrow(DataDirLockedError);
    await expect(refused).rejects.toThrow(
      new RegExp(`in use by another running process \\(pid ${pid} on host `),
    );
  }, 60_000);

  test("refuses it to a process that has the holder's pid, as every service is pid 1 in its own container", async () => {
    const dataDir = freshDir();
    const first = startHolder(dataDir);
    holders.push(first);
    const pid = Number((await first.said).split(' ')[1]);
    const second = startHolder(dataDir, pid);
    holders.push(second);
    expect(await second.said).toMatch(
      /^refused: the PGlite data directory .* is in use by another running process/,
    );
    expect(await second.exited).toBe(3);
  }, 60_000);

  test('refuses a second opening within one process', async () => {
    const dataDir = freshDir();
    const store = await openStore(options(dataDir));
    try {
      await expect(openStore(options(dataDir))).rejects.toThrow(DataDirLockedError);
    } finally {
      await store.close();
    }
  });

  test('refuses a symbolic link to a directory in use, naming the directory it leads to', async () => {
    const dataDir = freshDir();
    const link = join(dataDir, '..', 'link-to-pglite');
    const holder = startHolder(dataDir);
    holders.push(holder);
    await holder.said;
    symlinkSync(dataDir, link);
    const refused = openStore(options(link));
    await expect(refused).rejects.toThrow(DataDirLockedError);
    await expect(refused).rejects.toThrow(
      `the PGlite data directory ${dataDir} (reached through ${link}) is in use`,
    );
  }, 60_000);

  test('opens a data directory through a symbolic link when nobody else has it: the same data', async () => {
    const dataDir = freshDir();
    const first = await openStore(options(dataDir));
    await first.recordIssuedCards([
      {
        uuid: 'card-1',
        serviceId: 'ln-patient-view',
        ruleCode: 'tacrolimus-trough-low',
        hookInstance: 'h',
        issuedAt: NOW,
      },
    ]);
    await first.close();
    const link = join(dataDir, '..', 'link-to-pglite');
    symlinkSync(dataDir, link);
    const second = await openStore(options(link));
    try {
      expect(second.description.location).toBe(dataDir);
      await expect(second.findIssuedCard('card-1')).resolves.toMatchObject({
        ruleCode: 'tacrolimus-trough-low',
      });
    } finally {
      await second.close();
    }
  });

  test('is free the moment its holder is killed (kill -9): the kernel drops the lock with the process', async () => {
    const dataDir = freshDir();
    const holder = startHolder(dataDir);
    holders.push(holder);
    await holder.said;
    await expect(takeDataDirLock(dataDir)).rejects.toThrow(DataDirLockedError);
    holder.child.kill('SIGKILL');
    expect(await holder.exited).toBe('SIGKILL');
    // No waiting for a lease to expire: the first try after the holder is gone succeeds.
    const lock = await takeDataDirLock(dataDir);
    lock.release();
    const store = await openStore(options(dataDir));
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
  }, 60_000);

  test('durable commits: PGlite writes its WAL O_DSYNC with fsync on; by default it runs with fsync off', async () => {
    const settings = async (syncCommits: boolean) => {
      const client = await openPgliteClient(freshDir(), { syncCommits });
      try {
        return await client.query<{ name: string; setting: string }>(
          "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'wal_sync_method') ORDER BY name",
        );
      } finally {
        await client.close();
      }
    };
    expect(await settings(true)).toEqual([
      { name: 'fsync', setting: 'on' },
      { name: 'wal_sync_method', setting: 'open_datasync' },
    ]);
    expect((await settings(false))[0]).toEqual({ name: 'fsync', setting: 'off' });
  });
});
