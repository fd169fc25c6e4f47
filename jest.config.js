/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // Tests never reach the network: nock blocks everything but loopback (test/setup-network.ts).
  setupFiles: ['<rootDir>/test/setup-network.ts'],
  testTimeout: 20000,
};
