import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fixturesDir } from './support/fixtures';

/**
 * fixtures/ holds copies of the shared acceptance cases, Sandbox recordings and specification
 * (fixtures/README.md). Where the shared folder is beside the repository, every file of it must
 * have an identical copy here, so new public cases cannot be missed.
 */
const SHARED_DIR = process.env.LN_SHARED_DIR ?? path.resolve(__dirname, '..', '..', 'shared');

const COPIES: readonly { readonly shared: string; readonly fixtures: string; readonly files?: readonly string[] }[] = [
  { shared: 'acceptance', fixtures: fixturesDir('acceptance') },
  { shared: 'acceptance-wave2', fixtures: fixturesDir('acceptance-wave2') },
  { shared: 'sandbox-requests', fixtures: fixturesDir('sandbox-requests') },
  { shared: '.', fixtures: fixturesDir('spec'), files: ['clinical-rules.md', 'clinical-rules-wave2.md'] },
];

/** Files of `sharedSub` missing from `fixtures` or different there, as `sub/file` names. */
function differences(sharedSub: string, fixtures: string, only?: readonly string[]): string[] {
  const dir = path.join(SHARED_DIR, sharedSub);
  const files = only ?? readdirSync(dir).filter((file) => /\.(json|md)$/.test(file));
  return files
    .filter((file) => {
      const copy = path.join(fixtures, file);
      return !existsSync(copy) || !readFileSync(copy).equals(readFileSync(path.join(dir, file)));
    })
    .map((file) => path.join(sharedSub, file));
}

const sharedPresent = existsSync(SHARED_DIR);

(sharedPresent ? describe : describe.skip)(`fixtures/ against ${SHARED_DIR}`, () => {
  test('holds an identical copy of every shared case, recording and the specification', () => {
    const stale = COPIES.flatMap((copy) => differences(copy.shared, copy.fixtures, copy.files));
    if (stale.length > 0 && process.env.CI !== 'true') {
      console.warn(`fixtures/ lacks or differs from ${stale.join(', ')}: copy them in (fixtures/README.md)`);
      return;
    }
    expect(stale).toEqual([]);
  });
});
