import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * A new embedded store starts as a copy of an empty PGlite cluster made at build time
 * (`npm run build`, into dist/pglite-template/<PGlite version>/) instead of running initdb at
 * start. Measured with PGlite 0.5.16 on the bench machine: initdb costs ~4.5 s of start-up and
 * leaves ~670 MB resident (a second WASM instance runs it, and its memory stays with the
 * process); copying the 39 MB cluster takes a fraction of a second and the service then opens it
 * like any existing store. The cluster is PGlite's own initdb output, shut down cleanly, so the
 * copy is the store initdb would have made. Without a template for the installed PGlite (from
 * source, tests, another PGlite version) the store is created by initdb as before.
 */

/** `PG_VERSION` marks a cluster for PGlite ("found DB, resuming"): it is copied last. */
const MARKER = 'PG_VERSION';

function pgliteVersion(): string {
  const entry = require.resolve('@electric-sql/pglite');
  const manifest = path.join(path.dirname(entry), '..', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`no version in ${manifest}`);
  return version;
}

/** Where the build puts the template for the installed PGlite: beside the compiled store code. */
export function templateDirFor(root = path.join(__dirname, '..', 'pglite-template')): string {
  return path.join(root, pgliteVersion());
}

/** The template to seed a new store from, or undefined when this build has none. */
export function availableTemplate(): string | undefined {
  const dir = templateDirFor();
  return existsSync(path.join(dir, MARKER)) ? dir : undefined;
}

/**
 * Copies the template into `dataDir` when it holds no cluster yet; returns whether it did. The
 * marker is copied after everything else, so a copy cut short (the process killed) is no cluster
 * and the next start copies again over it.
 */
export function seedFromTemplate(dataDir: string, templateDir: string): boolean {
  if (existsSync(path.join(dataDir, MARKER))) return false;
  mkdirSync(dataDir, { recursive: true });
  for (const entry of readdirSync(templateDir)) {
    if (entry === MARKER) continue;
    cpSync(path.join(templateDir, entry), path.join(dataDir, entry), { recursive: true, force: true });
  }
  cpSync(path.join(templateDir, MARKER), path.join(dataDir, MARKER));
  return true;
}

/**
 * Readable by everyone: the service may run as another user than the build (the image builds as
 * root and runs as `node`), and PostgreSQL writes a few files 0600. The copies are the service's.
 */
function makeReadable(file: string): void {
  const directory = statSync(file).isDirectory();
  chmodSync(file, directory ? 0o755 : 0o644);
  if (directory) for (const entry of readdirSync(file)) makeReadable(path.join(file, entry));
}

/** Runs initdb once (PGlite on disk, then shut down cleanly) into the template directory. */
export async function createTemplate(templateDir: string): Promise<void> {
  if (existsSync(path.join(templateDir, MARKER))) return;
  const { PGlite } = await import('@electric-sql/pglite');
  const building = `${templateDir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(path.dirname(building), { recursive: true });
  const db = await PGlite.create(building);
  await db.close();
  makeReadable(building);
  rmSync(templateDir, { recursive: true, force: true });
  renameSync(building, templateDir);
}

// `node dist/store/pglite-template.js`: run by the build (scripts/build-when-stale.js).
if (require.main === module) {
  const dir = templateDirFor();
  createTemplate(dir).then(
    () => process.stderr.write(`PGlite template: ${path.relative(process.cwd(), dir)}\n`),
    (error: unknown) => {
      process.stderr.write(`PGlite template not made: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
