import nodeCrypto from 'node:crypto';
import nock from 'nock';
import { parseClients } from '../../src/config/clients-file';
import { createJwtVerifier, type JwtVerifier } from '../../src/auth/jwt-verifier';
import { createMemoryReplayCache } from '../../src/auth/replay-cache';
import { EHR_ISS, makeKey, PATIENT_VIEW_PATH, PUBLIC_URL, signToken, type TestKey } from './jwt-fixtures';

// An EHR that publishes its keys at a registered jwksUrl (CDS_CLIENTS_FILE "jwksUrl") and rotates
// them. nock answers for the key host; nothing leaves the machine.
const KEY_HOST = 'https://keys.ehr.example.org';
const JWKS_PATH = '/.well-known/jwks.json';
const START = new Date('2026-03-02T09:30:00Z');

let keyA: TestKey;
let keyB: TestKey;

beforeAll(async () => {
  keyA = await makeKey('ES384', 'ehr-2026-a');
  keyB = await makeKey('RS384', 'ehr-2026-b');
});

afterEach(() => {
  nock.cleanAll();
});

function remoteVerifier(clock: { now: Date }): JwtVerifier {
  return createJwtVerifier({
    clients: parseClients([{ iss: EHR_ISS, jwksUrl: `${KEY_HOST}${JWKS_PATH}`, fhirServers: [] }], { production: true }),
    publicUrl: PUBLIC_URL,
    replayCache: createMemoryReplayCache({ now: () => clock.now }),
    now: () => clock.now,
    fetch: globalThis.fetch,
  });
}

function later(clock: { now: Date }, seconds: number): void {
  clock.now = new Date(clock.now.getTime() + seconds * 1000);
}

describe('keys from a registered jwksUrl', () => {
  it('are fetched once and cached for later tokens', async () => {
    const clock = { now: START };
    const scope = nock(KEY_HOST).get(JWKS_PATH).once().reply(200, { keys: [keyA.publicJwk] });
    const verifier = remoteVerifier(clock);
    await expect(verifier.verify(await signToken(keyA, clock.now), PATIENT_VIEW_PATH)).resolves.toMatchObject({ iss: EHR_ISS });
    later(clock, 5);
    await expect(verifier.verify(await signToken(keyA, clock.now), PATIENT_VIEW_PATH)).resolves.toMatchObject({ iss: EHR_ISS });
    scope.done();
  });

  it('are imported once per fetch, not once per token (50 tokens under one kid)', async () => {
    const clock = { now: START };
    const scope = nock(KEY_HOST).get(JWKS_PATH).once().reply(200, { keys: [keyA.publicJwk] });
    const verifier = remoteVerifier(clock);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => signToken(keyA, clock.now)));
    const imports = jest.spyOn(nodeCrypto, 'createPublicKey');
    try {
      for (const token of tokens) await verifier.verify(token, PATIENT_VIEW_PATH);
      expect(imports).toHaveBeenCalledTimes(1);
    } finally {
      imports.mockRestore();
    }
    scope.done();
  });

  it('are fetched again when a rotated key B appears, and the token signed with B passes', async () => {
    const clock = { now: START };
    const first = nock(KEY_HOST).get(JWKS_PATH).once().reply(200, { keys: [keyA.publicJwk] });
    const verifier = remoteVerifier(clock);
    await expect(verifier.verify(await signToken(keyA, clock.now), PATIENT_VIEW_PATH)).resolves.toMatchObject({ iss: EHR_ISS });
    first.done();

    later(clock, 31);
    const rotated = nock(KEY_HOST).get(JWKS_PATH).once().reply(200, { keys: [keyA.publicJwk, keyB.publicJwk] });
    await expect(verifier.verify(await signToken(keyB, clock.now), PATIENT_VIEW_PATH)).resolves.toMatchObject({ iss: EHR_ISS });
    rotated.done();
  });

  it('are not fetched again within the 30 s cooldown, however many unknown kids arrive', async () => {
    const clock = { now: START };
    const scope = nock(KEY_HOST).get(JWKS_PATH).once().reply(200, { keys: [keyA.publicJwk] });
    const verifier = remoteVerifier(clock);
    await verifier.verify(await signToken(keyA, clock.now), PATIENT_VIEW_PATH);
    scope.done();
    const extra = nock(KEY_HOST).get(JWKS_PATH).reply(200, { keys: [keyA.publicJwk, keyB.publicJwk] });
    later(clock, 10);
    for (const kid of ['made-up-1', 'made-up-2', 'ehr-2026-b']) {
      const token = await signToken(keyB, clock.now, { kid });
      await expect(verifier.verify(token, PATIENT_VIEW_PATH)).rejects.toMatchObject({ code: 'unauthorized' });
    }
    expect(extra.isDone()).toBe(false);
  });

  it('keep working from the cache while the key host is down', async () => {
    const clock = { now: START };
    nock(KEY_HOST).get(JWKS_PATH).once().reply(200, { keys: [keyA.publicJwk] });
    const verifier = remoteVerifier(clock);
    await verifier.verify(await signToken(keyA, clock.now), PATIENT_VIEW_PATH);
    later(clock, 11 * 60);
    const down = nock(KEY_HOST).get(JWKS_PATH).once().reply(503, 'unavailable');
    await expect(verifier.verify(await signToken(keyA, clock.now), PATIENT_VIEW_PATH)).resolves.toMatchObject({ iss: EHR_ISS });
    down.done();
  });

  it('never include a symmetric key the key host slips in', async () => {
    const clock = { now: START };
    const secret = Buffer.from('shared-secret-shared-secret-1234').toString('base64url');
    nock(KEY_HOST)
      .get(JWKS_PATH)
      .once()
      .reply(200, { keys: [{ kty: 'oct', kid: 'sym', k: secret, alg: 'HS256' }] });
    const { SignJWT } = await import('jose');
    const token = await new SignJWT({ jti: 'sym-1' })
      .setProtectedHeader({ alg: 'HS256', kid: 'sym' })
      .setIssuer(EHR_ISS)
      .setAudience(`${PUBLIC_URL}${PATIENT_VIEW_PATH}`)
      .setIssuedAt(Math.floor(clock.now.getTime() / 1000))
      .setExpirationTime(Math.floor(clock.now.getTime() / 1000) + 300)
      .sign(Buffer.from(secret, 'base64url'));
    await expect(remoteVerifier(clock).verify(token, PATIENT_VIEW_PATH)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('are never fetched from the token’s jku, only from the registered jwksUrl', async () => {
    const clock = { now: START };
    const attacker = await makeKey('ES384', 'attacker');
    const registered = nock(KEY_HOST).get(JWKS_PATH).once().reply(200, { keys: [keyA.publicJwk] });
    const elsewhere = nock('https://attacker.example.net').get('/jwks.json').reply(200, { keys: [attacker.publicJwk] });
    const token = await signToken(attacker, clock.now, { extraHeader: { jku: 'https://attacker.example.net/jwks.json' } });
    await expect(remoteVerifier(clock).verify(token, PATIENT_VIEW_PATH)).rejects.toMatchObject({ code: 'unauthorized' });
    registered.done();
    expect(elsewhere.isDone()).toBe(false);
  });

  it('are not fetched at all for a token from an unregistered issuer', async () => {
    const clock = { now: START };
    const registered = nock(KEY_HOST).get(JWKS_PATH).reply(200, { keys: [keyA.publicJwk] });
    const token = await signToken(keyA, clock.now, { iss: 'https://stranger.example.net' });
    await expect(remoteVerifier(clock).verify(token, PATIENT_VIEW_PATH)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(registered.isDone()).toBe(false);
  });
});
