import { createLocalJWKSet, errors, type JWK, type JWTVerifyGetKey } from 'jose';

/**
 * A client's JWK Set fetched from its registered `jwksUrl` (never from a token's `jku`): cached,
 * refreshed when its age passes `maxAgeMs` or when a token names a `kid` it does not hold (key
 * rotation), and never fetched more than once per `cooldownMs`, so a flood of tokens with made-up
 * `kid`s costs the key host at most one request per cooldown. Like jose's createRemoteJWKSet, but
 * with the fetch and the clock injected (jose 5 uses node:http directly).
 */

/** The part of WHATWG fetch we use; `globalThis.fetch` fits. */
export type FetchLike = (
  url: string,
  init: { readonly signal: AbortSignal; readonly redirect: 'error'; readonly headers: Record<string, string> },
) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export interface RemoteKeySetOptions {
  readonly url: string;
  readonly fetch: FetchLike;
  readonly now: () => Date;
  readonly cooldownMs?: number;
  readonly maxAgeMs?: number;
  readonly timeoutMs?: number;
  /** Larger responses are refused (a JWK Set is a few KB). */
  readonly maxBytes?: number;
}

export interface RemoteKeySet {
  readonly getKey: JWTVerifyGetKey;
}

interface CachedSet {
  readonly getKey: JWTVerifyGetKey;
  readonly fetchedAtMs: number;
}

export function createRemoteKeySet(options: RemoteKeySetOptions): RemoteKeySet {
  const cooldownMs = options.cooldownMs ?? 30_000;
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  let cached: CachedSet | undefined;
  let lastAttemptMs = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | undefined;

  /** Fetches at most once per cooldown; concurrent callers share one request. Never rejects. */
  async function refresh(): Promise<void> {
    const nowMs = options.now().getTime();
    if (inflight === undefined && nowMs - lastAttemptMs >= cooldownMs) {
      lastAttemptMs = nowMs;
      inflight = fetchKeySet(options)
        .then(
          (keys) => {
            cached = { getKey: createLocalJWKSet({ keys }), fetchedAtMs: nowMs };
          },
          () => {
            // Keep the previous keys: the key host being down must not lock out a known client.
          },
        )
        .finally(() => {
          inflight = undefined;
        });
    }
    await inflight;
  }

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (cached === undefined || options.now().getTime() - cached.fetchedAtMs > maxAgeMs) await refresh();
    const first = cached;
    if (first === undefined) throw new errors.JWKSNoMatchingKey('JWKS unavailable');
    try {
      return await first.getKey(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // An unknown kid may be a freshly rotated key: look once more (cooldown permitting).
      await refresh();
      if (cached === undefined || cached === first) throw error;
      return await cached.getKey(header, token);
    }
  };

  return { getKey };
}

/** JWK members only private or symmetric keys have (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

async function fetchKeySet(options: RemoteKeySetOptions): Promise<JWK[]> {
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const response = await options.fetch(options.url, {
    signal: AbortSignal.timeout(options.timeoutMs ?? 2_000),
    // A redirect could point anywhere; the registered URL is the only trusted location.
    redirect: 'error',
    headers: { accept: 'application/json, application/jwk-set+json' },
  });
  if (!response.ok) throw new errors.JOSEError(`JWKS responded ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new errors.JWKSInvalid('JWKS too large');
  const text = await response.text();
  if (text.length > maxBytes) throw new errors.JWKSInvalid('JWKS too large');
  const json: unknown = JSON.parse(text);
  if (typeof json !== 'object' || json === null || !('keys' in json) || !Array.isArray(json.keys)) {
    throw new errors.JWKSInvalid('JWKS malformed');
  }
  // Only asymmetric public keys: a symmetric "oct" key would let anyone holding it mint tokens.
  return json.keys.filter(
    (key: unknown): key is JWK =>
      typeof key === 'object' &&
      key !== null &&
      'kty' in key &&
      (key.kty === 'EC' || key.kty === 'RSA' || key.kty === 'OKP') &&
      !PRIVATE_MEMBERS.some((member) => member in key),
  );
}
