import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError } from '../../src/errors';
import { openStore } from '../../src/store/open-store';

/**
 * The embedded default: data survives a restart, and a second process (the report script while
 * the service runs) is refused the data directory instead of corrupting it.
 */
const NOW = new Date('2026-11-22T02:09:00Z');
const options = (dataDir: string) => ({
  pgliteDataDir: dataDir,
  now: () => NOW,
  onBackgroundError: () => undefined,
});

describe('embedded PGlite data directory', () => {
  test('a directory PGlite cannot open fails the start with the reason, and leaves no lock behind', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ln-pglite-')), 'pglite');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'PG_VERSION'), '99\n'); // not a PostgreSQL 17 data directory
    await expect(openStore(options(dataDir))).rejects.toThrow(/PGlite/);
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });

  test('keeps the issued cards and feedback across a restart of the service', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ln-pglite-')), 'pglite');
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
    expect(existsSync(`${dataDir}.lock`)).toBe(false);

    const second = await openStore(options(dataDir));
    try {
      const report = await second.feedbackReport();
      expect(report.rules).toEqual([
        { ruleCode: 'tacrolimus-trough-low', issued: 1, accepted: 0, overridden: 0, overrideReasons: [] },
      ]);
    } finally {
      await second.close();
    }
  });

  test('refuses a data directory that another running process holds', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ln-pglite-')), 'pglite');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: holder.pid }));
      await expect(openStore(options(dataDir))).rejects.toThrow(DataDirLockedError);
      await expect(openStore(options(dataDir))).rejects.toThrow(`in use by process ${holder.pid ?? ''}`);
    } finally {
      holder.kill();
    }
  });

  test('takes over a lock left behind by a process that has exited', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ln-pglite-')), 'pglite');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: Number(gone.stdout) }));
    const store = await openStore(options(dataDir));
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
  });
});
