import {
  closeSync,
  constants,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { DataDirLockFailedError, DataDirLockedError } from '../errors';

/**
 * The lock file lives inside the data directory, so it travels with the data whatever path,
 * symbolic link or volume mount leads there. PostgreSQL ignores files it does not know in PGDATA.
 */
export const LOCK_FILE_NAME = 'ln-cds-hooks.lock';

export interface DataDirLock {
  /** The data directory with every symbolic link resolved: the path PGlite is given. */
  readonly dataDir: string;
  readonly lockPath: string;
  /** Releases the lock (closing the file); the file itself stays for the next holder. */
  release(): void;
}

/** What the holder wrote into the lock file, for the message of whoever is refused. */
function describeHolder(lockPath: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(lockPath, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, host, since } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number') return undefined;
    return `pid ${pid}${typeof host === 'string' ? ` on host ${host}` : ''}${typeof since === 'string' ? ` since ${since}` : ''}`;
  } catch {
    return undefined;
  }
}

/**
 * Takes the embedded store's data directory for this process with an operating-system lock on
 * `<dataDir>/ln-cds-hooks.lock` (fs-native-extensions: an open-file-description lock on Linux,
 * flock on macOS). The kernel keeps it while this process lives and drops it the moment the
 * process ends, however it ends (kill -9 included): nothing is inferred from pids, which repeat
 * across containers (each service is pid 1 in its own). A second opener — another container on
 * the same volume, the report script, a path through a symbolic link — is refused with
 * `DataDirLockedError` at once.
 *
 * Such locks hold between processes of one host. Across hosts on a network volume they may not
 * (docs/deploy.md): the embedded store is for one machine.
 */
export async function takeDataDirLock(configuredDir: string): Promise<DataDirLock> {
  // Loaded here, not at start-up: only the embedded store needs the native addon (prebuilt for
  // glibc Linux, macOS and Windows), so a service on PostgreSQL starts wherever Node runs.
  const { tryLock } = await import('fs-native-extensions');
  mkdirSync(configuredDir, { recursive: true });
  const dataDir = realpathSync(configuredDir);
  const given = resolve(configuredDir) === dataDir ? undefined : configuredDir;
  const lockPath = join(dataDir, LOCK_FILE_NAME);
  // O_RDWR: an exclusive fcntl lock needs a file open for writing. Node opens it close-on-exec,
  // so a child process never inherits (and never keeps) the lock.
  const fd = openSync(lockPath, constants.O_RDWR | constants.O_CREAT, 0o600);
  let granted: boolean;
  try {
    granted = tryLock(fd);
  } catch (error) {
    closeSync(fd);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new DataDirLockedError(dataDir, lockPath, describeHolder(lockPath), given);
    throw new DataDirLockFailedError(lockPath, error);
  }
  if (!granted) {
    closeSync(fd);
    throw new DataDirLockedError(dataDir, lockPath, describeHolder(lockPath), given);
  }
  const holder = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  ftruncateSync(fd, 0);
  writeSync(fd, `${holder}\n`, 0);
  let released = false;
  return {
    dataDir,
    lockPath,
    release(): void {
      if (released) return;
      released = true;
      closeSync(fd); // the kernel drops the lock with the last descriptor of this open file
    },
  };
}
