import { createJtiDigester, createMemoryReplayCache } from '../../src/auth/replay-cache';

/**
 * The in-memory jti cache every deployment decides with (CDS Hooks 2.0 "Trusting CDS Clients":
 * `jti` protects against replay attacks). Expiries are the verifier's: the token's `exp` plus the
 * 60 s clock skew.
 */
const T0 = new Date('2026-03-02T09:30:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

const NORTH_EHR = 'https://ehr.north.example.org';
const SOUTH_EHR = 'https://ehr.south.example.org';

describe('the in-memory replay cache', () => {
  it('accepts a jti once and refuses it again until it expires', async () => {
    const clock = { now: T0 };
    const cache = createMemoryReplayCache({ now: () => clock.now });
    await expect(cache.checkAndRemember(NORTH_EHR, 'a', at(300))).resolves.toBe(true);
    await expect(cache.checkAndRemember(NORTH_EHR, 'a', at(300))).resolves.toBe(false);
    clock.now = at(299);
    await expect(cache.checkAndRemember(NORTH_EHR, 'a', at(600))).resolves.toBe(false);
    clock.now = at(300);
    await expect(cache.checkAndRemember(NORTH_EHR, 'a', at(600))).resolves.toBe(true);
  });

  it('keeps different jtis apart, and the same jti from two EHRs', async () => {
    const cache = createMemoryReplayCache({ now: () => T0 });
    await expect(cache.checkAndRemember(NORTH_EHR, 'a', at(300))).resolves.toBe(true);
    await expect(cache.checkAndRemember(NORTH_EHR, 'b', at(300))).resolves.toBe(true);
    await expect(cache.checkAndRemember(SOUTH_EHR, 'a', at(300))).resolves.toBe(true);
  });

  it('one EHR filling its bound with hour-long tokens does not stop another EHR’s fresh token', async () => {
    const cache = createMemoryReplayCache({ now: () => T0, maxPerClient: 3 });
    for (const jti of ['h1', 'h2', 'h3', 'h4', 'h5']) {
      await cache.checkAndRemember(NORTH_EHR, jti, at(3660));
    }
    await expect(cache.checkAndRemember(SOUTH_EHR, 'fresh-5-minute-token', at(360))).resolves.toBe(true);
    await expect(cache.checkAndRemember(SOUTH_EHR, 'fresh-5-minute-token', at(360))).resolves.toBe(false);
  });

  it('when one EHR’s bound is full, forgets its jti expiring soonest and refuses its tokens expiring no later', async () => {
    const clock = { now: T0 };
    const cache = createMemoryReplayCache({ now: () => clock.now, maxPerClient: 2 });
    await expect(cache.checkAndRemember(NORTH_EHR, 'a', at(10))).resolves.toBe(true);
    await expect(cache.checkAndRemember(NORTH_EHR, 'b', at(100))).resolves.toBe(true);
    // Full: `a` (soonest) is forgotten to make room for the later-expiring `c`…
    await expect(cache.checkAndRemember(NORTH_EHR, 'c', at(100))).resolves.toBe(true);
    // …yet its replay is still refused, as is any token of this EHR expiring no later than `a`.
    await expect(cache.checkAndRemember(NORTH_EHR, 'a', at(10))).resolves.toBe(false);
    await expect(cache.checkAndRemember(NORTH_EHR, 'never-seen', at(10))).resolves.toBe(false);
    await expect(cache.checkAndRemember(NORTH_EHR, 'b', at(100))).resolves.toBe(false);
    await expect(cache.checkAndRemember(NORTH_EHR, 'c', at(100))).resolves.toBe(false);
    // A newcomer that would itself be the soonest to expire is refused rather than forgetting another.
    await expect(cache.checkAndRemember(NORTH_EHR, 'short', at(50))).resolves.toBe(false);
    await expect(cache.checkAndRemember(NORTH_EHR, 'd', at(101))).resolves.toBe(true);
    // Once its jtis expire the EHR has its whole bound again.
    clock.now = at(101);
    await expect(cache.checkAndRemember(NORTH_EHR, 'e', at(400))).resolves.toBe(true);
    await expect(cache.checkAndRemember(NORTH_EHR, 'f', at(400))).resolves.toBe(true);
  });

  it('an EHR busier than its bound keeps being answered when its tokens share one lifetime', async () => {
    // 10 calls/s with 5-minute tokens (`exp` in whole seconds) for 10 minutes: ~3 600 live jtis
    // against a bound of 100. Each fresh token expires later than those forgotten, so all pass.
    const clock = { now: T0 };
    const cache = createMemoryReplayCache({ now: () => clock.now, maxPerClient: 100 });
    const issued: { jti: string; expiresAt: Date }[] = [];
    for (let call = 0; call < 6000; call += 1) {
      clock.now = new Date(T0.getTime() + call * 100);
      const exp = Math.floor(clock.now.getTime() / 1000) + 300;
      const token = { jti: `order-sign-${call}`, expiresAt: new Date((exp + 60) * 1000) };
      await expect(cache.checkAndRemember(NORTH_EHR, token.jti, token.expiresAt)).resolves.toBe(true);
      issued.push(token);
    }
    for (const token of issued.filter((_, index) => index % 97 === 0)) {
      await expect(cache.checkAndRemember(NORTH_EHR, token.jti, token.expiresAt)).resolves.toBe(false);
    }
  });

  it('never accepts a replay, and always accepts an EHR’s fresh token expiring after all its earlier ones', async () => {
    // Seeded trace: three EHRs, bounds of 5, token lifetimes from 1 s to the hour allowed, a
    // third of the calls replaying an earlier token, the clock moving 0–20 s between calls.
    let seed = 0x5eed;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const clock = { now: T0 };
    const cache = createMemoryReplayCache({ now: () => clock.now, maxPerClient: 5 });
    const clients = [NORTH_EHR, SOUTH_EHR, 'https://ehr.east.example.org'];
    const accepted: { iss: string; jti: string; expiresAt: Date }[] = [];
    const latestExpiry = new Map<string, number>();
    let fresh = 0;
    for (let call = 0; call < 5000; call += 1) {
      clock.now = new Date(clock.now.getTime() + Math.floor(random() * 20_000));
      const earlier = accepted[Math.floor(random() * accepted.length)];
      if (earlier !== undefined && random() < 1 / 3) {
        const answer = await cache.checkAndRemember(earlier.iss, earlier.jti, earlier.expiresAt);
        if (earlier.expiresAt > clock.now) expect(answer).toBe(false);
        continue;
      }
      const iss = clients[Math.floor(random() * clients.length)] ?? NORTH_EHR;
      const expiresAt = new Date(clock.now.getTime() + 1000 + Math.floor(random() * 3_660_000));
      const jti = `jti-${call}`;
      const answer = await cache.checkAndRemember(iss, jti, expiresAt);
      if (expiresAt.getTime() > (latestExpiry.get(iss) ?? 0)) expect(answer).toBe(true);
      latestExpiry.set(iss, Math.max(latestExpiry.get(iss) ?? 0, expiresAt.getTime()));
      if (answer) {
        fresh += 1;
        accepted.push({ iss, jti, expiresAt });
      }
    }
    // Not vacuous: with bounds this small and lifetimes this mixed, most fresh tokens expire before
    // the jtis their EHR holds and are refused; about a third (1 123 of 3 313) get through.
    expect(fresh).toBeGreaterThan(1000);
  });
});

describe('jti digests', () => {
  it('stores neither the issuer nor the jti, only fixed-size SHA-256 digests', () => {
    const digest = createJtiDigester();
    const remembered = digest(NORTH_EHR, '20f88927-961e-4ce1-a4e3-ed30ab6b1c4e', at(300));
    expect(remembered.client).toMatch(/^[0-9a-f]{64}$/);
    expect(remembered.key).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(remembered)).not.toContain('ehr.north');
    expect(digest(SOUTH_EHR, '20f88927-961e-4ce1-a4e3-ed30ab6b1c4e', at(300)).key).not.toBe(remembered.key);
  });
});
