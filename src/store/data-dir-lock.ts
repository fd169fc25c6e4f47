import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataDirLockedError } from '../errors';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLockPid(lockPath: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(lockPath, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'pid' in parsed) {
      const { pid } = parsed;
      if (typeof pid === 'number' && Number.isInteger(pid) && pid > 0) return pid;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes `<dataDir>.lock` for this process. A lock left by a dead process — or by our own pid,
 * which happens when a container restarts and the service is pid 1 again — is stale and taken over.
 */
export function takeDataDirLock(dataDir: string): string {
  const lockPath = `${resolve(dataDir)}.lock`;
  mkdirSync(dirname(lockPath), { recursive: true });
  const content = JSON.stringify({ pid: process.pid });
  try {
    writeFileSync(lockPath, content, { flag: 'wx' });
    return lockPath;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = readLockPid(lockPath);
  if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
    throw new DataDirLockedError(lockPath, holder);
  }
  writeFileSync(lockPath, content);
  return lockPath;
}

export function releaseDataDirLock(lockPath: string): void {
  if (readLockPid(lockPath) === process.pid) rmSync(lockPath, { force: true });
}
