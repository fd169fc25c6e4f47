/**
 * Two projects. `unit`: the pure and in-process suites (logic, FHIR reading, HTTP through
 * createApp with the embedded store in memory) — the inner loop, `npm run test:unit`.
 * `integration`: suites that spawn the server or scripts as processes, need a real PostgreSQL, or
 * fuzz; it alone owns the PostgreSQL globalSetup. `npm test` runs both.
 */
const INTEGRATION = [
  '/test/server/.*\\.test\\.ts$', // spawns node dist/server.js
  '/test/scripts/.*\\.test\\.ts$', // spawns npm run feedback-report; PostgreSQL
  '/test/demo/demo-(start|patients)\\.test\\.ts$', // npm run demo, and every demo patient on one FHIR server
  '/test/security/new-user-auth\\.test\\.ts$', // spawns the server with CDS_AUTH=required
  '/test/security/graceful-shutdown\\.test\\.ts$', // spawns the server, sends SIGTERM
  '/test/security/hook-request\\.fuzz\\.test\\.ts$', // fuzz
  '/test/store/.*\\.test\\.ts$', // PostgreSQL, PGlite data directories on disk
  '/test/hooks/feedback\\.test\\.ts$', // PostgreSQL: two replicas
  '/test/console/.*\\.browser\\.test\\.ts$', // headless Chromium (scripts/install-browser.sh)
  '/test/app/.*\\.browser\\.test\\.ts$', // headless Chromium: the timeline SMART app
];

/** @type {import('jest').Config} */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' },
  // Tests never reach the network: nock blocks everything but loopback (test/setup-network.ts).
  setupFiles: ['<rootDir>/test/setup-network.ts', '<rootDir>/test/setup-pglite.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 20000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...INTEGRATION],
    },
    {
      ...common,
      displayName: 'integration',
      testRegex: INTEGRATION,
      // Installs/starts a real PostgreSQL for the store suites (scripts/test-postgres.sh).
      globalSetup: '<rootDir>/test/postgres-global-setup.ts',
    },
  ],
};
