/**
 * JWT `jti` replay protection. CDS Hooks 2.0 "Trusting CDS Clients": `jti` is "a nonce string
 * value that uniquely identifies this authentication JWT (used to protect against replay
 * attacks)". A key only needs remembering until its token expires; after that `exp` refuses it.
 */
export interface ReplayCache {
  /**
   * Remembers `key` until `expiresAt`. Resolves `true` when the key was new (the token may be
   * used) and `false` when it was already remembered and not yet expired (a replay) — or when the
   * cache cannot remember it (full), since accepting a token we cannot track would allow replays.
   */
  checkAndRemember(key: string, expiresAt: Date): Promise<boolean>;
}

export interface MemoryReplayCacheOptions {
  readonly now: () => Date;
  /** Bound on remembered tokens; at most this many live tokens are accepted at once. */
  readonly maxEntries?: number;
}

/**
 * In-process cache for a single replica (several replicas need a shared store, e.g. the
 * database). Bounded: expired entries are swept when the cache is full, and only then, so the
 * sweep costs O(n) at most once per expiry of the oldest entry.
 */
export function createMemoryReplayCache(options: MemoryReplayCacheOptions): ReplayCache {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('maxEntries must be a positive integer');
  const expiries = new Map<string, number>();
  let earliestExpiry = Number.POSITIVE_INFINITY;

  function sweep(nowMs: number): void {
    if (nowMs < earliestExpiry) return;
    earliestExpiry = Number.POSITIVE_INFINITY;
    for (const [key, expiry] of expiries) {
      if (expiry <= nowMs) expiries.delete(key);
      else earliestExpiry = Math.min(earliestExpiry, expiry);
    }
  }

  function checkAndRemember(key: string, expiresAt: Date): boolean {
    const nowMs = options.now().getTime();
    const known = expiries.get(key);
    if (known !== undefined && known > nowMs) return false;
    if (known === undefined && expiries.size >= maxEntries) {
      sweep(nowMs);
      if (expiries.size >= maxEntries) return false;
    }
    const expiry = expiresAt.getTime();
    expiries.set(key, expiry);
    earliestExpiry = Math.min(earliestExpiry, expiry);
    return true;
  }

  return { checkAndRemember: (key, expiresAt) => Promise.resolve(checkAndRemember(key, expiresAt)) };
}
