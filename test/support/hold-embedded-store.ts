import { openStore } from '../../src/store/open-store';

/**
 * `node --import tsx test/support/hold-embedded-store.ts <dataDir>`: opens the embedded store
 * and holds it until killed. Prints `holding <pid>` once open, or `refused: <message>` and exits 3.
 */
const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: hold-embedded-store.ts <dataDir>');

openStore({ pgliteDataDir: dataDir, now: () => new Date(), onBackgroundError: () => undefined }).then(
  () => {
    process.stdout.write(`holding ${process.pid}\n`);
    setInterval(() => undefined, 60_000);
  },
  (error: unknown) => {
    process.stdout.write(`refused: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(3);
  },
);
