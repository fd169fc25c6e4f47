import { createHash } from 'node:crypto';

/**
 * JWT `jti` replay protection. CDS Hooks 2.0 "Trusting CDS Clients": `jti` is "a nonce string
 * value that uniquely identifies this authentication JWT (used to protect against replay
 * attacks)". A key only needs remembering until its token expires; after that `exp` refuses it.
 */
export interface ReplayCache {
  /**
   * Remembers the `jti` of client `iss` until `expiresAt`. Resolves `true` when the token is new
   * (it may be used) and `false` when it is a replay — or might be one: a token the cache could
   * no longer tell apart from one it had to forget (see createJtiMemory) is refused too.
   */
  checkAndRemember(iss: string, jti: string, expiresAt: Date): Promise<boolean>;
}

/**
 * A remembered jti as memory and the store keep it: digests only, so no token content is stored,
 * every key has the same size whatever the token carried, and a NUL (which PostgreSQL text
 * refuses) cannot reach the database.
 */
export interface RememberedJti {
  /** SHA-256 (hex) of the client's `iss`: the bucket the per-client bound applies to. */
  readonly client: string;
  /** SHA-256 (hex) of `iss`, NUL, `jti` (the key the jwt_replay table has always used). */
  readonly key: string;
  readonly expiresAt: Date;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Digests for `iss` are memoised: only registered clients reach the cache (the verifier refuses
 * an unknown `iss` first), so the map holds one entry per registered client.
 */
export function createJtiDigester(): (iss: string, jti: string, expiresAt: Date) => RememberedJti {
  const clientDigests = new Map<string, string>();
  return (iss, jti, expiresAt) => {
    let client = clientDigests.get(iss);
    if (client === undefined) {
      client = sha256(iss);
      clientDigests.set(iss, client);
    }
    return { client, key: sha256(`${iss}\u0000${jti}`), expiresAt };
  };
}

/**
 * Live jtis remembered per client (~15 MB of memory when full, measured). CDS Hooks 2.0 sets no
 * limit on a client JWT's lifetime (early drafts, like SMART Backend Services, said `exp` "no
 * more than five minutes in the future"); with 5-minute tokens and the 60 s clock skew, 100 000
 * covers one EHR at ~275 requests/s. Tokens may live up to an hour here (jwt-verifier
 * maxLifetimeSeconds), which no memory bound covers at such rates — hence the eviction rule of
 * createJtiMemory rather than a refusal when a client's bound is reached.
 */
export const DEFAULT_MAX_JTIS_PER_CLIENT = 100_000;

export interface JtiMemoryOptions {
  readonly now: () => Date;
  /** Bound on the jtis remembered for one client (one `iss`); other clients are unaffected. */
  readonly maxPerClient?: number;
}

export interface JtiMemory {
  /**
   * `true` when `jti` was new and is now remembered; `false` when it is remembered and not yet
   * expired, when it expires no later than a jti of the same client that had to be forgotten,
   * or when it has already expired.
   */
  claim(jti: RememberedJti): boolean;
}

/**
 * In-process jti memory, bounded per client so that one client — busy, or hostile with long-lived
 * tokens — can never make the service refuse another client's fresh tokens.
 *
 * When a client's bound is full, the jti that expires soonest is forgotten and the client's
 * "forgotten-until" mark rises to its expiry: from then on, any token of that client expiring no
 * later than the mark is refused (the rule of the "strike register" Google QUIC used against
 * 0-RTT replays: a bounded set whose horizon rises as entries are evicted). A forgotten token can
 * therefore never be replayed, and the client's new tokens, which expire later than the ones it
 * holds, keep being accepted. The only never-seen tokens refused are that client's tokens expiring
 * no later than the mark: with tokens of one lifetime, those signed longer ago than its bound
 * holds (100 000 ÷ 1 000 requests/s = 100 s) — and an EHR signs a token for the call it makes
 * then. Refusing every new token instead would take that client offline until its oldest tokens
 * expired.
 *
 * Per client: a Map for membership and a binary min-heap of expiries for eviction and sweeping,
 * O(log n) per token; expired jtis are swept from the heap top as each token of that client
 * arrives, never by a scan of the whole cache.
 */
export function createJtiMemory(options: JtiMemoryOptions): JtiMemory {
  const maxPerClient = options.maxPerClient ?? DEFAULT_MAX_JTIS_PER_CLIENT;
  if (!Number.isInteger(maxPerClient) || maxPerClient < 1) {
    throw new TypeError('maxPerClient must be a positive integer');
  }
  const buckets = new Map<string, ClientJtis>();

  function claim(jti: RememberedJti): boolean {
    const nowMs = options.now().getTime();
    const expiry = jti.expiresAt.getTime();
    let bucket = buckets.get(jti.client);
    if (bucket === undefined) {
      bucket = newClientJtis();
      buckets.set(jti.client, bucket);
    }
    bucket.sweep(nowMs);
    if (expiry <= nowMs) return false;
    if (bucket.expiries.has(jti.key)) return false;
    if (expiry <= bucket.forgottenUntil) return false;
    if (bucket.expiries.size >= maxPerClient) {
      const soonest = bucket.heap.peekExpiry();
      // The newcomer would be the one to forget: refuse it instead of forgetting another.
      if (soonest === undefined || expiry <= soonest) return false;
      bucket.forgetSoonest();
    }
    bucket.add(jti.key, expiry);
    return true;
  }

  return { claim };
}

interface ClientJtis {
  readonly expiries: Map<string, number>;
  readonly heap: ExpiryHeap;
  /** Tokens of this client expiring at or before this instant (ms) may have been forgotten. */
  forgottenUntil: number;
  sweep(nowMs: number): void;
  forgetSoonest(): void;
  add(key: string, expiry: number): void;
}

function newClientJtis(): ClientJtis {
  const expiries = new Map<string, number>();
  const heap = createExpiryHeap();
  const bucket: ClientJtis = {
    expiries,
    heap,
    forgottenUntil: Number.NEGATIVE_INFINITY,
    sweep(nowMs) {
      for (let soonest = heap.peekExpiry(); soonest !== undefined && soonest <= nowMs; soonest = heap.peekExpiry()) {
        const key = heap.pop();
        if (key !== undefined) expiries.delete(key);
      }
    },
    forgetSoonest() {
      const expiry = heap.peekExpiry();
      const key = heap.pop();
      if (key === undefined || expiry === undefined) return;
      expiries.delete(key);
      bucket.forgottenUntil = Math.max(bucket.forgottenUntil, expiry);
    },
    add(key, expiry) {
      expiries.set(key, expiry);
      heap.push(key, expiry);
    },
  };
  return bucket;
}

interface ExpiryHeap {
  peekExpiry(): number | undefined;
  /** Removes the entry expiring soonest and returns its key. */
  pop(): string | undefined;
  push(key: string, expiry: number): void;
}

/** Binary min-heap on expiry, in two parallel arrays (no object per entry). */
function createExpiryHeap(): ExpiryHeap {
  const expiries: number[] = [];
  const keys: string[] = [];

  function swap(a: number, b: number): void {
    const expiry = expiries[a] as number;
    expiries[a] = expiries[b] as number;
    expiries[b] = expiry;
    const key = keys[a] as string;
    keys[a] = keys[b] as string;
    keys[b] = key;
  }

  return {
    peekExpiry: () => expiries[0],
    push(key, expiry) {
      expiries.push(expiry);
      keys.push(key);
      let child = expiries.length - 1;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if ((expiries[parent] as number) <= expiry) break;
        swap(child, parent);
        child = parent;
      }
    },
    pop() {
      const top = keys[0];
      const lastExpiry = expiries.pop();
      const lastKey = keys.pop();
      if (expiries.length === 0 || lastExpiry === undefined || lastKey === undefined) return top;
      expiries[0] = lastExpiry;
      keys[0] = lastKey;
      let parent = 0;
      for (;;) {
        const left = 2 * parent + 1;
        const right = left + 1;
        let smallest = parent;
        if (left < expiries.length && (expiries[left] as number) < (expiries[smallest] as number)) smallest = left;
        if (right < expiries.length && (expiries[right] as number) < (expiries[smallest] as number)) smallest = right;
        if (smallest === parent) break;
        swap(parent, smallest);
        parent = smallest;
      }
      return top;
    },
  };
}

export type MemoryReplayCacheOptions = JtiMemoryOptions;

/**
 * In-process replay cache for a single process that need not survive a restart (tests, and
 * createApp without a store). The shipped server uses createReplayCacheFor
 * (./shared-replay-cache.ts), which keeps the same memory in front of the store.
 */
export function createMemoryReplayCache(options: MemoryReplayCacheOptions): ReplayCache {
  const memory = createJtiMemory(options);
  const digest = createJtiDigester();
  return {
    checkAndRemember: (iss, jti, expiresAt) => Promise.resolve(memory.claim(digest(iss, jti, expiresAt))),
  };
}
