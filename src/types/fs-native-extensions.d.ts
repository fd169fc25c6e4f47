/**
 * Minimal typing of fs-native-extensions 1.x (the package ships none), limited to what
 * src/store/data-dir-lock.ts uses. API: node_modules/fs-native-extensions/README.md. On Linux the
 * lock is an open-file-description lock (fcntl F_OFD_SETLK), on macOS flock, on Windows
 * LockFileEx: held by the open file, released by the kernel when the file is closed or its process
 * dies.
 */
declare module 'fs-native-extensions' {
  export interface LockOptions {
    /** A shared (read) lock instead of an exclusive one. */
    shared?: boolean;
  }

  /**
   * Locks `length` bytes from `offset` (0 and 0: the whole file) of the open file `fd` without
   * waiting: true when granted, false when another open file holds a conflicting lock. Throws
   * (with a `code`) when the file system cannot lock at all.
   */
  export function tryLock(fd: number, offset?: number, length?: number, options?: LockOptions): boolean;
  export function tryLock(fd: number, options?: LockOptions): boolean;

  export function unlock(fd: number, offset?: number, length?: number): void;
}
