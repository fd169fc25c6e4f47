import type { Env } from '../config';
import { openStore } from '../store/open-store';
import type { Store } from '../store/store';

/**
 * What the store's command-line tools (feedback-report, audit-export) share: they ask the running
 * service first — embedded PGlite serves one connection per data directory — and open the store
 * directly only when nothing answers or with DATABASE_URL.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly fetch: typeof fetch;
}

/** Why the running service could not be asked: `<base> unreachable (ECONNREFUSED)`. */
export function unreachable(baseUrl: string, error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return `${baseUrl} unreachable (${typeof cause?.code === 'string' ? cause.code : String(error)})`;
}

/** Opens the store (PostgreSQL with a URL, else the embedded one), reads, and closes it again. */
export async function readStoreDirectly<T>(
  databaseUrl: string | undefined,
  dataDir: string,
  read: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore({
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    pgliteDataDir: dataDir,
    now: () => new Date(),
    onBackgroundError: () => undefined,
  });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

/** Runs a tool as `node <file>`: its exit code, or 1 with the error named by the tool. */
export function runAsScript(
  name: string,
  run: (argv: readonly string[], env: Env, io: CliIo) => Promise<number>,
): void {
  run(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    fetch,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${name}: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
