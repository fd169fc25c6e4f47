import { randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

/** An EHR signing key made fresh for the test run (never a key from a file). */
export interface TestKey {
  readonly alg: 'ES384' | 'RS384';
  readonly kid: string;
  readonly privateKey: KeyLike;
  readonly publicJwk: JWK;
  readonly publicPem: string;
}

export async function makeKey(alg: 'ES384' | 'RS384', kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

export interface TokenOptions {
  readonly iss?: string;
  readonly aud?: string | string[];
  /** Seconds since the epoch. */
  readonly iat?: number;
  readonly exp?: number;
  readonly jti?: string | null;
  readonly kid?: string | null;
  readonly extraClaims?: Record<string, unknown>;
  readonly extraHeader?: Record<string, unknown>;
}

/** A CDS Hooks 2.0 client JWT: header alg/kid/typ, claims iss/aud/exp/iat/jti. */
export async function signToken(key: TestKey, now: Date, options: TokenOptions = {}): Promise<string> {
  const iat = options.iat ?? Math.floor(now.getTime() / 1000);
  const jti = options.jti === undefined ? randomUUID() : options.jti;
  const kid = options.kid === undefined ? key.kid : options.kid;
  const jwt = new SignJWT({ ...(jti === null ? {} : { jti }), ...options.extraClaims })
    .setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(kid === null ? {} : { kid }), ...options.extraHeader })
    .setIssuer(options.iss ?? EHR_ISS)
    .setAudience(options.aud ?? `${PUBLIC_URL}${PATIENT_VIEW_PATH}`)
    .setIssuedAt(iat)
    .setExpirationTime(options.exp ?? iat + 300);
  return jwt.sign(key.privateKey);
}

export const EHR_ISS = 'https://ehr.example.org';
export const PUBLIC_URL = 'https://cds.example.com';
export const PATIENT_VIEW_PATH = '/cds-services/ln-patient-view';

export function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
