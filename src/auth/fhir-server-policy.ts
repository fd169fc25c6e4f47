import type { AuthMode, ClientRegistration } from './client-registration';
import type { AuthenticatedClient } from './jwt-verifier';
import { isLoopbackHost } from './loopback';

/**
 * Which `fhirServer`s the service may contact, and so hand a `fhirAuthorization` token to.
 * CDS Hooks 2.0 lets the CDS client name any FHIR server; a service that followed blindly could be
 * pointed at internal hosts (SSRF) or made to leak data requests, so we only talk to servers
 * registered for the authenticated client (CDS_CLIENTS_FILE `fhirServers`). A disallowed server is
 * never contacted; the caller answers 412.
 */
export interface FhirServerPolicyConfig {
  readonly auth: AuthMode;
  readonly production: boolean;
  readonly clients: readonly ClientRegistration[];
}

export function isFhirServerAllowed(
  fhirServer: string,
  client: AuthenticatedClient | undefined,
  config: FhirServerPolicyConfig,
): boolean {
  const candidate = parseServerUrl(fhirServer);
  if (candidate === undefined) return false;
  if (client !== undefined) return client.fhirServers.some((prefix) => matchesPrefix(candidate, prefix));
  // Without an authenticated client: development only, loopback and registered servers.
  if (config.auth === 'required' || config.production) return false;
  if (isLoopbackHost(candidate.hostname)) return true;
  return config.clients.some((registration) =>
    registration.fhirServers.some((prefix) => matchesPrefix(candidate, prefix)),
  );
}

/**
 * Which FHIR servers the timeline app may make the service read (POST /app/api/timeline). The app
 * is no CDS client and carries no JWT: the servers it may name are those registered for some
 * client in CDS_CLIENTS_FILE (the EHRs this service serves), and in development also this machine
 * (the demo's FHIR server). Anything else would make the service an open proxy that sends a
 * token wherever a browser asks.
 */
export function isAppFhirServerAllowed(fhirServer: string, config: FhirServerPolicyConfig): boolean {
  const candidate = parseServerUrl(fhirServer);
  if (candidate === undefined) return false;
  if (!isStrictAppPolicy(config) && isLoopbackHost(candidate.hostname)) return true;
  return config.clients.some((registration) =>
    registration.fhirServers.some((prefix) => matchesPrefix(candidate, prefix)),
  );
}

/**
 * The tenants of the clients that registered this FHIR server (undefined for a client without
 * one); [undefined] when none did (development's loopback). The timeline app carries no JWT, so
 * the tenant whose rule modes apply (CDS_RULES_FILE `tenants`) is known only from its FHIR server.
 */
export function tenantsOfFhirServer(
  fhirServer: string,
  clients: readonly ClientRegistration[],
): (string | undefined)[] {
  const candidate = parseServerUrl(fhirServer);
  const tenants = new Set<string | undefined>();
  if (candidate !== undefined) {
    for (const client of clients) {
      if (client.fhirServers.some((prefix) => matchesPrefix(candidate, prefix))) tenants.add(client.tenant);
    }
  }
  return tenants.size === 0 ? [undefined] : [...tenants];
}

/**
 * Whether the timeline endpoint works as in production: only registered FHIR servers, and only
 * with the launch's token. `CDS_AUTH=required` outside production (a staging service) is held to
 * the same rule, as the hooks are: a site that asks for authentication gets none of the
 * development allowances.
 */
export function isStrictAppPolicy(config: Pick<FhirServerPolicyConfig, 'auth' | 'production'>): boolean {
  return config.production || config.auth === 'required';
}

/** The origins of the registered FHIR servers (the timeline app's page may call them). */
export function registeredFhirOrigins(clients: readonly ClientRegistration[]): string[] {
  const origins = new Set<string>();
  for (const client of clients) {
    for (const prefix of client.fhirServers) {
      const url = parseServerUrl(prefix);
      if (url !== undefined) origins.add(url.origin);
    }
  }
  return [...origins];
}

/**
 * An http(s) base URL with nothing that could make two spellings disagree about where the request
 * goes: no user:password@ (`https://ehr.example.com@evil.com`), no query or fragment, and no
 * percent-encoded `/`, `\` or `.` in the path (the FHIR server might decode `%2e%2e%2f` into `../`
 * after our prefix check).
 */
function parseServerUrl(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.search !== '' || url.hash !== '') return undefined;
  if (/%(2f|5c|2e)/i.test(url.pathname)) return undefined;
  return url;
}

/**
 * Same origin (scheme, host, port — so `https://ehr.example.com.evil.com` is not
 * `https://ehr.example.com`) and a path equal to the prefix's or below it on a segment boundary
 * (`/fhir` covers `/fhir/r4` but not `/fhir-admin`).
 */
function matchesPrefix(candidate: URL, prefix: string): boolean {
  const allowed = parseServerUrl(prefix);
  if (allowed === undefined || allowed.origin !== candidate.origin) return false;
  const base = allowed.pathname.replace(/\/+$/, '');
  const path = candidate.pathname.replace(/\/+$/, '');
  return path === base || path.startsWith(`${base}/`);
}
