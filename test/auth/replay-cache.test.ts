import { createMemoryReplayCache } from '../../src/auth/replay-cache';

const T0 = new Date('2026-03-02T09:30:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

describe('the in-memory replay cache', () => {
  it('accepts a jti once and refuses it again until it expires', async () => {
    const clock = { now: T0 };
    const cache = createMemoryReplayCache({ now: () => clock.now });
    await expect(cache.checkAndRemember('ehr|a', at(300))).resolves.toBe(true);
    await expect(cache.checkAndRemember('ehr|a', at(300))).resolves.toBe(false);
    clock.now = at(299);
    await expect(cache.checkAndRemember('ehr|a', at(600))).resolves.toBe(false);
    clock.now = at(300);
    await expect(cache.checkAndRemember('ehr|a', at(600))).resolves.toBe(true);
  });

  it('keeps different jtis apart', async () => {
    const cache = createMemoryReplayCache({ now: () => T0 });
    await expect(cache.checkAndRemember('ehr|a', at(300))).resolves.toBe(true);
    await expect(cache.checkAndRemember('ehr|b', at(300))).resolves.toBe(true);
  });

  it('when full, makes room by forgetting expired entries only', async () => {
    const clock = { now: T0 };
    const cache = createMemoryReplayCache({ now: () => clock.now, maxEntries: 2 });
    await cache.checkAndRemember('a', at(10));
    await cache.checkAndRemember('b', at(100));
    // Full of live tokens: refusing is safer than forgetting one that could then be replayed.
    await expect(cache.checkAndRemember('c', at(100))).resolves.toBe(false);
    clock.now = at(10);
    await expect(cache.checkAndRemember('c', at(100))).resolves.toBe(true);
    await expect(cache.checkAndRemember('b', at(100))).resolves.toBe(false);
  });
});
