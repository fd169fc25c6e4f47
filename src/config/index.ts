import type { AuthMode, ClientRegistration } from '../auth/client-registration';
import { ConfigError } from '../errors';
import { DEFAULT_TARGETS, type Targets } from '../logic/targets';
import { ALL_RULES_ACTIVE, type RuleSettings, type RuleSettingsOptions } from './rules-file';

/**
 * Configuration: parsed once from the environment at start-up, validated, typed and frozen
 * (after fastify). Nothing reads `process.env` after this. Names: service-contract.md.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly production: boolean;
  readonly logLevel: string;
  readonly auth: AuthMode;
  readonly clientsFile?: string;
  /** The trusted CDS clients from CDS_CLIENTS_FILE (empty without one). */
  readonly clients: readonly ClientRegistration[];
  /** External base URL without trailing slash; the JWT `aud` is this + the path called. */
  readonly publicUrl: string;
  readonly targetsFile?: string;
  readonly targets: Targets;
  readonly rulesFile?: string;
  /** CDS_RULES_FILE: each rule's mode (active, shadow, off), per tenant; reloaded on SIGHUP. */
  readonly ruleSettings: RuleSettings;
  readonly databaseUrl?: string;
  /** Embedded store directory when DATABASE_URL is not set. */
  readonly dataDir: string;
  /**
   * CDS_ISSUED_CARDS. `batched`: a hook answers at once and its cards are recorded within 250 ms
   * (a kill -9 loses that window's records); `durable`: a hook answers once its cards' record is
   * committed, and PGlite then puts each commit on disk (docs/deploy.md "Durability").
   */
  readonly issuedCards: 'batched' | 'durable';
  /** Allowed browser origins; `*` in a port position matches any port (`http://localhost:*`). */
  readonly corsOrigins: readonly string[];
  readonly maxBodyBytes: number;
  /** Whole-hook deadline: past it outstanding FHIR queries are aborted and the hook answers 412. */
  readonly hookDeadlineMs: number;
  /** Per FHIR query timeout. */
  readonly fhirTimeoutMs: number;
  /** How many `next` pages of one search are followed before giving up (412). */
  readonly fhirMaxPages: number;
  /** Open sockets to each FHIR server (per origin), shared by all hooks; more queries wait. */
  readonly fhirConnections: number;
  /** Bytes of one FHIR answer; past it the query is aborted (412, or a Medication left unread). */
  readonly fhirMaxResponseBytes: number;
  /** Bytes of all one hook's FHIR answers together. */
  readonly fhirMaxHookBytes: number;
  /** Receiving one whole request, headers and body; past it 408 and the connection is closed. */
  readonly requestTimeoutMs: number;
  /** Receiving a request's headers (at most requestTimeoutMs). */
  readonly headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** Open connections beyond this are closed on arrival. */
  readonly maxConnections: number;
  /**
   * CDS_ADMIN_TOKEN_SHA256: hex SHA-256 of the administrators' bearer token (lower case). Set:
   * every /admin route needs that token. Unset: loopback callers only in development, nobody in
   * production.
   */
  readonly adminTokenSha256?: string;
  /** CDS_AUDIT_RETENTION_DAYS: issued-card (audit trail) rows older than this are deleted. */
  readonly auditRetentionDays: number;
  /** CDS_SMART_LINKS: every card links the timeline app (`on`, default) or not (`off`). */
  readonly smartLinks: boolean;
  /** CDS_SMART_CLIENT_ID: the timeline app's OAuth client id, as the EHR registered it. */
  readonly smartClientId: string;
  /**
   * CDS_APP_CONNECT_SRC: origins the timeline app's page may call besides this service and the
   * registered FHIR servers (an EHR's authorization server, whose token endpoint fhirclient calls).
   */
  readonly appConnectSrc: readonly string[];
  /**
   * CDS_APP_FRAME_ANCESTORS: origins that may embed the timeline app in a frame; empty: any
   * https page (development: any page).
   */
  readonly appFrameAncestors: readonly string[];
}

