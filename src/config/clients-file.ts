import { createPublicKey, type JsonWebKey } from 'node:crypto';
import Ajv, { type ErrorObject } from 'ajv';
import type { JWK } from 'jose';
import type { ClientRegistration, KeySource } from '../auth/client-registration';
import { isLoopbackHost } from '../auth/loopback';
import { ConfigError } from '../errors';
import { readJsonFile } from './json-file';

/**
 * The trusted CDS clients (CDS_CLIENTS_FILE, service-contract.md): who may call the service, with
 * which keys, and which FHIR servers each may point it at. CDS Hooks 2.0 "Trusting CDS Clients":
 * "CDS Services SHOULD allowlist the iss, jku and sub fields to only the CDS Clients they trust";
 * "If the jku header field is omitted, the CDS Client and CDS Service SHALL communicate the JWK Set
 * out-of-band" — this file is that out-of-band channel, and the only source of keys we accept.
 */

export interface ParseClientsOptions {
  /** Production requires https for jwksUrl and fhirServers (loopback excepted). */
  readonly production: boolean;
  /** Names the file in error messages. */
  readonly source?: string;
}

interface RawJwk {
  kty: string;
  kid: string;
  [member: string]: unknown;
}

interface RawClient {
  iss: string;
  jwksUrl?: string;
  jwks?: { keys: RawJwk[] };
  fhirServers: string[];
  tenant?: string;
}

const clientsSchema = {
  type: 'array',
  maxItems: 1000,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['iss', 'fhirServers'],
    properties: {
      iss: { type: 'string', minLength: 1, maxLength: 2048 },
      jwksUrl: { type: 'string', minLength: 1, maxLength: 2048 },
      jwks: {
        type: 'object',
        required: ['keys'],
        properties: {
          keys: {
            type: 'array',
            minItems: 1,
            maxItems: 50,
            items: {
              type: 'object',
              required: ['kty', 'kid'],
              properties: {
                kty: { type: 'string', enum: ['EC', 'RSA', 'OKP'] },
                kid: { type: 'string', minLength: 1, maxLength: 256 },
              },
            },
          },
        },
      },
      fhirServers: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 2048 } },
      tenant: { type: 'string', minLength: 1, maxLength: 256 },
    },
  },
};

// Compiled once, at module load (fastify: schemas compiled at start).
const validateClients = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile<RawClient[]>(clientsSchema);

/** JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Reads CDS_CLIENTS_FILE; throws ConfigError naming the file and the field at fault. */
export function loadClientsFile(path: string, options: { readonly production: boolean }): readonly ClientRegistration[] {
  const json = readJsonFile('CDS_CLIENTS_FILE', path);
  return parseClients(json, { ...options, source: path });
}

/** Validates parsed clients JSON into frozen registrations. */
export function parseClients(json: unknown, options: ParseClientsOptions): readonly ClientRegistration[] {
  const where = `CDS_CLIENTS_FILE${options.source ? ` (${options.source})` : ''}`;
  if (!validateClients(json)) {
    throw new ConfigError(`${where}: ${describeAjvError(validateClients.errors)}`);
  }
  const seen = new Set<string>();
  const clients = json.map((raw, index) => {
    const at = `${where}: /${index}`;
    if (seen.has(raw.iss)) throw new ConfigError(`${at}/iss "${raw.iss}" is listed twice`);
    seen.add(raw.iss);
    return Object.freeze(parseClient(raw, at, options.production));
  });
  return Object.freeze(clients);
}

function parseClient(raw: RawClient, at: string, production: boolean): ClientRegistration {
  if ((raw.jwks === undefined) === (raw.jwksUrl === undefined)) {
    throw new ConfigError(`${at}: give exactly one of "jwks" (inline public keys) or "jwksUrl"`);
  }
  const keySource: KeySource =
    raw.jwks !== undefined
      ? { kind: 'inline', jwks: Object.freeze({ keys: Object.freeze(raw.jwks.keys.map((key, i) => checkPublicJwk(key, `${at}/jwks/keys/${i}`))) }) }
      : { kind: 'remote', jwksUrl: checkUrl(raw.jwksUrl ?? '', `${at}/jwksUrl`, production).href };
  const fhirServers = raw.fhirServers.map((prefix, i) => checkUrl(prefix, `${at}/fhirServers/${i}`, production).href.replace(/\/+$/, ''));
  return {
    iss: raw.iss,
    keySource: Object.freeze(keySource),
    fhirServers: Object.freeze(fhirServers),
    ...(raw.tenant === undefined ? {} : { tenant: raw.tenant }),
  };
}

function checkPublicJwk(key: RawJwk, at: string): JWK {
  const secret = PRIVATE_MEMBERS.find((member) => member in key);
  if (secret !== undefined) {
    throw new ConfigError(`${at}/${secret}: private key material; list only the public key`);
  }
  try {
    createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
  } catch (error) {
    throw new ConfigError(`${at}: not a usable ${key.kty} public key`, { cause: error });
  }
  const jwk: JWK = { ...key };
  return Object.freeze(jwk);
}

/** An absolute http(s) URL without credentials, query or fragment; https in production unless loopback. */
function checkUrl(value: string, at: string, production: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${at}: "${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${at}: "${value}" must be http(s)`);
  }
  if (url.username || url.password) throw new ConfigError(`${at}: must not contain user:password@`);
  if (url.search || url.hash) throw new ConfigError(`${at}: must not contain a query or fragment`);
  if (production && url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(`${at}: "${value}" must use https in production`);
  }
  return url;
}

function describeAjvError(errors: readonly ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  if (!error) return 'is invalid';
  const params = error.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  const location = error.instancePath || '/';
  if (params.missingProperty !== undefined) return `${location}/${params.missingProperty} is required`;
  if (params.additionalProperty !== undefined) return `${location}/${params.additionalProperty} is not a known field`;
  const allowed = params.allowedValues ? ` (${params.allowedValues.join(', ')})` : '';
  return `${location} ${error.message ?? 'is invalid'}${allowed}`;
}
