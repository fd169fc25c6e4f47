import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The image is built from an allow-list .dockerignore: a file the Dockerfile COPYs from the build
 * context but the allow-list leaves out makes `docker build` fail ("not found"), as does a script
 * that a `RUN npm run …` step runs but no COPY brought in. No Docker daemon is needed to check that
 * the Dockerfile, .dockerignore and package.json agree.
 */
const root = resolve(__dirname, '..', '..');
const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8').split('\n');
const ignore = readFileSync(resolve(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const scripts = (
  JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** The context paths COPY reads (not `COPY --from=<stage>`, which reads another stage). */
function copiedFrom(lines: readonly string[]): string[] {
  return lines
    .filter((line) => /^COPY\s/.test(line) && !/--from=/.test(line))
    .flatMap((line) =>
      line
        .trim()
        .split(/\s+/)
        .slice(1, -1)
        .filter((word) => !word.startsWith('--'))
        .map((word) => word.replace(/\/+$/, '')),
    );
}
const copied = copiedFrom(dockerfile);

/** A .dockerignore pattern (`*` within one path segment) against a path or any folder above it. */
function matches(pattern: string, path: string): boolean {
  const glob = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*')}$`,
  );
  const segments = path.split('/');
  return segments.some((_segment, index) => glob.test(segments.slice(0, index + 1).join('/')));
}

/** Docker's rule: the last pattern that matches decides; `!` re-includes. */
function inContext(path: string): boolean {
  let included = true;
  for (const line of ignore) {
    const negated = line.startsWith('!');
    if (matches((negated ? line.slice(1) : line).replace(/\/+$/, ''), path)) included = negated;
  }
  return included;
}

test('every file and folder the image copies from the build context is in the build context', () => {
  expect(copied).toEqual(expect.arrayContaining(['app', 'console', 'src', 'cds-services.json']));
  expect(copied.filter((path) => !inContext(path))).toEqual([]);
});

test('a script that a RUN npm run step runs was copied into the image before that step', () => {
  dockerfile.forEach((line, index) => {
    const name = /^RUN npm run ([\w:-]+)/.exec(line)?.[1];
    if (name === undefined) return;
    const before = copiedFrom(dockerfile.slice(0, index));
    const files: string[] = scripts[name]?.match(/scripts\/[\w./-]+/g) ?? [];
    expect(
      files.filter((file) => !before.some((path) => file === path || file.startsWith(`${path}/`))),
    ).toEqual([]);
  });
});
