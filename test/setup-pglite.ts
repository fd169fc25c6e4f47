/**
 * PGlite's CommonJS build loads its WASM with a native dynamic `import()`, which Jest's module
 * sandbox refuses without --experimental-vm-modules. Tests therefore get the real PGlite loaded by
 * Node's own module loader (outside the sandbox); production code is unaffected.
 */
import type * as NodeModule from 'node:module';

jest.mock('@electric-sql/pglite', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Module } = require('node:module') as typeof NodeModule;
  const path = require.resolve('@electric-sql/pglite');
  const loader = new Module(path);
  loader.filename = path;
  return loader.require(path) as unknown;
});
