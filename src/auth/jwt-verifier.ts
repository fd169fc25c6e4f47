import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { CdsError } from '../errors';
import type { ClientRegistration } from './client-registration';
import { createRemoteKeySet, type FetchLike } from './remote-key-set';
import type { ReplayCache } from './replay-cache';

/**
 * Authenticates a CDS client from its bearer JWT, after CDS Hooks 2.0 "Trusting CDS Clients":
 * header `alg` and `kid` REQUIRED ("CDS Services SHOULD support ES384 and RS384"); payload `iss`,
 * `aud` ("MUST be the URL of the CDS Service endpoint being invoked"), `exp`, `iat`, `jti` REQUIRED,
 * `tenant` OPTIONAL. Keys come only from the client's registration (inline JWK Set or its
 * `jwksUrl`); a token's `jku` header is never dereferenced.
 */

/** What the rest of the service knows about the caller once its JWT checks out. */
export interface AuthenticatedClient {
  readonly iss: string;
  readonly fhirServers: readonly string[];
  readonly tenant?: string;
}

/**
 * Asymmetric algorithms only. Never `none` (jose refuses it anyway) and never HS*: with HMAC the
 * "key" would be whatever bytes the verifier holds, and a public key is public (algorithm
 * confusion, RFC 8725 §2.1).
 */
export const ALLOWED_ALGORITHMS: readonly string[] = Object.freeze([
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
]);

export interface JwtVerifierDeps {
  readonly clients: readonly ClientRegistration[];
  /** CDS_PUBLIC_URL without trailing slash; `aud` must be this + the path called. */
  readonly publicUrl: string;
  readonly replayCache: ReplayCache;
  readonly now: () => Date;
  /** Fetches registered `jwksUrl`s; only those URLs are ever requested. */
  readonly fetch: FetchLike;
  readonly clockSkewSeconds?: number;
  readonly maxLifetimeSeconds?: number;
  readonly jwksCooldownMs?: number;
}

export interface JwtVerifier {
  /** Resolves the client, or rejects with CdsError 'unauthorized' whose message (never the token) is for the log. */
  verify(token: string, path: string): Promise<AuthenticatedClient>;
}

/** Longer tokens are refused before parsing (a CDS client JWT is well under 2 KB). */
const MAX_TOKEN_LENGTH = 8192;

export function createJwtVerifier(deps: JwtVerifierDeps): JwtVerifier {
  const clockSkew = deps.clockSkewSeconds ?? 60;
  const maxLifetime = deps.maxLifetimeSeconds ?? 3600;
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const clients = new Map<string, { readonly client: AuthenticatedClient; readonly getKey: JWTVerifyGetKey }>();
  for (const registration of deps.clients) {
    const getKey =
      registration.keySource.kind === 'inline'
        ? createLocalJWKSet({ keys: [...registration.keySource.jwks.keys] })
        : createRemoteKeySet({
            url: registration.keySource.jwksUrl,
            fetch: deps.fetch,
            now: deps.now,
            ...(deps.jwksCooldownMs === undefined ? {} : { cooldownMs: deps.jwksCooldownMs }),
          }).getKey;
    const client: AuthenticatedClient = Object.freeze({
      iss: registration.iss,
      fhirServers: registration.fhirServers,
      ...(registration.tenant === undefined ? {} : { tenant: registration.tenant }),
    });
    clients.set(registration.iss, { client, getKey });
  }

  async function verify(token: string, path: string): Promise<AuthenticatedClient> {
    if (token.length > MAX_TOKEN_LENGTH) throw unauthorized('token too long');
    const { alg, kid, iss } = readUnverified(token);
    if (!ALLOWED_ALGORITHMS.includes(alg)) throw unauthorized(`alg ${alg.slice(0, 16)} not allowed`);
    if (kid === undefined) throw unauthorized('kid missing');
    const entry = iss === undefined ? undefined : clients.get(iss);
    if (entry === undefined) throw unauthorized('iss not registered');

    const currentDate = deps.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, entry.getKey, {
        algorithms: [...ALLOWED_ALGORITHMS],
        issuer: entry.client.iss,
        audience: publicUrl + path,
        requiredClaims: ['exp', 'iat', 'jti'],
        clockTolerance: clockSkew,
        // With maxTokenAge jose also refuses an `iat` in the future (beyond the tolerance).
        maxTokenAge: maxLifetime,
        currentDate,
      }));
    } catch (error) {
      // No `cause`: jose's claim errors carry the payload, which has no place in an error log.
      throw unauthorized(describeJoseError(error));
    }
    const { exp, iat, jti, tenant } = payload;
    if (typeof exp !== 'number' || typeof iat !== 'number') throw unauthorized('exp/iat not numbers');
    if (exp - iat > maxLifetime) throw unauthorized(`lifetime ${exp - iat}s exceeds ${maxLifetime}s`);
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw unauthorized('jti invalid');
    if (entry.client.tenant !== undefined && tenant !== entry.client.tenant) throw unauthorized('tenant mismatch');

    // Last, so that tokens failing any other check do not occupy the cache.
    // Remembered until the token can no longer pass the `exp` check, skew included.
    const fresh = await deps.replayCache.checkAndRemember(entry.client.iss, jti, new Date((exp + clockSkew) * 1000));
    if (!fresh) throw unauthorized('jti replayed');
    return entry.client;
  }

  return { verify };
}

function readUnverified(token: string): { alg: string; kid?: string; iss?: string } {
  try {
    const header = decodeProtectedHeader(token);
    const payload = decodeJwt(token);
    return {
      alg: typeof header.alg === 'string' ? header.alg : '(missing)',
      ...(typeof header.kid === 'string' && header.kid.length > 0 ? { kid: header.kid } : {}),
      ...(typeof payload.iss === 'string' ? { iss: payload.iss } : {}),
    };
  } catch {
    throw unauthorized('not a JWS compact JWT');
  }
}

function unauthorized(reason: string): CdsError {
  return new CdsError('unauthorized', `CDS client JWT refused: ${reason}`);
}

/** jose's messages name the check that failed and never include the token. */
function describeJoseError(error: unknown): string {
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return 'verification failed';
}
