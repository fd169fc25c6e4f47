import type { RememberedJti } from '../../src/auth/replay-cache';
import { createReplayCacheFor } from '../../src/auth/shared-replay-cache';
import { createMetrics } from '../../src/metrics';
import type { StoreDescription } from '../../src/store/store';
import { captureLogger } from '../support/test-app';

/**
 * Which replay cache a deployment gets: embedded PGlite decides in memory and writes jtis in
 * batches off the request path, loading them back at start-up; PostgreSQL replicas ask the shared
 * table. The real stores are exercised in test/store/.
 */
const NOW = new Date('2026-11-22T02:09:00Z');
const EXPIRES = new Date('2026-11-22T02:11:54Z');
const SANDBOX = 'https://sandbox.cds-hooks.org';
const NORTH_EHR = 'https://ehr.north.example.org';

interface FakeTableOptions {
  readonly check?: () => Promise<boolean>;
  readonly write?: (jtis: readonly RememberedJti[]) => Promise<void>;
  readonly rows?: RememberedJti[];
  readonly loaded?: Promise<void>;
}

/** A jti table kept in an array, as the embedded store keeps it on disk. */
function table(kind: StoreDescription['kind'], options: FakeTableOptions = {}) {
  const rows: RememberedJti[] = options.rows ?? [];
  /** The claim statements, each with its jtis. */
  const checks: RememberedJti[][] = [];
  const batches: RememberedJti[][] = [];
  return {
    rows,
    checks,
    batches,
    description: { kind, location: 'somewhere' },
    claimJtis: (jtis: readonly RememberedJti[]) => {
      checks.push([...jtis]);
      return Promise.all(jtis.map(() => (options.check ?? (() => Promise.resolve(true)))()));
    },
    rememberJtis: async (jtis: readonly RememberedJti[]) => {
      await (options.write ?? (() => Promise.resolve()))(jtis);
      batches.push([...jtis]);
      rows.push(...jtis);
    },
    liveJtis: async (limitPerClient: number) => {
      await options.loaded;
      const live = rows.filter((row) => row.expiresAt > NOW).sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime());
      const perClient = new Map<string, number>();
      return live
        .filter((row) => {
          const count = (perClient.get(row.client) ?? 0) + 1;
          perClient.set(row.client, count);
          return count <= limitPerClient;
        })
        .reverse();
    },
  };
}