/** The CDS Hooks Sandbox (hosted and locally built) and localhost, for development only. */
export const DEVELOPMENT_CORS_ORIGINS = Object.freeze([
  'https://sandbox.cds-hooks.org',
  'http://localhost:*',
  'http://127.0.0.1:*',
]);

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigLoaders {
  /** Reads and validates CDS_TARGETS_FILE over the defaults (throws ConfigError naming the field). */
  readonly loadTargets?: (path: string) => Targets;
  /** Reads and validates CDS_CLIENTS_FILE (`loadClientsFile` in ./clients-file). */
  readonly loadClients?: (path: string, options: { readonly production: boolean }) => readonly ClientRegistration[];
  /** Reads and validates CDS_RULES_FILE (`loadRulesFile` in ./rules-file). */
  readonly loadRules?: (path: string, options: RuleSettingsOptions) => RuleSettings;
}

/** The tenants CDS_RULES_FILE may name: those of the registered clients. */
export function tenantsOf(clients: readonly ClientRegistration[]): ReadonlySet<string> {
  const tenants = new Set<string>();
  for (const client of clients) if (client.tenant !== undefined) tenants.add(client.tenant);
  return tenants;
}

export function loadConfig(env: Env, loaders: ConfigLoaders = {}): Config {
  const production = env.NODE_ENV === 'production';
  const port = parseInteger(env, 'PORT', 3000, 0, 65535);
  const auth = parseAuth(env.CDS_AUTH, production);
  const targetsFile = nonEmpty(env.CDS_TARGETS_FILE);
  const targets = targetsFile && loaders.loadTargets ? loaders.loadTargets(targetsFile) : DEFAULT_TARGETS;
  const clientsFile = nonEmpty(env.CDS_CLIENTS_FILE);
  const clients = parseClientsSetting(clientsFile, auth, production, loaders);
  const rulesFile = nonEmpty(env.CDS_RULES_FILE);
  const ruleSettings =
    rulesFile && loaders.loadRules ? loaders.loadRules(rulesFile, { knownTenants: tenantsOf(clients) }) : ALL_RULES_ACTIVE;
  const config: Config = {
    port,
    host: nonEmpty(env.HOST) ?? (production ? '0.0.0.0' : '127.0.0.1'),
    production,
    logLevel: parseLogLevel(env.LOG_LEVEL),
    auth,
    clientsFile,
    clients,
    publicUrl: parsePublicUrl(env.CDS_PUBLIC_URL, port),
    targetsFile,
    targets,
    rulesFile,
    ruleSettings,
    databaseUrl: nonEmpty(env.DATABASE_URL),
    dataDir: nonEmpty(env.CDS_DATA_DIR) ?? 'data/pglite',
    issuedCards: parseIssuedCards(env.CDS_ISSUED_CARDS),
    corsOrigins: parseOrigins(env.CDS_CORS_ORIGINS, production),
    maxBodyBytes: parseSize(env, 'CDS_MAX_BODY', 2 * MB),
    hookDeadlineMs: parseInteger(env, 'CDS_HOOK_DEADLINE_MS', 2000, 100, 60000),
    fhirTimeoutMs: parseInteger(env, 'CDS_FHIR_TIMEOUT_MS', 1500, 50, 60000),
    fhirMaxPages: parseInteger(env, 'CDS_FHIR_MAX_PAGES', 10, 1, 1000),
    fhirConnections: parseInteger(env, 'CDS_FHIR_CONNECTIONS', 128, 1, 4096),
    ...parseFhirReadLimits(env),
    ...parseConnectionLimits(env),
    adminTokenSha256: parseAdminTokenDigest(env.CDS_ADMIN_TOKEN_SHA256),
    // Six years: HIPAA's retention of required documentation (45 CFR 164.316(b)(2)(i)), the
    // longest of the usual audit-log obligations; a site with a longer one raises it.
    auditRetentionDays: parseInteger(env, 'CDS_AUDIT_RETENTION_DAYS', 2190, 1, 36_500),
    smartLinks: parseOnOff(env, 'CDS_SMART_LINKS', true),
    smartClientId: parseClientId(env.CDS_SMART_CLIENT_ID),
    appConnectSrc: parseOriginList(env, 'CDS_APP_CONNECT_SRC'),
    appFrameAncestors: parseOriginList(env, 'CDS_APP_FRAME_ANCESTORS'),
  };
  return Object.freeze(config);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function parseAuth(value: string | undefined, production: boolean): AuthMode {
  const raw = nonEmpty(value);
  if (raw === undefined) return production ? 'required' : 'off';
  if (raw !== 'required' && raw !== 'off') {
    throw new ConfigError(`CDS_AUTH must be "required" or "off", not "${raw}"`);
  }
  if (production && raw === 'off') {
    throw new ConfigError('CDS_AUTH=off is not allowed with NODE_ENV=production');
  }
  return raw;
}

/**
 * The digest, never the token: a leaked configuration (environment dump, `docker inspect`) does
 * not open the administration routes. 64 hex digits, as `sha256sum` prints them.
 */
function parseAdminTokenDigest(value: string | undefined): string | undefined {
  const raw = nonEmpty(value);
  if (raw === undefined) return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(raw)) {
    throw new ConfigError(
      `CDS_ADMIN_TOKEN_SHA256 must be the 64 hex digits of the token's SHA-256 (as sha256sum prints them), not a value of ${raw.length} characters`,
    );
  }
  return raw.toLowerCase();
}

