import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/**
 * Plays a CDS client (an EHR) against a service running with CDS_AUTH=required, to try
 * authentication by hand (docs/security.md "Registering an EHR"):
 *
 *   npx tsx scripts/cds-client.ts keygen .ehr --iss https://ehr.example.org --fhir http://127.0.0.1:8090/fhir
 *     → .ehr/private-key.json (keep it) and .ehr/clients.json (give it to the service as CDS_CLIENTS_FILE)
 *   npx tsx scripts/cds-client.ts token .ehr http://localhost:3000/cds-services
 *     → a CDS Hooks 2.0 JWT for that endpoint (aud), valid 5 minutes, fresh jti
 *
 * Development and testing only: a real EHR keeps its private key in its own key store.
 */
interface PrivateClient {
  readonly iss: string;
  readonly alg: 'ES384' | 'RS384';
  readonly kid: string;
  readonly privateJwk: JWK;
}

export async function generateClient(
  dir: string,
  options: { readonly iss: string; readonly fhirServers: readonly string[]; readonly alg?: 'ES384' | 'RS384' },
): Promise<{ readonly clientsFile: string }> {
  const alg = options.alg ?? 'ES384';
  const kid = `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`;
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const client: PrivateClient = { iss: options.iss, alg, kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg } };
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'private-key.json'), `${JSON.stringify(client, null, 2)}\n`, { mode: 0o600 });
  const clientsFile = path.join(dir, 'clients.json');
  const registration = [{ iss: options.iss, jwks: { keys: [publicJwk] }, fhirServers: options.fhirServers }];
  writeFileSync(clientsFile, `${JSON.stringify(registration, null, 2)}\n`);
  return { clientsFile };
}

export async function signClientToken(dir: string, url: string, now: Date = new Date()): Promise<string> {
  const client = JSON.parse(readFileSync(path.join(dir, 'private-key.json'), 'utf8')) as PrivateClient;
  const key = await importJWK(client.privateJwk, client.alg);
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: client.alg, typ: 'JWT', kid: client.kid })
    .setIssuer(client.iss)
    .setAudience(url)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .sign(key);
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, dir, ...rest] = argv;
  if (command === 'keygen' && dir !== undefined) {
    const option = (name: string): string[] => rest.flatMap((arg, i) => (arg === name && rest[i + 1] !== undefined ? [rest[i + 1] as string] : []));
    const iss = option('--iss')[0];
    if (iss === undefined) throw new Error('keygen needs --iss <issuer URL>');
    const alg = option('--alg')[0];
    if (alg !== undefined && alg !== 'ES384' && alg !== 'RS384') throw new Error('--alg must be ES384 or RS384');
    const { clientsFile } = await generateClient(dir, { iss, fhirServers: option('--fhir'), ...(alg ? { alg } : {}) });
    process.stdout.write(`Registered ${iss}: start the service with CDS_AUTH=required CDS_CLIENTS_FILE=${clientsFile}\n`);
    return;
  }
  if (command === 'token' && dir !== undefined && rest[0] !== undefined) {
    process.stdout.write(`${await signClientToken(dir, rest[0])}\n`);
    return;
  }
  throw new Error('usage: cds-client.ts keygen <dir> --iss <iss> [--fhir <prefix>]... [--alg ES384|RS384]\n       cds-client.ts token <dir> <endpoint URL>');
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