describe('replay cache with the embedded store', () => {
  test('answers from memory at once and writes the accepted jtis in one batch, off the request path', async () => {
    const pglite = table('pglite');
    const { logger } = captureLogger();
    const cache = createReplayCacheFor({ store: pglite, now: () => NOW, logger, flushIntervalMs: 30 });
    await cache.ready;
    await expect(cache.checkAndRemember(SANDBOX, 'jti-1', EXPIRES)).resolves.toBe(true);
    await expect(cache.checkAndRemember(SANDBOX, 'jti-2', EXPIRES)).resolves.toBe(true);
    await expect(cache.checkAndRemember(SANDBOX, 'jti-1', EXPIRES)).resolves.toBe(false);
    expect(pglite.batches).toEqual([]);
    expect(pglite.checks).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pglite.batches).toHaveLength(1);
    expect(pglite.batches[0]).toHaveLength(2);
    await cache.close();
  });

  test('a token accepted before a clean stop is refused after the restart', async () => {
    const pglite = table('pglite');
    const { logger } = captureLogger();
    const before = createReplayCacheFor({ store: pglite, now: () => NOW, logger, flushIntervalMs: 60_000 });
    await expect(before.checkAndRemember(SANDBOX, 'jti-before-restart', EXPIRES)).resolves.toBe(true);
    await before.close();

    const after = createReplayCacheFor({ store: pglite, now: () => NOW, logger });
    await expect(after.checkAndRemember(SANDBOX, 'jti-before-restart', EXPIRES)).resolves.toBe(false);
    await expect(after.checkAndRemember(SANDBOX, 'jti-after-restart', EXPIRES)).resolves.toBe(true);
    await after.close();
  });

  test('a check made while the last run’s jtis are still loading waits for them', async () => {
    let finishLoading: () => void = () => undefined;
    const loaded = new Promise<void>((resolve) => (finishLoading = resolve));
    const { logger } = captureLogger();
    const first = table('pglite');
    const before = createReplayCacheFor({ store: first, now: () => NOW, logger });
    await before.checkAndRemember(SANDBOX, 'jti-1', EXPIRES);
    await before.close();

    const after = createReplayCacheFor({ store: table('pglite', { rows: first.rows, loaded }), now: () => NOW, logger });
    const answer = after.checkAndRemember(SANDBOX, 'jti-1', EXPIRES);
    finishLoading();
    await expect(answer).resolves.toBe(false);
    await after.close();
  });

  test('after a restart, an EHR that had more jtis than its bound keeps its replays refused', async () => {
    const pglite = table('pglite');
    const { logger } = captureLogger();
    const before = createReplayCacheFor({ store: pglite, now: () => NOW, logger, maxPerClient: 2 });
    const expiring = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    // Four live tokens, of which memory keeps two: the store keeps all four.
    for (const [jti, seconds] of [['a', 100], ['b', 200], ['c', 300], ['d', 400]] as const) {
      await expect(before.checkAndRemember(NORTH_EHR, jti, expiring(seconds))).resolves.toBe(true);
    }
    await before.close();

    const after = createReplayCacheFor({ store: pglite, now: () => NOW, logger, maxPerClient: 2 });
    for (const [jti, seconds] of [['a', 100], ['b', 200], ['c', 300], ['d', 400]] as const) {
      await expect(after.checkAndRemember(NORTH_EHR, jti, expiring(seconds))).resolves.toBe(false);
    }
    await expect(after.checkAndRemember(NORTH_EHR, 'e', expiring(500))).resolves.toBe(true);
    await after.close();
  });

  test('while the store cannot be written, replays are still refused and the batch is retried', async () => {
    let failures = 1;
    const flaky = table('pglite', {
      write: () => (failures-- > 0 ? Promise.reject(new Error('PGlite worker exited')) : Promise.resolve()),
    });
    const { logger, log } = captureLogger();
    const metrics = createMetrics();
    const cache = createReplayCacheFor({ store: flaky, now: () => NOW, logger, metrics, flushIntervalMs: 10 });
    await expect(cache.checkAndRemember(SANDBOX, 'jti-1', EXPIRES)).resolves.toBe(true);
    await cache.flush();
    await expect(cache.checkAndRemember(SANDBOX, 'jti-1', EXPIRES)).resolves.toBe(false);
    expect(log.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'error', message: 'JWT replay cache not written to the store; will retry' }),
      ]),
    );
    expect(await metrics.render()).toContain('cds_store_write_failures_total{operation="jti"} 1');
    await cache.close();
    expect(flaky.rows).toHaveLength(1);
  });

  test('a store whose jtis cannot be read fails the checks rather than forgetting them', async () => {
    const unreadable = { ...table('pglite'), liveJtis: () => Promise.reject(new Error('relation "jwt_replay" does not exist')) };
    const { logger } = captureLogger();
    const cache = createReplayCacheFor({ store: unreadable, now: () => NOW, logger });
    await expect(cache.ready).rejects.toThrow('jwt_replay');
    await expect(cache.checkAndRemember(SANDBOX, 'jti-1', EXPIRES)).rejects.toThrow('jwt_replay');
  });
});

describe('replay cache with PostgreSQL replicas', () => {
  test('every replica asks the shared table, which has the last word', async () => {
    const postgres = table('postgresql', { check: () => Promise.resolve(false) });
    const { logger } = captureLogger();
    const cache = createReplayCacheFor({ store: postgres, now: () => NOW, logger });
    // Seen by another replica first: refused here although this replica never saw it.
    await expect(cache.checkAndRemember(SANDBOX, 'jti-2', EXPIRES)).resolves.toBe(false);
    expect(postgres.checks).toHaveLength(1);
    expect(postgres.batches).toEqual([]);
  });

  test('one EHR filling this replica’s memory does not stop another EHR’s fresh token', async () => {
    const postgres = table('postgresql');
    const { logger } = captureLogger();
    const cache = createReplayCacheFor({ store: postgres, now: () => NOW, logger, maxPerClient: 3 });
    for (let index = 0; index < 10; index += 1) {
      await cache.checkAndRemember(NORTH_EHR, `hour-long-${index}`, new Date(NOW.getTime() + 3_660_000));
    }
    await expect(cache.checkAndRemember(SANDBOX, 'fresh', EXPIRES)).resolves.toBe(true);
  });

  test('when PostgreSQL is unreachable, checks this replica only and logs it', async () => {
    const down = table('postgresql', { check: () => Promise.reject(new Error('ECONNREFUSED')) });
    const { logger, log } = captureLogger();
    const cache = createReplayCacheFor({ store: down, now: () => NOW, logger });
    await expect(cache.checkAndRemember(SANDBOX, 'jti-3', EXPIRES)).resolves.toBe(true);
    await expect(cache.checkAndRemember(SANDBOX, 'jti-3', EXPIRES)).resolves.toBe(false);
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
