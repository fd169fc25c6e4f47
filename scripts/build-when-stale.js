'use strict';
/**
 * `npm start` builds only when dist/ is older than its sources; `npm run build` always builds.
 * Plain JavaScript (no tsx, no TypeScript) so that it runs on a fresh clone before any build and
 * in an image installed without devDependencies whose dist/ is current.
 *
 * Why not `tsc --incremental`: its no-op run still loads the compiler and the whole program
 * (2.2 s measured on the bench machine, against 5.2 s for a full build); this check reads the
 * mtimes of src/ in ~10 ms.
 *
 * The stamp (dist/.build-stamp) records when the last successful build *started*, so that a
 * file saved during a build leaves dist/ stale. A checkout rewrites the mtimes of the files it
 * changes, so switching branches rebuilds.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const STAMP = path.join('dist', '.build-stamp');
/** Besides src/: what changes the build's output without a source file changing. */
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

function newestMtime(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  // A deleted source changes the directory's mtime, not any remaining file's.
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(file)) newest = Math.max(newest, newestMtime(path.join(file, entry)));
  return newest;
}

/** Whether dist/ under `root` must be rebuilt, and why (for the start-up line). */
function buildState(root) {
  if (!fs.existsSync(path.join(root, 'dist', 'server.js'))) return { stale: true, reason: 'no build' };
  let builtAt;
  try {
    builtAt = Number(JSON.parse(fs.readFileSync(path.join(root, STAMP), 'utf8')).startedAt);
  } catch {
    return { stale: true, reason: 'no build stamp' };
  }
  if (!Number.isFinite(builtAt)) return { stale: true, reason: 'no build stamp' };
  const inputs = ['src', ...CONFIG_FILES];
  for (const input of inputs) {
    if (newestMtime(path.join(root, input)) > builtAt) return { stale: true, reason: `${input} changed` };
  }
  return { stale: false, reason: 'dist/ is current' };
}

/**
 * Runs tsc, then makes the empty PGlite cluster a new store is copied from (src/store/
 * pglite-template.ts: ~5 s, once per PGlite version); writes the stamp only when both succeeded.
 * Returns the failing step's exit status.
 */
function build(root) {
  const startedAt = Date.now();
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) return result.status ?? 1;
  const template = path.join('dist', 'store', 'pglite-template.js');
  const made = spawnSync(process.execPath, [template], { cwd: root, stdio: 'inherit' });
  if (made.status !== 0) return made.status ?? 1;
  fs.writeFileSync(path.join(root, STAMP), `${JSON.stringify({ startedAt })}\n`);
  return 0;
}

module.exports = { buildState, build };

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const always = process.argv.includes('--always');
  const state = always ? { stale: true, reason: 'npm run build' } : buildState(root);
  if (!state.stale) {
    process.stderr.write(`build skipped: ${state.reason}\n`);
  } else {
    process.stderr.write(`building (${state.reason})\n`);
    process.exitCode = build(root);
  }
}
