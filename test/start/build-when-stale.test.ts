import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildState } from '../../scripts/build-when-stale';

/**
 * `npm start` skips the build when dist/ is current. A temp directory stands in for the
 * repository; mtimes are set explicitly (a second apart) rather than waited for.
 */
describe('build-when-stale: whether npm start rebuilds', () => {
  let root: string;
  const BUILT_AT = Date.parse('2026-01-01T12:00:00Z');

  function setTime(file: string, ms: number): void {
    utimesSync(path.join(root, file), ms / 1000, ms / 1000);
  }

  function write(file: string, ms: number, text = ''): void {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
    setTime(file, ms);
  }

  /** A repository built at BUILT_AT from sources saved a second before. */
  function builtRepository(): void {
    const before = BUILT_AT - 1000;
    write('src/server.ts', before);
    write('src/fhir/fhir-client.ts', before);
    for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json']) {
      write(file, before);
    }
    for (const dir of ['src/fhir', 'src']) setTime(dir, before);
    write('dist/server.js', BUILT_AT + 5000);
    write('dist/.build-stamp', BUILT_AT + 5000, JSON.stringify({ startedAt: BUILT_AT }));
  }

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ln-build-state-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('a fresh clone (no dist/) builds', () => {
    write('src/server.ts', BUILT_AT);
    expect(buildState(root)).toEqual({ stale: true, reason: 'no build' });
  });

  test('a dist/ without the stamp (built by tsc by hand) builds', () => {
    builtRepository();
    rmSync(path.join(root, 'dist/.build-stamp'));
    expect(buildState(root)).toEqual({ stale: true, reason: 'no build stamp' });
    write('dist/.build-stamp', BUILT_AT, 'not json');
    expect(buildState(root).stale).toBe(true);
  });

  test('sources older than the stamp: no build', () => {
    builtRepository();
    expect(buildState(root)).toEqual({ stale: false, reason: 'dist/ is current' });
  });

  test('a source saved after the build started (even during it) rebuilds', () => {
    builtRepository();
    setTime('src/fhir/fhir-client.ts', BUILT_AT + 1000);
    expect(buildState(root)).toEqual({ stale: true, reason: 'src changed' });
  });

  test('a deleted source (its directory changed) rebuilds', () => {
    builtRepository();
    setTime('src/fhir', BUILT_AT + 1000);
    expect(buildState(root).stale).toBe(true);
  });

  test.each(['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'])(
    'a change to %s rebuilds',
    (file) => {
      builtRepository();
      setTime(file, BUILT_AT + 1000);
      expect(buildState(root)).toEqual({ stale: true, reason: `${file} changed` });
    },
  );

  test('dist/server.js removed: builds even with a current stamp', () => {
    builtRepository();
    rmSync(path.join(root, 'dist/server.js'));
    expect(buildState(root)).toEqual({ stale: true, reason: 'no build' });
  });
});
