/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // Tests never reach the network: nock blocks everything but loopback (test/setup-network.ts).
  setupFiles: ['<rootDir>/test/setup-network.ts', '<rootDir>/test/setup-pglite.ts'],
  // Installs/starts a real PostgreSQL for the store suites (scripts/test-postgres.sh).
  globalSetup: '<rootDir>/test/postgres-global-setup.ts',
  testTimeout: 20000,
};
