import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The image is built from an allow-list .dockerignore: a file the Dockerfile COPYs from the build
 * context but the allow-list leaves out makes `docker build` fail ("not found"), or — worse, for a
 * directory the service reads at start-up (the console's and the timeline app's pages) — an image
 * that starts and answers 500/404 for those pages. No Docker daemon is needed to check the two agree.
 */
const root = resolve(__dirname, '..', '..');
const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');
const ignore = readFileSync(resolve(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

/** The context paths COPY reads (not `COPY --from=<stage>`, which reads another stage). */
const copied = dockerfile
  .split('\n')
  .filter((line) => /^COPY\s/.test(line) && !/--from=/.test(line))
  .flatMap((line) =>
    line
      .trim()
      .split(/\s+/)
      .slice(1, -1)
      .filter((word) => !word.startsWith('--')),
  );

/** Docker's rule: the last pattern that matches decides; `!` re-includes. Only `*` and plain paths occur here. */
function inContext(path: string): boolean {
  const clean = path.replace(/\/+$/, '');
  let included = true;
  for (const line of ignore) {
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/\/+$/, '');
    const matches = pattern === '*' ? !clean.includes('/') : pattern === clean;
    if (matches) included = negated;
  }
  return included;
}

test('every file and folder the image copies from the build context is in the build context', () => {
  expect(copied).toEqual(expect.arrayContaining(['app', 'console', 'src', 'cds-services.json']));
  expect(copied.filter((path) => !inContext(path))).toEqual([]);
});