function parseIssuedCards(value: string | undefined): Config['issuedCards'] {
  const raw = nonEmpty(value)?.toLowerCase() ?? 'batched';
  if (raw !== 'batched' && raw !== 'durable') {
    throw new ConfigError(`CDS_ISSUED_CARDS must be "batched" or "durable", not "${raw}"`);
  }
  return raw;
}

function parseOnOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw !== 'on' && raw !== 'off') throw new ConfigError(`${name} must be "on" or "off", not "${raw}"`);
  return raw === 'on';
}

/** RFC 6749 §A.1: a client_id is printable ASCII; the EHR registered it, the app sends it. */
function parseClientId(value: string | undefined): string {
  const raw = nonEmpty(value) ?? 'ln-cds-hooks-timeline';
  if (!/^[\x20-\x7e]{1,256}$/.test(raw)) {
    throw new ConfigError('CDS_SMART_CLIENT_ID must be 1 to 256 printable ASCII characters (RFC 6749 client_id)');
  }
  return raw;
}

/** A comma-separated list of origins for a Content-Security-Policy source list; `*` is refused. */
function parseOriginList(env: Env, name: string): readonly string[] {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return Object.freeze([]);
  const origins = raw
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[A-Za-z0-9.\-[\]:]+$/.test(origin)) {
      throw new ConfigError(`${name}: "${origin}" is not an origin (scheme://host[:port])`);
    }
  }
  return Object.freeze(origins);
}

const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];

/**
 * NODE_ENV=production means CDS_AUTH=required (CDS Hooks 2.0 "Trusting CDS Clients": a service
 * holding patient data answers only clients it trusts) and refuses to start without a valid
 * clients file; CDS_AUTH=required without any trusted client could never answer anyone.
 */
function parseClientsSetting(
  clientsFile: string | undefined,
  auth: AuthMode,
  production: boolean,
  loaders: ConfigLoaders,
): readonly ClientRegistration[] {
  if (clientsFile === undefined) {
    if (auth === 'required') {
      throw new ConfigError(
        `CDS_AUTH=required${production ? ' (NODE_ENV=production)' : ''} needs CDS_CLIENTS_FILE listing the trusted CDS clients`,
      );
    }
    return Object.freeze([]);
  }
  const clients = loaders.loadClients ? loaders.loadClients(clientsFile, { production }) : Object.freeze([]);
  if (auth === 'required' && loaders.loadClients && clients.length === 0) {
    throw new ConfigError(`CDS_CLIENTS_FILE (${clientsFile}) lists no CDS client; CDS_AUTH=required would refuse everyone`);
  }
  return clients;
}

