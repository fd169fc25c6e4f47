import nodeCrypto, { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { parseClients } from '../../src/config/clients-file';
import { createJwtVerifier, type JwtVerifier } from '../../src/auth/jwt-verifier';
import { createMemoryReplayCache } from '../../src/auth/replay-cache';
import type { FetchLike } from '../../src/auth/remote-key-set';
import { base64url, EHR_ISS, makeKey, PATIENT_VIEW_PATH, PUBLIC_URL, signToken, type TestKey } from './jwt-fixtures';

// CDS Hooks 2.0 "Trusting CDS Clients", checked one requirement at a time with keys made for this run.
const NOW = new Date('2026-03-02T09:30:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);

let es384: TestKey;
let rs384: TestKey;
let impostor: TestKey;

beforeAll(async () => {
  es384 = await makeKey('ES384', 'ehr-es384-2026');
  rs384 = await makeKey('RS384', 'ehr-rs384-2026');
  // Same kid as the EHR's key, different key pair: someone who guessed the kid.
  impostor = await makeKey('ES384', 'ehr-es384-2026');
});

const refuseFetch: FetchLike = () => Promise.reject(new Error('no key may be fetched for an inline-key client'));

function verifierFor(options: { tenant?: string; fetch?: FetchLike } = {}): JwtVerifier {
  const clients = parseClients(
    [
      {
        iss: EHR_ISS,
        jwks: { keys: [es384.publicJwk, rs384.publicJwk] },
        fhirServers: ['https://ehr.example.org/fhir/r4'],
        ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
      },
    ],
    { production: true },
  );
  return createJwtVerifier({
    clients,
    publicUrl: PUBLIC_URL,
    replayCache: createMemoryReplayCache({ now: () => NOW }),
    now: () => NOW,
    fetch: options.fetch ?? refuseFetch,
  });
}

async function expectRefused(verifier: JwtVerifier, token: string, reason: string, path = PATIENT_VIEW_PATH): Promise<void> {
  const outcome = await verifier.verify(token, path).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toMatchObject({ name: 'CdsError', code: 'unauthorized' });
  const message = (outcome as Error).message;
  expect(message).toContain(reason);
  // The reason is for the log: it never carries the token or its signature.
  expect(message).not.toContain(token);
  expect(message).not.toContain(token.split('.')[2] || '(no signature)');
}

describe('a CDS client JWT from a registered EHR', () => {
  it('is accepted when signed with the EHR’s ES384 key and addressed to the service called', async () => {
    const token = await signToken(es384, NOW);
    await expect(verifierFor().verify(token, PATIENT_VIEW_PATH)).resolves.toEqual({
      iss: EHR_ISS,
      fhirServers: ['https://ehr.example.org/fhir/r4'],
    });
  });

  it('is accepted when signed with the EHR’s RS384 key', async () => {
    const token = await signToken(rs384, NOW);
    await expect(verifierFor().verify(token, PATIENT_VIEW_PATH)).resolves.toMatchObject({ iss: EHR_ISS });
  });

  it('is accepted 30 s after expiry, within the 60 s clock skew', async () => {
    const token = await signToken(es384, NOW, { iat: NOW_S - 330, exp: NOW_S - 30 });
    await expect(verifierFor().verify(token, PATIENT_VIEW_PATH)).resolves.toMatchObject({ iss: EHR_ISS });
  });

  it('is accepted with `aud` given as an array holding the endpoint called', async () => {
    const token = await signToken(es384, NOW, { aud: [`${PUBLIC_URL}${PATIENT_VIEW_PATH}`] });
    await expect(verifierFor().verify(token, PATIENT_VIEW_PATH)).resolves.toMatchObject({ iss: EHR_ISS });
  });
});

describe('a CDS client JWT is refused', () => {
  it('when it expired more than the clock skew ago', async () => {
    const token = await signToken(es384, NOW, { iat: NOW_S - 400, exp: NOW_S - 61 });
    await expectRefused(verifierFor(), token, '"exp" claim timestamp check failed');
  });

  it('when it was issued in the future (iat beyond the clock skew)', async () => {
    const token = await signToken(es384, NOW, { iat: NOW_S + 120, exp: NOW_S + 420 });
    await expectRefused(verifierFor(), token, '"iat" claim timestamp check failed');
  });

  it('when it lives longer than one hour (exp − iat = 3601 s)', async () => {
    const token = await signToken(es384, NOW, { iat: NOW_S - 10, exp: NOW_S - 10 + 3601 });
    await expectRefused(verifierFor(), token, 'lifetime 3601s exceeds 3600s');
  });

  it('when it is addressed to another service of ours (aud names ln-order-sign)', async () => {
    const token = await signToken(es384, NOW, { aud: `${PUBLIC_URL}/cds-services/ln-order-sign` });
    await expectRefused(verifierFor(), token, 'unexpected "aud" claim value');
  });

  it('when it is addressed to the same path on another host', async () => {
    const token = await signToken(es384, NOW, { aud: `https://other-cds.example.com${PATIENT_VIEW_PATH}` });
    await expectRefused(verifierFor(), token, 'unexpected "aud" claim value');
  });

  it('when its issuer is not in the clients file', async () => {
    const token = await signToken(es384, NOW, { iss: 'https://unknown-ehr.example.net' });
    await expectRefused(verifierFor(), token, 'iss not registered');
  });

  it('when it is signed by another key under the EHR’s kid', async () => {
    const token = await signToken(impostor, NOW);
    await expectRefused(verifierFor(), token, 'signature verification failed');
  });

  it('when it is unsigned (alg: none)', async () => {
    const header = base64url({ alg: 'none', typ: 'JWT', kid: es384.kid });
    const payload = base64url({ iss: EHR_ISS, aud: `${PUBLIC_URL}${PATIENT_VIEW_PATH}`, iat: NOW_S, exp: NOW_S + 300, jti: 'n-1' });
    await expectRefused(verifierFor(), `${header}.${payload}.`, 'alg none not allowed');
  });

  it('when it is HS256-signed with the EHR’s public key as the HMAC secret (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(es384.publicPem);
    const token = await new SignJWT({ jti: 'confused-1' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: es384.kid })
      .setIssuer(EHR_ISS)
      .setAudience(`${PUBLIC_URL}${PATIENT_VIEW_PATH}`)
      .setIssuedAt(NOW_S)
      .setExpirationTime(NOW_S + 300)
      .sign(secret);
    await expectRefused(verifierFor(), token, 'alg HS256 not allowed');
  });

  it('when it is HS384-signed with the public JWK’s JSON as the secret', async () => {
    const header = base64url({ alg: 'HS384', typ: 'JWT', kid: es384.kid });
    const payload = base64url({ iss: EHR_ISS, aud: `${PUBLIC_URL}${PATIENT_VIEW_PATH}`, iat: NOW_S, exp: NOW_S + 300, jti: 'h-1' });
    const signature = createHmac('sha384', JSON.stringify(es384.publicJwk)).update(`${header}.${payload}`).digest('base64url');
    await expectRefused(verifierFor(), `${header}.${payload}.${signature}`, 'alg HS384 not allowed');
  });

  it('when its jti was already used (a replay), even on another endpoint', async () => {
    const verifier = verifierFor();
    const token = await signToken(es384, NOW, { jti: 'once-only' });
    await expect(verifier.verify(token, PATIENT_VIEW_PATH)).resolves.toMatchObject({ iss: EHR_ISS });
    await expectRefused(verifier, token, 'jti replayed');
    const elsewhere = await signToken(es384, NOW, { jti: 'once-only', aud: `${PUBLIC_URL}/cds-services` });
    await expectRefused(verifier, elsewhere, 'jti replayed', '/cds-services');
  });

  it('when its header has no kid', async () => {
    const token = await signToken(es384, NOW, { kid: null });
    await expectRefused(verifierFor(), token, 'kid missing');
  });

  it('when it has no jti', async () => {
    const token = await signToken(es384, NOW, { jti: null });
    await expectRefused(verifierFor(), token, 'missing required "jti" claim');
  });

  it('when it is not a JWT at all', async () => {
    await expectRefused(verifierFor(), 'not-a-jwt', 'not a JWS compact JWT');
  });

  it('when it is absurdly long', async () => {
    await expectRefused(verifierFor(), `eyJ${'A'.repeat(9000)}.e30.sig`, 'token too long');
  });
});

describe('the tenant claim', () => {
  it('is accepted when it equals the tenant registered for the EHR', async () => {
    const token = await signToken(es384, NOW, { extraClaims: { tenant: 'north-hospital' } });
    await expect(verifierFor({ tenant: 'north-hospital' }).verify(token, PATIENT_VIEW_PATH)).resolves.toEqual({
      iss: EHR_ISS,
      fhirServers: ['https://ehr.example.org/fhir/r4'],
      tenant: 'north-hospital',
    });
  });

  it('refuses a token for another tenant of the same EHR', async () => {
    const token = await signToken(es384, NOW, { extraClaims: { tenant: 'south-hospital' } });
    await expectRefused(verifierFor({ tenant: 'north-hospital' }), token, 'tenant mismatch');
  });

  it('refuses a token without tenant when one is registered', async () => {
    const token = await signToken(es384, NOW);
    await expectRefused(verifierFor({ tenant: 'north-hospital' }), token, 'tenant mismatch');
  });
});

describe('the jku header', () => {
  it('is never fetched: keys come from the clients file only', async () => {
    const fetch = jest.fn<ReturnType<FetchLike>, Parameters<FetchLike>>(refuseFetch);
    const attacker = await makeKey('ES384', 'attacker-key');
    const token = await signToken(attacker, NOW, { extraHeader: { jku: 'https://attacker.example.net/jwks.json' } });
    await expectRefused(verifierFor({ fetch }), token, 'ERR_JWKS_NO_MATCHING_KEY');
    // Even the EHR's own token naming a jku is verified against the registered keys, no fetch.
    const own = await signToken(es384, NOW, { extraHeader: { jku: 'https://attacker.example.net/jwks.json' } });
    await expect(verifierFor({ fetch }).verify(own, PATIENT_VIEW_PATH)).resolves.toMatchObject({ iss: EHR_ISS });
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('the registered keys', () => {
  it('are imported once per kid, not once per request (100 tokens from an EHR with an ES384 and an RS384 key)', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 100 }, (_, i) => signToken(i % 2 === 0 ? es384 : rs384, NOW)),
    );
    const verifier = verifierFor();
    // jose turns a JWK into a Node KeyObject with createPublicKey: ~50 µs for P-384, paid per key.
    const imports = jest.spyOn(nodeCrypto, 'createPublicKey');
    try {
      for (const token of tokens) await verifier.verify(token, PATIENT_VIEW_PATH);
      expect(imports).toHaveBeenCalledTimes(2);
    } finally {
      imports.mockRestore();
    }
  });
});
