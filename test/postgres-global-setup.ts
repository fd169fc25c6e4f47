/**
 * Jest globalSetup: makes a real PostgreSQL available to the store suites by running
 * scripts/test-postgres.sh (installs Debian's postgresql if needed, starts a cluster, creates a
 * test database). The URL reaches the test workers through TEST_DATABASE_URL; when the server
 * cannot be started the reason travels in TEST_POSTGRES_UNAVAILABLE and the PostgreSQL suites
 * fail under CI=true or skip loudly otherwise (see test/store/store-backends.ts).
 *
 * TEST_DATABASE_URL already set: used as it is. TEST_POSTGRES=off: not started (never under CI).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setUpPostgres(): void {
  if (process.env.TEST_DATABASE_URL) return;
  if (process.env.TEST_POSTGRES === 'off' && process.env.CI !== 'true') {
    process.env.TEST_POSTGRES_UNAVAILABLE = 'TEST_POSTGRES=off';
    return;
  }
  const script = resolve(__dirname, '..', 'scripts', 'test-postgres.sh');
  try {
    const stdout = execFileSync(script, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10 * 60 * 1000,
    });
    const url = stdout.trim().split('\n').pop() ?? '';
    if (!url.startsWith('postgresql://')) throw new Error(`unexpected output: ${stdout}`);
    process.env.TEST_DATABASE_URL = url;
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const detail = typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : String(error);
    process.env.TEST_POSTGRES_UNAVAILABLE = `scripts/test-postgres.sh failed: ${detail}`;
  }
}
