import { createReplayCacheFor } from '../../src/auth/shared-replay-cache';
import type { StoreDescription } from '../../src/store/store';
import { captureLogger } from '../support/test-app';

/** Which replay cache a deployment gets, and what happens when the shared one is unreachable. */
const NOW = new Date('2026-11-22T02:09:00Z');
const EXPIRES = new Date('2026-11-22T02:11:54Z');

function store(kind: StoreDescription['kind'], check: () => Promise<boolean>) {
  const calls: string[] = [];
  return {
    calls,
    description: { kind, location: 'somewhere' },
    checkAndRememberJti: (key: string) => {
      calls.push(key);
      return check();
    },
  };
}

describe('replay cache for the deployment', () => {
  test('a single PGlite process keeps jtis in memory, without a database write per call', async () => {
    const pglite = store('pglite', () => Promise.resolve(true));
    const { logger } = captureLogger();
    const cache = createReplayCacheFor({ store: pglite, now: () => NOW, logger });
    await expect(cache.checkAndRemember('iss\u0000jti-1', EXPIRES)).resolves.toBe(true);
    await expect(cache.checkAndRemember('iss\u0000jti-1', EXPIRES)).resolves.toBe(false);
    expect(pglite.calls).toEqual([]);
  });

  test('replicas on PostgreSQL ask the shared table, which has the last word', async () => {
    const postgres = store('postgresql', () => Promise.resolve(false));
    const { logger } = captureLogger();
    const cache = createReplayCacheFor({ store: postgres, now: () => NOW, logger });
    // Seen by another replica first: refused here although this replica never saw it.
    await expect(cache.checkAndRemember('iss\u0000jti-2', EXPIRES)).resolves.toBe(false);
    expect(postgres.calls).toEqual(['iss\u0000jti-2']);
  });

  test('when PostgreSQL is unreachable, checks this replica only and logs it', async () => {
    const down = store('postgresql', () => Promise.reject(new Error('ECONNREFUSED')));
    const { logger, log } = captureLogger();
    const cache = createReplayCacheFor({ store: down, now: () => NOW, logger });
    await expect(cache.checkAndRemember('iss\u0000jti-3', EXPIRES)).resolves.toBe(true);
    await expect(cache.checkAndRemember('iss\u0000jti-3', EXPIRES)).resolves.toBe(false);
    expect(log.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'error',
          message: 'shared JWT replay cache unavailable; checked this replica only',
        }),
      ]),
    );
  });
});
