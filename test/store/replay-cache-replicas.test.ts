import { Pool } from 'pg';
import type { RememberedJti } from '../../src/auth/replay-cache';
import { createReplayCacheFor, type JtiTable } from '../../src/auth/shared-replay-cache';
import { createMetrics } from '../../src/metrics';
import { openStore } from '../../src/store/open-store';
import { PGLITE_IN_MEMORY } from '../../src/store/pglite-client';
import type { Store } from '../../src/store/store';
import { captureLogger } from '../support/test-app';
import { describeBackend, openTestStore, type TestStore } from './store-backends';

/**
 * Replicas behind a load balancer share the jti table on PostgreSQL: each asks it before the hook
 * runs, and the calls arriving while a claim is in flight are claimed together by one statement.
 */
const NOW = new Date('2026-11-22T02:09:00Z');
const EXPIRES = new Date('2026-11-22T02:11:54Z');
const NORTH_EHR = 'https://ehr.north.example.org';
const clock = (): Date => NOW;

/** The store as the replay cache sees it, counting the claim statements and their sizes. */
function counted(store: Store): { table: JtiTable; statements: number[] } {
  const statements: number[] = [];
  const table: JtiTable = {
    description: store.description,
    claimJtis: (jtis: readonly RememberedJti[]) => {
      statements.push(jtis.length);
      return store.claimJtis(jtis);
    },
    rememberJtis: (jtis) => store.rememberJtis(jtis),
    liveJtis: (limitPerClient) => store.liveJtis(limitPerClient),
  };
  return { table, statements };
}

const calls = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

describeBackend('postgresql', 'JWT replay cache of two replicas sharing PostgreSQL', () => {
  let shared: TestStore;
  let otherReplica: Store;

  beforeAll(async () => {
    shared = await openTestStore('postgresql', clock);
    otherReplica = await openStore({
      databaseUrl: shared.databaseUrl,
      pgliteDataDir: PGLITE_IN_MEMORY,
      now: clock,
      onBackgroundError: (error) => {
        throw error;
      },
    });
  });
  afterAll(async () => {
    await otherReplica?.close();
    await shared?.dispose();
  });
  beforeEach(() => shared.reset());

  function replica(store: Store) {
    const { table, statements } = counted(store);
    const { logger, log } = captureLogger();
    const metrics = createMetrics();
    const cache = createReplayCacheFor({ store: table, now: clock, logger, metrics });
    const check = (jtis: readonly string[]) => Promise.all(jtis.map((jti) => cache.checkAndRemember(NORTH_EHR, jti, EXPIRES)));
    return { check, statements, log, metrics };
  }

  test('ten patient-view calls arriving together are all accepted, in fewer statements than calls', async () => {
    const first = replica(shared.store);
    const tokens = calls('busy-clinic', 10);
    await expect(first.check(tokens)).resolves.toEqual(tokens.map(() => true));
    expect(first.statements.length).toBeLessThan(10);
    expect(first.statements.reduce((sum, size) => sum + size, 0)).toBe(10);
  });

  test('tokens first used on one replica are refused by the other, fresh ones in the same batch accepted', async () => {
    const first = replica(shared.store);
    const second = replica(otherReplica);
    await first.check(['seen-on-first']);
    await expect(second.check(['fresh-1', 'seen-on-first', 'fresh-2'])).resolves.toEqual([true, false, true]);
    // Replayed to the replica that accepted them: refused by its memory without asking the table.
    const statementsBefore = second.statements.length;
    await expect(second.check(['fresh-1', 'fresh-2'])).resolves.toEqual([false, false]);
    expect(second.statements).toHaveLength(statementsBefore);
  });

  test('tokens sent to both replicas at once are each accepted by exactly one', async () => {
    const first = replica(shared.store);
    const second = replica(otherReplica);
    const tokens = calls('replayed-to-both', 30);
    const [onFirst, onSecond] = await Promise.all([first.check(tokens), second.check([...tokens].reverse())]);
    const accepted = onFirst.map((fresh, index) => Number(fresh) + Number(onSecond[tokens.length - 1 - index]));
    expect(accepted).toEqual(tokens.map(() => 1));
    expect(first.log.lines).toEqual([]);
    expect(second.log.lines).toEqual([]);
  });

  test('when the claim statement fails, each call of its batch is checked by this replica only, as a single call is', async () => {
    const admin = new Pool({ connectionString: shared.databaseUrl, max: 1 });
    const first = replica(shared.store);
    const tokens = calls('during-outage', 3);
    try {
      await admin.query('ALTER TABLE jwt_replay RENAME TO jwt_replay_unreachable');
      await expect(first.check(tokens)).resolves.toEqual([true, true, true]);
      await expect(first.check(tokens)).resolves.toEqual([false, false, false]);
    } finally {
      await admin.query('ALTER TABLE jwt_replay_unreachable RENAME TO jwt_replay');
      await admin.end();
    }
    const failures = first.log.lines.filter(
      (line) => line.level === 'error' && line.message === 'shared JWT replay cache unavailable; checked this replica only',
    );
    expect(failures.length).toBe(first.statements.length);
    expect(failures.reduce((sum, line) => sum + Number(line.count), 0)).toBe(3);
    expect(await first.metrics.render()).toContain(`cds_store_write_failures_total{operation="jti"} ${failures.length}`);
  });
});