function parseLogLevel(value: string | undefined): string {
  const level = nonEmpty(value)?.toLowerCase() ?? 'info';
  if (!LOG_LEVELS.includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${level}"`);
  }
  return level;
}

function parseInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/**
 * docs/deploy.md "Timeouts and connections". An EHR sends a hook in milliseconds; 10 s lets a
 * full CDS_MAX_BODY (2 MB) through a 2 Mbit/s link. Keep-alive outlasts the 60 s idle timeout
 * common to load balancers, so that the balancer, not the service, closes idle connections (else
 * it may send a request on a connection being closed, and answer the EHR 502). 512 connections
 * is far more than a load balancer or an EHR's pool opens to one replica, and stays under the
 * 1024 open files many hosts allow a process, leaving descriptors for FHIR queries and the store.
 */
function parseConnectionLimits(
  env: Env,
): Pick<Config, 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs' | 'maxConnections'> {
  const requestTimeoutMs = parseInteger(env, 'CDS_REQUEST_TIMEOUT_MS', 10_000, 1000, 300_000);
  const headersTimeoutMs = parseInteger(env, 'CDS_HEADERS_TIMEOUT_MS', 5000, 500, 60_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      `CDS_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed CDS_REQUEST_TIMEOUT_MS (${requestTimeoutMs}): the headers are part of the request`,
    );
  }
  return {
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: parseInteger(env, 'CDS_KEEP_ALIVE_TIMEOUT_MS', 65_000, 1000, 600_000),
    maxConnections: parseInteger(env, 'CDS_MAX_CONNECTIONS', 512, 1, 65_535),
  };
}

function parsePublicUrl(value: string | undefined, port: number): string {
  const raw = nonEmpty(value) ?? `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`CDS_PUBLIC_URL must be an absolute URL, not "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`CDS_PUBLIC_URL must be http(s), not "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function parseOrigins(value: string | undefined, production: boolean): readonly string[] {
  const raw = nonEmpty(value);
  if (raw === undefined) return production ? [] : DEVELOPMENT_CORS_ORIGINS;
  const origins = raw
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const origin of origins) {
    if (origin === '*') {
      throw new ConfigError('CDS_CORS_ORIGINS must list origins; "*" is not allowed');
    }
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`CDS_CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port])`);
    }
  }
  return Object.freeze(origins);
}

const MB = 1024 * 1024;
const SIZE_UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: MB };

function parseSize(env: Env, name: string, fallback: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb)?$/i.exec(raw);
  const unit = SIZE_UNITS[(match?.[2] ?? 'b').toLowerCase()];
  if (!match || unit === undefined) {
    throw new ConfigError(`${name} must be a size such as 2mb, 500kb or 1048576, not "${raw}"`);
  }
  const bytes = Math.floor(Number(match[1]) * unit);
  if (bytes < 1024) throw new ConfigError(`${name} must be at least 1kb, not "${raw}"`);
  return bytes;
}

/**
 * docs/security.md "What a caller can make the service do". A five-year record's largest search
 * (every MedicationRequest, with its Medications) is tens of KB, and the whole prefetched record
 * fits CDS_MAX_BODY (2 MB); 4 MB per answer and 8 MB per hook leave room for records many times
 * that and bound what one hostile or broken FHIR server can make a hook hold.
 */
function parseFhirReadLimits(env: Env): Pick<Config, 'fhirMaxResponseBytes' | 'fhirMaxHookBytes'> {
  const fhirMaxResponseBytes = parseSize(env, 'CDS_FHIR_MAX_RESPONSE', 4 * MB);
  const fhirMaxHookBytes = parseSize(env, 'CDS_FHIR_MAX_PER_HOOK', 8 * MB);
  if (fhirMaxHookBytes < fhirMaxResponseBytes) {
    throw new ConfigError(
      `CDS_FHIR_MAX_PER_HOOK (${fhirMaxHookBytes} bytes) must be at least CDS_FHIR_MAX_RESPONSE (${fhirMaxResponseBytes} bytes): every answer is part of its hook`,
    );
  }
  return { fhirMaxResponseBytes, fhirMaxHookBytes };
}
