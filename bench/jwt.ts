import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

/**
 * CDS client JWTs for the authenticated scenarios, as an EHR sends them (CDS Hooks 2.0 "Trusting
 * CDS Clients"): `iss` a registered client, `aud` the URL called, a fresh `jti` per request.
 * Keys are generated at bench start and every token is signed here, in the bench
 * process, before the load starts: signing (~0.35 ms RS384, ~0.7 ms ES384 here) must not land on
 * either measured server.
 */
export type BenchAlgorithm = 'RS384' | 'ES384';

/**
 * The replay cache remembers at most 100 000 live jtis per client (src/auth/replay-cache.ts) and
 * refuses tokens that expire no later than one it had to forget: tokens are spread over several
 * clients so that no client comes near that bound.
 */
const CLIENTS_PER_ALGORITHM = 4;
/**
 * EHRs commonly send 5-minute tokens; the bench uses the longest lifetime the service accepts
 * (jwt-verifier maxLifetimeSeconds) so that a long run never outlives tokens signed at its start.
 */
const TOKEN_LIFETIME_S = 3600;

export interface BenchClients {
  readonly algorithm: BenchAlgorithm;
  /** The CDS_CLIENTS_FILE content: each client with its inline public JWK Set. */
  readonly clientsFile: readonly object[];
  /** Every client's public keys, for the floor's jose `createLocalJWKSet`. */
  readonly publicKeys: readonly JWK[];
  /** `count` tokens for `audience`, round-robin over the clients, each with its own jti. */
  sign(count: number, audience: string): Promise<string[]>;
}

export async function createBenchClients(algorithm: BenchAlgorithm): Promise<BenchClients> {
  const clients: { iss: string; kid: string; privateKey: KeyLike; publicJwk: JWK }[] = [];
  for (let i = 0; i < CLIENTS_PER_ALGORITHM; i += 1) {
    const { privateKey, publicKey } = await generateKeyPair(algorithm, { modulusLength: 2048 });
    const kid = `bench-${algorithm.toLowerCase()}-${i}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: 'sig' };
    clients.push({ iss: `https://ehr.bench.invalid/${kid}`, kid, privateKey, publicJwk });
  }
  return {
    algorithm,
    clientsFile: clients.map((client) => ({
      iss: client.iss,
      jwks: { keys: [client.publicJwk] },
      fhirServers: ['https://ehr.bench.invalid/fhir'],
    })),
    publicKeys: clients.map((client) => client.publicJwk),
    async sign(count, audience) {
      const iat = Math.floor(Date.now() / 1000);
      const tokens: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const client = clients[i % clients.length];
        if (client === undefined) throw new Error('no bench client');
        tokens.push(
          await new SignJWT({})
            .setProtectedHeader({ alg: algorithm, kid: client.kid, typ: 'JWT' })
            .setIssuer(client.iss)
            .setAudience(audience)
            .setIssuedAt(iat)
            .setExpirationTime(iat + TOKEN_LIFETIME_S)
            .setJti(randomUUID())
            .sign(client.privateKey),
        );
      }
      return tokens;
    },
  };
}

/**
 * Hands out the tokens one per request. The hook side must never see a token twice (the replay
 * cache would refuse it): `exhausted` says whether it had to wrap. The floor keeps no replay cache
 * and may cycle.
 */
export function tokenFeed(tokens: readonly string[]): { next(): string; readonly exhausted: boolean } {
  let index = 0;
  return {
    next() {
      const token = tokens[index % tokens.length] ?? '';
      index += 1;
      return token;
    },
    get exhausted() {
      return index > tokens.length;
    },
  };
}
