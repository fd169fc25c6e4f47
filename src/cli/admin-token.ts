import { readFileSync } from 'node:fs';
import type { Env } from '../config';

/**
 * The administration token a command-line tool presents to the running service: the file named by
 * `--token-file` (its first line), else CDS_ADMIN_TOKEN. A file keeps it out of the shell history
 * and the process list. Undefined: none (loopback in development needs none).
 */
export function readAdminToken(tokenFile: string | undefined, env: Env): string | undefined {
  if (tokenFile !== undefined) {
    const token = readFileSync(tokenFile, 'utf8').split(/\r?\n/)[0]?.trim();
    if (!token) throw new Error(`${tokenFile} holds no token on its first line`);
    return token;
  }
  const token = env.CDS_ADMIN_TOKEN?.trim();
  return token ? token : undefined;
}

/** Headers for an administration call. */
export function adminHeaders(token: string | undefined, accept: string): Record<string, string> {
  return token === undefined ? { accept } : { accept, authorization: `Bearer ${token}` };
}
